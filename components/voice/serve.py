"""Speech for the page: audio served by URL, and the background precompute thread."""
from __future__ import annotations

import base64
import os

import streamlit as st

from core import tts
from core.content import load_chapters


def audio_url(speech: tts.Speech, *, coordinates: str) -> str:
    """A URL the browser can fetch the audio from.

    Served like st.audio's files (Streamlit's media file manager), so a rerun sends a
    short URL rather than the audio again; a data URL where no runtime is running.
    """
    try:
        from streamlit import runtime
        if runtime.exists():
            return runtime.get_instance().media_file_mgr.add(
                speech.audio, speech.mime, coordinates=f"fl-voice.{coordinates}")
    except Exception:       # an older or newer runtime without this manager: inline it
        pass
    return f"data:{speech.mime};base64,{base64.b64encode(speech.audio).decode()}"


@st.cache_resource(show_spinner=False)
def _precomputer() -> tts.Precomputer:
    """One daemon thread per process fills the voice cache with every chapter's lines."""
    worker = tts.Precomputer().start()
    for chapter in load_chapters():
        worker.add(tts.chapter_sentences(chapter))
    return worker


def precompute(chapter) -> None:
    """Ask for this chapter's lines first (setting FORMULA_LAB_VOICE_PRECOMPUTE=0: off)."""
    if os.environ.get("FORMULA_LAB_VOICE_PRECOMPUTE", "1").strip().lower() in {"0", "false", "no", "off"}:
        return
    _precomputer().add(tts.chapter_sentences(chapter), urgent=True)


def voice_caption(*, key: str) -> None:
    """Quietly say which voice speaks on this server."""
    voice = tts.active_voice()
    text = ("voice: your browser's own (the server has none)" if voice.engine == "browser"
            else f"voice: {voice.label}")
    with st.container(key=f"fl-voice-caption-{key}"):
        st.caption(text)
