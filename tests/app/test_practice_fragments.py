"""A chapter's interactive sections rerun on their own: a check, a hint, a plug-in edit, a moved
figure control or a note reruns only its section, and the page's other sections stay as drawn.

AppTest reruns the whole script on every ``run()``; ``run_section`` asks for the rerun the browser
asks for after an interaction inside a fragment (that fragment only), by its key.
"""
from unittest import mock

import pytest
import streamlit.testing.v1.local_script_runner as local_script_runner

import components.chapter as chapter_module
from core.mastery import PROBLEMS_TO_MASTER, SAY_IT_BACK_TO_MASTER

SLUG = "vector_norm"


def run_section(at, name):
    """Rerun only the section (fragment) keyed ``name``, with the widgets' current values."""
    ids = at._fragment_storage.resolve_target(name)
    real = local_script_runner.RerunData

    def section_rerun(**kw):
        return real(**kw, fragment_id_queue=list(ids))

    with mock.patch.object(local_script_runner, "RerunData", section_rerun):
        return at.run()


@pytest.fixture
def calls(monkeypatch):
    """How often the page's static glossary and its plug-in panel were drawn."""
    counts = {"glossary": 0, "plug_in": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(chapter_module, "glossary", counting("glossary", chapter_module.glossary))
    monkeypatch.setattr(chapter_module, "plug_in", counting("plug_in", chapter_module.plug_in))
    return counts


@pytest.fixture
def page(app, calls):
    app.switch_page(f"app_pages/02_{SLUG}.py").run()
    assert not app.exception, app.exception
    assert calls == {"glossary": 1, "plug_in": 1}
    return app


def _stat(at, name):
    bar = next(m.value for m in at.markdown if 'data-testid="fl-stats"' in m.value)
    return bar.split(f"{name}<b>")[1].split("</b>")[0]


def test_checking_an_answer_reruns_only_the_practice_section(page, db, calls):
    clock = page.session_state["clock"].last_interaction
    page.text_input(key=f"{SLUG}.practice.answer.1").input("5")
    page.button(key=f"FormSubmitter:{SLUG}.practice.form.1-Check").click()
    at = run_section(page, f"{SLUG}.solve_it")
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["Correct!"]
    assert any("Solved 1 / 10" in (p.proto.text or "") for p in at.get("progress"))
    assert db.solved(at.session_state["user"]) == {SLUG: {1}}
    assert calls == {"glossary": 1, "plug_in": 1}, "the rest of the page was not drawn again"
    assert at.session_state["clock"].last_interaction > clock, "the check counts as study"


def test_a_hint_reruns_only_the_practice_section(page, calls):
    page.button(key=f"{SLUG}.practice.hint_button.1").click()
    at = run_section(page, f"{SLUG}.solve_it")
    assert not at.exception, at.exception
    assert [i.value.startswith("Hint 1:") for i in at.info].count(True) == 1
    assert calls == {"glossary": 1, "plug_in": 1}


def test_a_plug_in_edit_redraws_the_panel_and_its_figure_only(page, calls):
    page.text_input(key=f"{SLUG}.plug_in.v").input("[6, 8]")
    at = run_section(page, f"{SLUG}.try_it")
    assert not at.exception, at.exception
    assert any(r"\sqrt{100} = 10" in m.value for m in at.markdown)
    assert at.number_input(key=f"{SLUG}.figure.v.0").value == 6    # the figure follows the panel
    assert calls == {"glossary": 1, "plug_in": 2}


def test_a_figure_control_redraws_the_figure_only(page, calls):
    page.number_input(key=f"{SLUG}.figure.v.0").set_value(5.0)
    at = run_section(page, f"{SLUG}.touch_it")
    assert not at.exception, at.exception
    assert at.number_input(key=f"{SLUG}.figure.v.0").value == 5
    assert calls == {"glossary": 1, "plug_in": 1}


def test_a_note_is_saved_by_its_own_section(page, db, calls):
    page.text_area(key=f"{SLUG}.notes.text").input("the hypotenuse")
    at = run_section(page, f"{SLUG}.keep_it")
    assert not at.exception, at.exception
    assert db.note(at.session_state["user"], SLUG)[0] == "the hypotenuse"
    assert calls == {"glossary": 1, "plug_in": 1}


def test_the_answer_that_masters_a_chapter_reruns_the_page_and_its_header(page, db, calls):
    user = page.session_state["user"]
    for n in range(2, PROBLEMS_TO_MASTER + 1):     # all but the last problem it needs, and the rest
        db.record_attempt(user, SLUG, n, "x", "correct")
    db.record_pronunciation(user, SLUG, "the norm of v", SAY_IT_BACK_TO_MASTER + 5)
    db.record_typing(user, SLUG, chars=100, errors=0, seconds=30, best_streak=100)
    page.run()                                     # the page as the learner now sees it
    assert _stat(page, "Mastered") == "0 / 17"
    glossary_before = calls["glossary"]

    page.text_input(key=f"{SLUG}.practice.answer.1").input("5")
    page.button(key=f"FormSubmitter:{SLUG}.practice.form.1-Check").click()
    at = run_section(page, f"{SLUG}.solve_it")
    assert not at.exception, at.exception
    assert calls["glossary"] == glossary_before + 1, "mastery reruns the whole page once"
    assert _stat(at, "Mastered") == "1 / 17"
    assert any("Chapter mastered" in s.value for s in at.success)
