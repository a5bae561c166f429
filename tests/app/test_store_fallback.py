"""A progress file that is damaged, or held by another server process: a banner and honest save
messages, never a traceback; and once the file is free again, this session's writes move into it."""
from streamlit.testing.v1 import AppTest

import core.store
from core.store import open_store
from tests.app.conftest import APP
from tests.test_store import first_server, release, write_then_damage


def _banner(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_file_damaged_in_its_data_blocks_shows_a_banner_on_chapter_1_and_progress(db_path):
    damaged = write_then_damage(db_path)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    assert "damaged" in _banner(at) and "in-memory" in _banner(at)
    for page, title in [("app_pages/01_vectors.py", "Vectors"), ("app_pages/progress.py", "Progress")]:
        at.switch_page(page).run()
        assert not at.exception, at.exception
        assert at.title[0].value == title
        assert "damaged" in _banner(at)
    assert db_path.read_bytes() == damaged                     # left as it was found


def test_a_note_saved_while_another_server_holds_the_file_says_so_and_moves_in_later(db_path, monkeypatch):
    # Each page run may try the file again (the app waits RETRY_SECONDS between tries; 0 here, so
    # the test waits for the file to be free, not for a clock).
    monkeypatch.setattr(core.store, "RETRY_SECONDS", 0)
    first = first_server(db_path)
    try:
        at = AppTest.from_file(str(APP), default_timeout=60).run()
        assert not at.exception, at.exception
        assert "in use by another program" in _banner(at)
        at.switch_page("app_pages/01_vectors.py").run()
        at.text_area(key="vectors.notes.text").input("written while the file was busy").run()
        assert not at.exception, at.exception
        said = [w.value for w in at.warning if w.value.startswith("Saved")]
        assert said and "for this session only" in said[0] and "in use by another program" in said[0]
        assert not any(c.value.startswith("Saved") for c in at.caption)    # no plain "Saved 17:12:51"
        at.run()
        assert "in use by another program" in _banner(at)                   # still held: still says so
    finally:
        release(first)
    at.run()                                                                # the next page run moves in
    assert not at.exception, at.exception
    assert "in use" not in _banner(at)
    assert any(c.value.startswith("Saved") and "now in the progress file" in c.value for c in at.caption)
    at.text_area(key="vectors.notes.text").input("written after the move").run()
    assert any(c.value.startswith("Saved") for c in at.caption)
    assert not any("session only" in w.value for w in at.warning)
    db = open_store(db_path)
    assert db.mode == "file"
    assert [r[0] for r in db.query("SELECT body FROM notes WHERE user_id = 'local:me' AND slug = 'vectors' "
                                   "ORDER BY saved_at")] == \
        ["from the first server", "written while the file was busy", "written after the move"]
