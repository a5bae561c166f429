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


def _count_click(box: dict) -> None:
    # No Streamlit call in here, on purpose: Streamlit may stop a callback at any read or
    # write of st.session_state when another widget's rerun is already waiting.
    box["clicks"] += 1


def _browser_press(key: str):
    """The newest press the browser has sent for this button, or None before any.

    hear.js gives every click of the button a new token and keeps it as the player's
    state value. A state value, unlike the button's one-run trigger, goes out with every
    later rerun, whoever causes it: beside busy processes a trigger was seen lost before
    any callback ran (about one press in five), a state value cannot be.
    """
    state = st.session_state.get(f"{key}.player")
    press = state.get("press") if hasattr(state, "get") else None
    return press if isinstance(press, str) and 0 < len(press) <= 64 else None


def hear_it(text, *, key, label="Hear it"):
    """A button that speaks ``text``; returns True on the first run after a press.

    The server's voice (core.tts) makes the audio, cached; with no server voice the
    browser's speechSynthesis reads the text. Each press plays again.
    """
    box = st.session_state.setdefault(
        f"{key}.presses", {"presses": 0, "answered": 0, "clicks": 0, "token": None,
                           "browser": False})
    with st.container(key=f"fl-hear-{_css_key(key)}", horizontal=True, gap="small",
                      vertical_alignment="center", width="content"):
        st.button(label, key=f"{key}.button", icon=":material/volume_up:",
                  on_click=_count_click, args=(box,))
        # In a browser a press is the newest token hear.js sent; the button's own click
        # only counts where no script runs in the page (a test harness).
        token = _browser_press(key)
        if token is not None:
            box["browser"] = True
            if token != box["token"]:
                box["token"] = token
                box["presses"] += 1
        elif not box["browser"]:
            box["presses"] = box["clicks"]
        presses = box["presses"]
        new_press = presses != box["answered"]
        box["answered"] = presses
        # The newest press goes out with every run: the browser plays each press number
        # once (hear.js); the line is cached after the first.
        data = {"id": key, "press": presses, "box": f"st-key-fl-hear-{_css_key(key)}"}
        if presses:
            speech = tts.synthesize(text)
            data.update(text=text, src=audio_url(speech, coordinates=key) if speech.audio else "",
                        engine=speech.engine)
        _player(key=f"{key}.player", data=data, width="content",
                on_press_change=lambda: None)
    return new_press


def speed_control(*, key):
    """0.75×, 1× or 1.25× for every voice on the page (a browser preference)."""
    _speed(key=f"{key}.speed", width="content")
