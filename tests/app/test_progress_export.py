"""Progress page: the download holds the learner's own progress file; an import merges into it."""
import json

from core import portable


def test_download_holds_my_progress(app, db):
    user = app.session_state["user"]
    db.record_attempt(user, "vectors", 1, "5", "correct")
    db.record_attempt("someone else", "vectors", 1, "7", "wrong")
    app.switch_page("app_pages/progress.py").run()
    assert not app.exception, app.exception
    doc = portable.export_user(db, user)
    assert [a["answer_text"] for a in doc["practice_attempts"]] == ["5"]
    labels = [e.proto.label for e in app.get("download_button")]
    assert labels == ["Download my progress"]


def test_import_through_the_page_function_merges_once(app, db):
    user = app.session_state["user"]
    doc = {"format": portable.FORMAT, "version": 1, "exported_at": "2026-01-01T00:00:00", "user": "x",
           "notes": [{"slug": "vectors", "body": "hi", "saved_at": "2026-01-01T10:00:00"}]}
    raw = json.dumps(doc).encode()
    assert portable.summary(portable.import_user(db, user, portable.parse(raw))) == \
        "Added 1 note version; nothing was added twice."
    assert sum(portable.import_user(db, user, portable.parse(raw)).values()) == 0
