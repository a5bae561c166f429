"""Hear it: a button that speaks a line, again on every press, at the learner's speed."""
from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from components.voice.serve import audio_url
from core import tts

_HERE = Path(__file__).parent
_player = st.components.v2.component(
    "lab.voice_player", html='<span class="fl-player" aria-hidden="true"></span>',
    js=(_HERE / "hear.js").read_text())
_speed = st.components.v2.component(
    "lab.voice_speed", html='<div class="fl-speed" role="group" aria-label="Speech speed"></div>',
    css=(_HERE / "speed.css").read_text(), js=(_HERE / "speed.js").read_text())


def _css_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def hear_it(text, *, key, label="Hear it"):
    """A button that speaks ``text``; returns True on the run it was pressed.

    The server's voice (core.tts) makes the audio, cached; with no server voice the
    browser's speechSynthesis reads the text. Each press plays again.
    """
    presses = st.session_state.get(f"{key}.presses", 0)
    with st.container(key=f"fl-hear-{_css_key(key)}", horizontal=True, gap="small",
                      vertical_alignment="center", width="content"):
        clicked = st.button(label, key=f"{key}.button", icon=":material/volume_up:")
        if clicked:
            presses += 1
            st.session_state[f"{key}.presses"] = presses
        # The newest press goes out with every run, not only with the run of the click:
        # another widget's rerun can cut that run short before the player is drawn. The
        # browser plays each press number once (hear.js); the line is cached after the first.
        data = {"id": key, "press": presses}
        if presses:
            speech = tts.synthesize(text)
            data.update(text=text, src=audio_url(speech, coordinates=key) if speech.audio else "",
                        engine=speech.engine)
        _player(key=f"{key}.player", data=data, width="content")
    return clicked


def speed_control(*, key):
    """0.75×, 1× or 1.25× for every voice on the page (a browser preference)."""
    _speed(key=f"{key}.speed", width="content")
