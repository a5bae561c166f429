"""Touchable figures: Components v2 pieces drawn in the browser (SVG), dragged by hand.

Each figure has its own script and style sheet in this folder. `component(name, js, css)`
registers one, with `common.js` / `common.css` (the pointer handling, snapping and number
format every figure shares) put in front of its own. Register at module level: component names
are global.
"""
from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
_COMMON_JS = (_HERE / "common.js").read_text(encoding="utf-8")
_COMMON_CSS = (_HERE / "common.css").read_text(encoding="utf-8")


def component(name: str, js: str, css: str | None = None, *,
              html: str = '<div class="fl-touch"></div>\n'):
    """Register the touchable figure ``name`` from ``js`` (and ``css``), files in this folder."""
    script = _COMMON_JS + "\n" + (_HERE / js).read_text(encoding="utf-8")
    style = _COMMON_CSS + "\n" + ((_HERE / css).read_text(encoding="utf-8") if css else "")
    return st.components.v2.component(f"lab.figure_{name}", html=html, css=style, js=script)


def fresh(key: str, name: str = "drop") -> dict | None:
    """The newest value the figure under ``key`` sent as its state ``name``, once.

    A figure sends ``{..., "seq": token}`` (common.js flSend) when a drag ends or a click
    lands; the value stays in the component's state on later reruns, so each token is handed
    out only the first time. Anything else there (a visitor can send anything) is None.
    """
    states = st.session_state.get(key)
    state = states.get(name) if hasattr(states, "get") else None
    if not hasattr(state, "get"):
        return None
    seq = state.get("seq")
    if not isinstance(seq, str) or len(seq) > 64 or st.session_state.get(f"{key}.seq") == seq:
        return None
    st.session_state[f"{key}.seq"] = seq
    return dict(state)


def number(value) -> float | None:
    """``value`` as a float if it is a finite number (not a bool), else None: what a figure
    accepts from the browser before clamping it to its own bounds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)
