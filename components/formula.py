"""The formula, large, with a step-by-step build-up, and how to read it aloud."""
from __future__ import annotations

import html

import streamlit as st

from core.content import Chapter


def formula(chapter: Chapter, *, key: str) -> None:
    with st.container(key=f"fl-formula-{key}"):
        st.latex(chapter.latex)
    steps = chapter.steps
    with st.expander(f"Build it up, step by step ({len(steps)} steps)"):
        n = st.slider("Step", 1, len(steps), len(steps), key=f"{key}.formula.step")
        st.latex(steps[n - 1].latex)
        st.markdown(f'<p class="fl-say">{html.escape(steps[n - 1].say)}</p>', unsafe_allow_html=True)


def pronunciation(chapter: Chapter, *, key: str) -> None:
    st.markdown(f'<p class="fl-say">{html.escape(chapter.pronunciation)}</p>', unsafe_allow_html=True)
