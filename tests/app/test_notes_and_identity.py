"""Notes that never lose text, unreadable answers that do not count, and signed-in learners."""
from streamlit.testing.v1 import AppTest

from core.store import NOTE_LIMIT
from tests.app.conftest import APP, submit


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
