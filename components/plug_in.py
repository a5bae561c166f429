"""Plug in a value: the formula's inputs side by side, its operations as a numbered derivation.

``plug_in(chapter, key=slug)`` returns the learner's current values by input name, as plain
Python (float, list[float], list[list[float]]); an input that does not parse is left out,
so whatever draws from them (the chapter's figure) can fall back to its own default.
"""
from __future__ import annotations

import streamlit as st

import core.plug_in as engine
from core.plug_in.base import spoken_symbol
from core.content import Chapter


# Steps read as a numbered derivation. Each is inline math, which KaTeX lets break after a
# top-level = or + (display math never breaks), so a long step wraps onto the next line at
# any width. Only a single piece wider than the page (a big matrix) is left: the list then
# scrolls sideways. The scroll is on the list, whose numbers sit in its own padding; on an
# item it would clip that item's number.
_STEPS_CSS = """<style>
[class*="plug_in-steps"] ol { margin: 0; padding: 0.2em 0 0.5em 2.2em; overflow-x: auto; overflow-y: hidden; }
[class*="plug_in-steps"] li { margin: 0 0 0.3rem 0; line-height: 2.4; }
[class*="plug_in-steps"] li > .katex { font-size: 1.1em; }
</style>"""


def _steps_markdown(steps) -> str:
    """The steps as a Markdown ordered list of inline math, one item a step.

    ``\\displaystyle`` keeps fractions full size, as display math would draw them.
    """
    return "\n".join(f"{n}. $\\displaystyle {step.latex}$" for n, step in enumerate(steps, 1))


@st.cache_data(max_entries=1024, show_spinner=False)
def _work(slug: str, texts: tuple[tuple[str, str], ...]):
    """Parsed values, per-input errors and the worked formula; cached per set of texts."""
    values = dict(texts)
    parsed, errors = engine.parse_values(slug, values)
    return parsed, errors, engine.evaluate(slug, values)


def _reset(key: str, specs) -> None:
    for spec in specs:
        st.session_state[f"{key}.plug_in.{spec.name}"] = spec.default
        st.session_state[f"{key}.plug_in.{spec.name}.kept"] = spec.default


def plug_in(chapter: Chapter, *, key: str) -> dict[str, object]:
    specs = engine.inputs(chapter.slug)
    st.caption(
        "Change any number below (fractions, sqrt(2) and pi work too) and every step of the "
        "formula is worked again with yours."
    )
    columns = st.columns(max(len(specs), 2))   # one input still leaves room beside it
    texts = {}
    for column, spec in zip(columns, specs):
        field = f"{key}.plug_in.{spec.name}"
        kept = f"{field}.kept"   # outlives the widget, which Streamlit forgets on other pages
        if field not in st.session_state:
            st.session_state[field] = st.session_state.get(kept, spec.default)
        with column:
            # The formula's symbol is drawn above the field; the field's own label (its name for
            # a screen reader, which would read LaTeX source aloud) is the symbol as it is said.
            st.markdown(f"${spec.symbol}$ — {spec.description}", width="stretch")
            texts[spec.name] = st.text_input(f"{spoken_symbol(spec.symbol)} — {spec.description}",
                                             key=field, label_visibility="collapsed")
        st.session_state[kept] = texts[spec.name]

    parsed, errors, outcome = _work(chapter.slug, tuple(texts.items()))
    for column, spec in zip(columns, specs):
        if spec.name in errors:
            column.error(errors[spec.name], icon=":material/edit_off:")

    with st.container(key=f"{key}.plug_in.steps"):
        st.html(_STEPS_CSS)
        if outcome.steps:
            st.markdown(_steps_markdown(outcome.steps))
    if outcome.error and not errors:
        st.warning(outcome.error, icon=":material/info:")
    st.button("Back to the worked example", key=f"{key}.plug_in.reset", on_click=_reset,
              args=(key, specs), icon=":material/restart_alt:", type="tertiary")
    return parsed
