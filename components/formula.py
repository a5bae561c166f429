"""The formula, large, its narrated build-up (Animate), and how to read it aloud."""
from __future__ import annotations

import html

import streamlit as st

from components.hotkeys import shortcut_target, with_shortcut
from components.voice import animate, hear_it, precompute, speed_control, voice_caption
from core.content import Chapter


def formula(chapter: Chapter, *, key: str) -> None:
    precompute(chapter)                 # the chapter's lines into the voice cache, in the background
    with st.container(key=f"fl-formula-{key}"):
        st.latex(chapter.latex)
    with shortcut_target("animate", key=key):
        animate(chapter.steps, key=f"{key}.animate")


def pronunciation(chapter: Chapter, *, key: str) -> None:
    st.markdown(f'<p class="fl-say">{html.escape(chapter.pronunciation)}</p>', unsafe_allow_html=True)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"fl-voice-row-{key}"):
        with shortcut_target("hear", key=key, width="content"):
            hear_it(chapter.pronunciation, key=f"{key}.pronunciation.hear", label=with_shortcut("Hear it", "hear"))
        speed_control(key=f"{key}.pronunciation")
        voice_caption(key=key)
