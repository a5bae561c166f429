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


def _count_press(box: dict) -> None:
    # No Streamlit call in here, on purpose. Streamlit may stop a callback at any read or
    # write of st.session_state when another widget's rerun is already waiting (it takes
    # that for the callback's own st.rerun()), and a press counted there was lost about one
    # time in three on a busy machine. A plain dict kept in the session is written without
    # such a stop.
    box["presses"] += 1


def hear_it(text, *, key, label="Hear it"):
    """A button that speaks ``text``; returns True on the first run after a press.

    The server's voice (core.tts) makes the audio, cached; with no server voice the
    browser's speechSynthesis reads the text. Each press plays again.
    """
    box = st.session_state.setdefault(f"{key}.presses", {"presses": 0, "answered": 0})
    with st.container(key=f"fl-hear-{_css_key(key)}", horizontal=True, gap="small",
                      vertical_alignment="center", width="content"):
        # The press is counted in the button's callback, which Streamlit runs before the
        # script body: another widget's rerun a moment later can cut the press's run short
        # before it reaches this line, and a value read from st.button would then be lost.
        st.button(label, key=f"{key}.button", icon=":material/volume_up:",
                  on_click=_count_press, args=(box,))
        presses = box["presses"]
        new_press = presses != box["answered"]
        box["answered"] = presses
        # The newest press goes out with every run, not only with the run of the click,
        # for the same reason. The browser plays each press number once (hear.js); the
        # line is cached after the first.
        data = {"id": key, "press": presses}
        if presses:
            speech = tts.synthesize(text)
            data.update(text=text, src=audio_url(speech, coordinates=key) if speech.audio else "",
                        engine=speech.engine)
        _player(key=f"{key}.player", data=data, width="content")
    return new_press


def speed_control(*, key):
    """0.75×, 1× or 1.25× for every voice on the page (a browser preference)."""
    _speed(key=f"{key}.speed", width="content")
