"""Notes that never lose text, unreadable answers that do not count, profiles and signed-in learners."""
from streamlit.testing.v1 import AppTest

from components.identity import SHARED_SERVER_WARNING
from core.store import NOTE_LIMIT
from tests.app.conftest import APP, submit

BOX = "vectors.notes.text"


def _history(db, user, slug="vectors"):
    return [r[0] for r in db.query("SELECT body FROM notes WHERE user_id = ? AND slug = ? ORDER BY saved_at",
                                   [user, slug])]


def _conflict_shown(at) -> bool:
    return any("Another version of this note was saved" in w.value for w in at.warning)


def test_an_oversized_note_is_refused_and_nothing_saved_is_lost(app, db):
    app.switch_page("app_pages/13_mean_squared_error.py").run()
    box = "mean_squared_error.notes.text"
    app.text_area(key=box).input("the saved version").run()
    huge = "λ" * (NOTE_LIMIT + 1)
    app.text_area(key=box).input(huge).run()
    assert not app.exception
    assert "100,000" in app.error[0].value and "not saved" in app.error[0].value
    assert app.text_area(key=box).value == huge                      # the draft stays in the box
    assert db.note(app.session_state["user"], "mean_squared_error")[0] == "the saved version"


def test_unreadable_answers_do_not_count_and_three_wrong_tries_open_the_solution(app, db):
    app.switch_page("app_pages/04_dot_product.py").run()
    answer = "dot_product.practice.answer.1"
    app.text_input(key=answer).input("thirty-two")
    submit(app, "dot_product.practice.form.1")
    assert "Couldn't read that" in app.warning[0].value
    assert db.wrong_tries(app.session_state["user"], "dot_product") == {}
    for wrong in ["31", "33", "[32]"]:
        app.text_input(key=answer).input(wrong)
        submit(app, "dot_product.practice.form.1")
    assert db.wrong_tries(app.session_state["user"], "dot_product") == {1: 2}   # [32] is a form error
    assert not any(e.label == "Worked solution" for e in app.expander)
    app.text_input(key=answer).input("30")
    submit(app, "dot_product.practice.form.1")
    assert any(e.label == "Worked solution" for e in app.expander)


def test_hints_come_one_at_a_time(app):
    app.switch_page("app_pages/10_sigmoid.py").run()
    app.button(key="sigmoid.practice.hint_button.1").click().run()
    assert [i.value.startswith("Hint 1:") for i in app.info].count(True) == 1
    assert not any(i.value.startswith("Hint 2:") for i in app.info)


def test_next_problem_moves_on(app):
    app.switch_page("app_pages/02_vector_norm.py").run()
    app.button(key="vector_norm.practice.next.1").click().run()
    assert not app.exception
    assert any(m.value.startswith("**Problem 2 of 10.**") for m in app.markdown)


def test_signed_in_learner_has_their_own_id(db_path):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]               # nobody signed in: the gate
    at.user = {"is_logged_in": True, "sub": "u1", "iss": "https://id.example", "name": "Ada"}
    at.run()
    assert not at.exception
    assert at.session_state["user"] == "https://id.example|u1"
    assert any("Signed in as **Ada**" in c.value for c in at.caption)


def test_a_note_saved_elsewhere_since_the_page_loaded_is_kept_and_can_be_chosen(app, db):
    app.switch_page("app_pages/01_vectors.py").run()
    user = app.session_state["user"]
    db.save_note(user, "vectors", "theirs")          # another tab, or another visitor on profile "me"
    app.text_area(key=BOX).input("mine").run()
    assert not app.exception, app.exception
    assert _conflict_shown(app)
    assert [c.value for c in app.code if c.value == "theirs"]                # the other version is shown
    assert _history(db, user) == ["theirs", "mine"]                          # both kept
    app.button(key="vectors.notes.keep_theirs").click().run()
    assert not app.exception, app.exception
    assert app.text_area(key=BOX).value == "theirs" and db.note(user, "vectors")[0] == "theirs"
    assert _history(db, user) == ["theirs", "mine", "theirs"]                # yours stays in the history
    assert not _conflict_shown(app)


def test_keep_mine_leaves_mine_the_note_and_theirs_in_the_history(app, db):
    app.switch_page("app_pages/01_vectors.py").run()
    user = app.session_state["user"]
    app.text_area(key=BOX).input("first of mine").run()
    db.save_note(user, "vectors", "theirs")
    app.text_area(key=BOX).input("mine").run()
    assert _conflict_shown(app)
    app.button(key="vectors.notes.keep_mine").click().run()
    assert not app.exception and not _conflict_shown(app)
    assert app.text_area(key=BOX).value == "mine" and db.note(user, "vectors")[0] == "mine"
    assert _history(db, user) == ["first of mine", "theirs", "mine"]


def test_my_own_saves_one_after_another_are_no_conflict(app, db):
    app.switch_page("app_pages/01_vectors.py").run()
    for body in ["a", "ab", "abc"]:
        app.text_area(key=BOX).input(body).run()
        assert not _conflict_shown(app)
    assert _history(db, app.session_state["user"]) == ["a", "ab", "abc"]


def test_look_alike_profile_names_open_one_profile_or_are_refused(db_path):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["profile"] = "  ME "
    at.run()
    assert not at.exception and at.session_state["user"] == "local:me"
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["profile"] = "m\u0435"                             # Cyrillic е
    at.run()
    assert not at.exception and at.session_state["user"] == "local:me"
    assert any("not opened" in e.value and "Cyrillic" in e.value for e in at.sidebar.error)
    at.text_input(key="home.profile.name").input("  Ada   LOVELACE ").run()
    assert at.session_state["user"] == "local:ada lovelace"
    assert at.text_input(key="home.profile.name").value == "ada lovelace"
    at.text_input(key="home.profile.name").input("\u0430da").run()         # Cyrillic а
    assert at.session_state["user"] == "local:ada lovelace"
    assert "mixes Cyrillic and Latin" in at.error[0].value


def test_a_shared_address_without_sign_in_says_anyone_can_open_any_profile(db_path):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.context["url"] = "http://lab.example.org:8501/"
    at.run()
    assert not at.exception, at.exception
    assert SHARED_SERVER_WARNING in [w.value for w in at.main.warning]
    assert any("anyone here can open any profile" in w.value for w in at.sidebar.warning)
    for local in ["http://localhost:8501/", "http://127.0.0.1:8501/"]:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.context["url"] = local
        at.run()
        assert not at.exception and not at.warning                     # one learner on their own machine
        assert any("Profile **me**" in c.value for c in at.sidebar.caption)
