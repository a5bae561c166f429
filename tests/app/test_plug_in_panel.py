"""The 'Plug in a value' panel on every chapter page: change an input, read the new numbers."""
import json
import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.content import chapter_by_slug, load_chapters
from tests.app.conftest import APP

CHAPTERS = load_chapters()

# A new value for one input of each chapter, and what the last step must then say.
CASES = {
    "vectors": ("k", "3", r"= \left[\, 7,\ 5 \,\right]"),
    "vector_norm": ("v", "[6, 8]", r"\sqrt{100} = 10"),
    "unit_vector": ("v", "[0, 5]", r"= \left[\, 0,\ 1 \,\right]"),
    "dot_product": ("a", "[2, 5]", "= 2 + 10 = 12"),
    "cosine_similarity": ("b", "[-4, 3]", r"\arccos\left(0\right) = 90{}^\circ"),
    "matrix_vector": ("x", "[1, 0]", r"= \left[\, 1,\ 3,\ 0 \,\right]"),
    "matrix_multiplication": ("B", "[[1, 0], [0, 1], [0, 0]]", r"\begin{bmatrix} 1 & 2 \\ 0 & 1 \end{bmatrix}"),
    "determinant": ("A", "[[3, 1], [2, 4]]", "= 12 - 2 = 10"),
    "eigenvalues": ("A", "[[4, 0], [0, 2]]", r"\frac{\det\mathbf{A}}{\lambda_1} = \frac{8}{4} = 2"),
    "sigmoid": ("x", "0", r"\frac{1}{2} = 0.5"),
    "relu": ("x", "-3", r"\max(0,\ -3) = 0"),
    "softmax": ("z", "[1, 1]", r"(\mathbf{z}) = \left[\, 0.5,\ 0.5 \,\right]"),
    "mean_squared_error": ("y_hat", "[3, 5, 1]", r"L = \frac{1}{3} \approx 0.33333"),
    "cross_entropy": ("y_hat", "[0.25, 0.5, 0.25]", r"\approx 0.69315"),
    "gradient_descent": ("eta", "0.5", "= 3 - 3 = 0"),
    "chain_rule": ("y", "0", r"\left(1\right) \cdot \left(0.25\right) \cdot \left(2\right) = 0.5"),
    "attention": ("V", "[[1, 0], [1, 0], [1, 0]]", r"\begin{bmatrix} 1 & 0 \end{bmatrix}"),
}


@pytest.fixture(scope="module")
def at(tmp_path_factory):
    """One app session walked through every chapter (a fresh one per page would be slow)."""
    old = os.environ.get("FORMULA_LAB_DB")
    os.environ["FORMULA_LAB_DB"] = str(tmp_path_factory.mktemp("db") / "lab.duckdb")
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    yield app
    if old is None:
        os.environ.pop("FORMULA_LAB_DB")
    else:
        os.environ["FORMULA_LAB_DB"] = old


_ITEM = re.compile(r"(\d+)\. \$\\displaystyle (.+)\$")


def _steps(at):
    """The panel's steps, as LaTeX: one Markdown list, an item of inline math per step
    ("3. $\\displaystyle …$"), numbered from 1."""
    lists = [m.value for m in at.markdown if m.value.startswith("1. $")]
    if not lists:
        return []
    assert len(lists) == 1, "one list of steps"
    items = [_ITEM.fullmatch(line) for line in lists[0].split("\n")]
    assert all(items), lists[0]
    assert [int(m.group(1)) for m in items] == list(range(1, len(items) + 1))
    return [m.group(2) for m in items]


def test_every_chapter_is_covered():
    assert set(CASES) == {c.slug for c in CHAPTERS}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_changing_an_input_reworks_the_steps(at, chapter):
    slug = chapter.slug
    name, text, last = CASES[slug]
    at.switch_page(chapter.page_file).run()
    assert not at.exception, at.exception
    before = _steps(at)
    assert before, "the worked example is shown before anything is typed"
    assert [t.value for t in at.text_input if t.key and t.key.startswith(f"{slug}.plug_in.")]

    at.text_input(key=f"{slug}.plug_in.{name}").input(text).run()
    assert not at.exception, at.exception
    after = _steps(at)
    assert after != before
    assert after[-1].endswith(last), after[-1]
    assert not at.warning and not at.error


def test_steps_are_inline_math_so_long_ones_wrap(at):
    """Display math ($$, st.latex) never breaks a line; inline math breaks after a top-level
    = or +, so a long step wraps at 390 px instead of running off the page."""
    chain = chapter_by_slug("chain_rule")
    at.switch_page(chain.page_file).run()
    for name, text in {"x": "1", "w": "400", "b": "0", "y": "1"}.items():
        at.text_input(key=f"chain_rule.plug_in.{name}").input(text).run()
    assert not at.exception, at.exception
    steps = _steps(at)
    assert steps[-1].endswith(r"\approx -{7.3357 \times 10^{-348}}")
    assert not [l for l in at.latex if l.value.strip("$").startswith(r"\small\text{")]
    markdown = next(m.value for m in at.markdown if m.value.startswith("1. $"))
    assert "$$" not in markdown


def test_values_survive_a_visit_to_another_page_and_reset_restores_the_example(at):
    norm, dot = chapter_by_slug("vector_norm"), chapter_by_slug("dot_product")
    at.switch_page(norm.page_file).run()
    at.text_input(key="vector_norm.plug_in.v").input("[5, 12]").run()
    at.switch_page(dot.page_file).run()
    at.switch_page(norm.page_file).run()
    assert at.text_input(key="vector_norm.plug_in.v").value == "[5, 12]"
    assert _steps(at)[-1].endswith(r"\sqrt{169} = 13")
    at.button(key="vector_norm.plug_in.reset").click().run()
    assert at.text_input(key="vector_norm.plug_in.v").value == "[2, -3, 6]"
    assert _steps(at)[-1].endswith(r"\sqrt{49} = 7")


def test_bad_input_is_explained_on_the_page(at):
    dot = chapter_by_slug("dot_product")
    at.switch_page(dot.page_file).run()
    at.text_input(key="dot_product.plug_in.b").input("[1, 2, 3]").run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["a has 2 entries and b has 3: a dot product needs the same length."]
    at.text_input(key="dot_product.plug_in.b").input("[1, 2").run()
    assert not at.exception
    assert any(e.value == "b: The [ opened at character 1 is never closed." for e in at.error)
    assert at.text_input(key="dot_product.plug_in.b").value == "[1, 2", "what was typed stays"


def _panel_script():
    import json

    import streamlit as st

    from components.plug_in import plug_in
    from core.content import chapter_by_slug

    values = plug_in(chapter_by_slug(st.session_state.get("slug", "attention")), key="t")
    st.code(json.dumps(values, sort_keys=True), language="json")


def test_the_panel_returns_plain_values_and_leaves_out_what_does_not_parse():
    at = AppTest.from_function(_panel_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert json.loads(at.code[0].value) == {
        "Q": [[1.0, 0.0, 1.0, 0.0]],
        "K": [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]],
        "V": [[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]],
    }
    at.text_input(key="t.plug_in.V").input("[[1, 0], [0, oops]]").run()
    assert set(json.loads(at.code[0].value)) == {"Q", "K"}
    at.session_state["slug"] = "gradient_descent"
    at.run()
    assert json.loads(at.code[0].value) == {"theta": 3.0, "grad": 6.0, "eta": 0.1}


def test_every_field_is_named_as_its_symbol_is_said_not_in_latex(at):
    """A screen reader reads a field's label: "vector y hat — the predictions", never the
    LaTeX source ("$\\hat{\\mathbf{y}}$ — …"); the symbol itself is drawn above the field."""
    seen = {}
    for chapter in CHAPTERS:
        at.switch_page(chapter.page_file).run()
        assert not at.exception, at.exception
        for t in at.text_input:
            if t.key and t.key.startswith(f"{chapter.slug}.plug_in."):
                assert not re.search(r"[$\\{}]", t.label), t.label
                seen[t.key] = t.label
    assert seen["vectors.plug_in.v"] == "vector v — the vector to scale"
    assert seen["mean_squared_error.plug_in.y_hat"] == "vector y hat — the predictions"
    assert seen["gradient_descent.plug_in.theta"].startswith("theta sub t — ")
    assert seen["gradient_descent.plug_in.grad"].startswith("gradient of L with respect to theta — ")
