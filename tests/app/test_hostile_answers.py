"""A learner's hostile answer, plug-in value or forged typing attempt, on the real pages: a plain
sentence where it was entered, nothing stored, and the chapter still works on the next visit."""
import json

from core.content import chapter_by_slug
from core.mathparse import FORMS_HINT
from core.typing import keys_to_type, target_id, target_text
from tests.app.conftest import submit

OVERFLOWS = ["e^1000", "pi^1000", "tau^700", "(1/pi)^-1000", "exp(-600)^-2"]


def test_an_overflowing_practice_answer_is_a_sentence_not_a_crash(app, db):
    at = app
    page = chapter_by_slug("sigmoid").page_file
    at.switch_page(page).run()
    for text in OVERFLOWS:
        at.text_input(key="sigmoid.practice.answer.1").input(text)
        submit(at, "sigmoid.practice.form.1")
        assert not at.exception, at.exception
        assert [w.value for w in at.warning] == [
            "Couldn't read that: That power is too large to check. " + FORMS_HINT], text
    assert db.query("SELECT DISTINCT verdict FROM practice_attempts") in ([], [("invalid",)])   # no wrong try


def test_an_overflowing_plug_in_value_is_explained_on_every_visit(app):
    at = app
    sigmoid, relu = chapter_by_slug("sigmoid"), chapter_by_slug("relu")
    at.switch_page(sigmoid.page_file).run()
    for text in OVERFLOWS:
        at.text_input(key="sigmoid.plug_in.x").input(text).run()
        assert not at.exception, at.exception
        assert any(e.value == "x: That power is too large to check." for e in at.error), text
    at.switch_page(relu.page_file).run()
    at.switch_page(sigmoid.page_file).run()                   # the value is kept, and still only a sentence
    assert not at.exception, at.exception
    assert at.text_input(key="sigmoid.plug_in.x").value == OVERFLOWS[-1]
    assert any(e.value == "x: That power is too large to check." for e in at.error)


def test_cross_entropy_with_no_probability_to_draw_keeps_its_figure(app):
    at = app
    at.switch_page(chapter_by_slug("cross_entropy").page_file).run()
    for y_hat in ("[0, 0, 0, 0]", "[0.5, -0.1, 0.3, 0.3]", "[0, 0, 0, 0, 0, 0]"):   # 6: the most the panel reads
        n = y_hat.count(",") + 1
        at.text_input(key="cross_entropy.plug_in.y").input(json.dumps([0, 1] + [0] * (n - 2))).run()
        at.text_input(key="cross_entropy.plug_in.y_hat").input(y_hat).run()
        assert not at.exception, at.exception
        assert any(f"an even guess over the {n} classes" in c.value for c in at.caption), y_hat
        bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
        assert len(bars["x"]) == n and bars["x"][0] == "class 1"


def _forged(target, gap_ms, aid):
    keys = [[c, i * gap_ms, True] for i, c in enumerate(keys_to_type(target))]
    return {"id": aid, "target_id": target_id(target), "completed": True, "keys": keys}


def test_a_forged_typing_attempt_is_refused_where_the_trainer_is_and_not_stored(app, db):
    at = app
    slug = "vectors"
    at.switch_page(chapter_by_slug(slug).page_file).run()
    box, target = f"{slug}.typing.box", target_text(chapter_by_slug(slug).code.source)
    header = next(m.value for m in at.markdown if 'data-testid="fl-stats"' in m.value)
    for gap, says in ((0.001, "faster than anyone types"), (0, "faster than anyone types"),
                      (20, "above the 350 WPM no one types past")):
        at.session_state[box] = {"attempt": _forged(target, gap, f"forged-{gap}")}
        at.run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error if says in e.value], (gap, [e.value for e in at.error])
        assert not [m for m in at.markdown if "fl-typing-result" in m.value], "no figures for it"
    assert db.query("SELECT count(*) FROM typing_attempts") == [(0,)]
    assert next(m.value for m in at.markdown if 'data-testid="fl-stats"' in m.value) == header
    at.session_state[box] = {"attempt": _forged(target, 150, "typed")}          # 80 WPM: a person
    at.run()
    assert not at.exception and not at.error
    assert db.query("SELECT count(*) FROM typing_attempts") == [(1,)]
