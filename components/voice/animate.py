"""Animate: the formula built up from the chapter's steps, each part spoken as it appears.

One Components v2 piece. Python sends every step at once: its MathML (new tokens
marked), its sentence and its audio URL; the browser plays them in order with no
rerun per step. Audio not yet in the voice cache is made when the learner first
presses Play (the figure asks once, through a trigger).
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.voice.mathml import steps_mathml
from components.voice.serve import audio_url
from core import tts

_HERE = Path(__file__).parent
_animation = st.components.v2.component(
    "lab.voice_animate", html='<div class="fl-anim-host"></div>',
    css=(_HERE / "animate.css").read_text(), js=(_HERE / "animate.js").read_text())


def animate(steps, *, key: str) -> None:
    """The narrated build-up of ``steps`` (objects with ``.latex`` and ``.say``)."""
    want = f"{key}.want_audio"
    math = steps_mathml(tuple(s.latex for s in steps))
    payload, browser = [], tts.active_voice().engine == "browser"
    for i, (step, m) in enumerate(zip(steps, math)):
        speech = tts.synthesize(step.say) if st.session_state.get(want) else tts.cached(step.say)
        if speech is not None and speech.engine == "browser":
            browser = True
        src = audio_url(speech, coordinates=f"{key}.{i}") if speech is not None and speech.audio else ""
        payload.append({"mathml": m["mathml"], "say": step.say, "src": src})
    if not browser and st.session_state.get(want) and not all(p["src"] for p in payload):
        browser = True                 # the server could not make some step: the browser says it

    def asked():
        st.session_state[want] = True

    _animation(key=f"{key}.figure", data={"steps": payload, "browser": browser},
               on_need_audio_change=asked)
