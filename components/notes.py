"""The learner's own notes for a chapter: autosaved, with a Markdown preview.

``on_save(body)`` persists the text (the page passes a function that writes
through core.store) and may raise; the message is shown and the draft stays in
the box, so nothing typed and nothing already saved is lost.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import streamlit as st

from core.store import NOTE_LIMIT, NoteTooLong, StoreError


def notes(saved: tuple[str, datetime] | None, *, on_save: Callable[[str], datetime], key: str) -> None:
    text_key, status_key = f"{key}.text", f"{key}.status"
    if text_key not in st.session_state:
        st.session_state[text_key] = saved[0] if saved else ""
        st.session_state[status_key] = ("ok", f"Saved {saved[1]:%d %b %H:%M}") if saved else ("ok", "")

    def _save():
        body = st.session_state[text_key]
        try:
            at = on_save(body)
            st.session_state[status_key] = ("ok", f"Saved {at:%H:%M:%S}")
        except (NoteTooLong, StoreError) as exc:
            st.session_state[status_key] = ("error", str(exc))

    write, preview = st.tabs(["Write", "Preview"])
    with write:
        st.text_area("Your notes (Markdown)", key=text_key, height=220, on_change=_save,
                     placeholder="Write what clicked, what didn't, your own example…",
                     help=f"Saved automatically when you click away or press Ctrl+Enter. Up to {NOTE_LIMIT:,} characters.")
        body = st.session_state[text_key]
        kind, message = st.session_state.get(status_key, ("ok", ""))
        if kind == "error":
            st.error(message, icon=":material/warning:")
        else:
            st.caption(f"{message} · {len(body):,} / {NOTE_LIMIT:,} characters" if message
                       else f"{len(body):,} / {NOTE_LIMIT:,} characters")
    with preview:
        body = st.session_state[text_key]
        if body.strip():
            st.markdown(body[:NOTE_LIMIT])
        else:
            st.caption("Nothing written yet.")
