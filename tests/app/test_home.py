"""Home: the chapter grid, progress per chapter, continue-where-you-left-off, profiles."""
from streamlit.testing.v1 import AppTest

from core.content import load_chapters
from tests.app.conftest import APP
from tests.app.outline import outline, skipped_levels


def _cards_text(at):
    return " ".join(m.value for m in at.markdown)


def test_home_renders_the_grid_and_the_header(app):
    assert not app.exception
    assert app.title[0].value == "Formula Lab"
    text = _cards_text(app)
    for ch in load_chapters():
        assert f"**{ch.number}. {ch.title}**" in text
    assert 'data-testid="fl-stats"' in text and "0 / 17" in text
    assert app.session_state["user"] == "local:me"
    assert [h for h, _ in outline(app)] == [1, 2, 2] and not skipped_levels(app)   # H1, then H2s


def test_home_shows_progress_and_continue_link(app, db):
    user = app.session_state["user"]
    for n in range(1, 9):
        db.record_attempt(user, "softmax", n, "x", "correct")
    db.record_pronunciation(user, "softmax", "heard", 90.0)
    db.record_typing(user, "softmax", chars=200, errors=4, seconds=60, best_streak=80)
    db.record_study(user, "softmax", 30)
    app.run()
    assert not app.exception
    assert "12. Softmax** · :green[mastered" in _cards_text(app)
    assert "Chapters · 1 of 17 mastered" in [s.value for s in app.header]
    links = [e.proto.label for e in app.get("page_link")]
    assert any(l.startswith("Continue where you left off: Ch. 12") for l in links)
    bars = [p.proto.text for p in app.get("progress")]
    assert "8 / 10 solved" in bars


def test_profiles_keep_progress_apart(app, db):
    db.record_attempt("local:me", "relu", 1, "0", "correct")
    app.text_input(key="home.profile.name").input("ada").run()
    assert not app.exception
    assert app.session_state["user"] == "local:ada"
    assert "0 / 10 solved" in [p.proto.text for p in app.get("progress")][10]   # ch. 11 ReLU
    app.text_input(key="home.profile.name").input("bad/name!").run()
    assert app.session_state["user"] == "local:ada"
    assert "1–40 letters" in app.error[0].value


def test_a_locked_or_corrupt_database_shows_a_message_not_a_crash(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    from tests.app.conftest import APP
    bad = tmp_path / "broken.duckdb"
    bad.write_bytes(b"not a database at all" * 300)
    monkeypatch.setenv("FORMULA_LAB_DB", str(bad))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "damaged" in at.warning[0].value and "in-memory" in at.warning[0].value
    at.switch_page("app_pages/01_vectors.py").run()
    assert not at.exception and at.title[0].value == "Vectors"


def _header(at) -> str:
    return next(m.value for m in at.markdown if 'data-testid="fl-stats"' in m.value)


def test_a_new_profile_has_no_day_streak_until_it_studies(app, db):
    user = app.session_state["user"]
    db.record_study(user, "home", 20)        # the study clock's first heartbeat: seconds, not a minute
    app.run()
    assert "Today<b>0m</b>" in _header(app) and "Day streak<b>0</b>" in _header(app)
    db.record_attempt(user, "relu", 1, "0", "correct")
    app.run()
    assert "Day streak<b>1</b>" in _header(app)


def test_home_is_also_served_at_slash_home(app):
    """Home lives at /, and /home opens it too (a browser asks for a page by its URL path)."""
    by_path = {info.get("url_pathname"): h for h, info in app._registered_pages.items()}
    assert by_path.get("") and by_path.get("home"), by_path
    at = AppTest.from_file(str(APP), default_timeout=60)
    at._page_hash = by_path["home"]           # what a visit to /home?profile=ada resolves to
    at.query_params["profile"] = "ada"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Formula Lab" and at.session_state["user"] == "local:ada"
    assert at._finished_page_script_hash == by_path[""]          # sent on to Home at /
    assert at.query_params["profile"] == "ada"                   # the address keeps its profile
