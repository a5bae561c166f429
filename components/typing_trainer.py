"""The typing trainer under a chapter's code, and the weak-symbol drill it can switch to.

Keys are timed in the browser (typing_trainer.js); one attempt per run of the text comes
back as the component's ``attempt`` state, is checked here (core.typing.parse_attempt),
handed to ``on_attempt`` and then shown: figures, a per-second speed chart, the misses.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable

import plotly.graph_objects as go
import streamlit as st

from components.hotkeys import shortcut_target
from core import typing as ty
from core.drills import Drill
from core.store import StoreError

_HERE = Path(__file__).parent
_HTML = """<div class="fl-type" data-fl-typing tabindex="0" role="application"
     aria-label="Typing trainer: type the code shown">
  <div class="fl-type-head">
    <span class="fl-type-label"></span>
    <div class="fl-type-bar">
      <span>progress<b>0</b></span><span>errors<b>0</b></span><span>accuracy<b>—</b></span>
      <span>wpm<b>0</b></span><span>streak<b>0</b></span>
    </div>
  </div>
  <pre class="fl-type-code"></pre>
  <div class="fl-type-foot">
    <span>Enter: new line, indentation skipped (past the end: finish) · Tab: indent · Backspace: correct ·
      Esc Esc: reset</span>
    <span class="fl-type-note"></span>
  </div>
  <span class="fl-type-start">Click or press T to type</span>
</div>
"""
_COMPONENT = st.components.v2.component(
    "formula_lab.typing_trainer", html=_HTML,
    css=(_HERE / "typing_trainer.css").read_text(encoding="utf-8"),
    js=(_HERE / "typing_trainer.js").read_text(encoding="utf-8"),
)


def _figures(s: ty.Stats) -> str:
    steady = "—" if s.consistency is None else f"{s.consistency:.0f}%"   # None: under two seconds
    items = [("WPM", f"{s.wpm:.0f}"), ("Accuracy", f"{s.accuracy:.1%}"), ("Raw WPM", f"{s.raw_wpm:.0f}"),
             ("Consistency", steady), ("Errors", f"{s.errors}"),
             ("Chars", f"{s.chars}"), ("Char streak", f"{s.best_streak}"), ("Time", f"{s.seconds:.1f} s")]
    return "".join(f'<div class="fl-stat">{k}<b>{html.escape(v)}</b></div>' for k, v in items)


def speed_chart(s: ty.Stats) -> go.Figure:
    """Raw WPM each second, the attempt's WPM as a line, and the seconds with misses."""
    secs = [p[0] for p in s.per_second]
    fig = go.Figure()
    fig.add_scatter(x=secs, y=[p[1] for p in s.per_second], name="raw WPM each second",
                    mode="lines+markers", line=dict(width=2))
    fig.add_scatter(x=secs, y=[s.wpm] * len(secs), name=f"WPM {s.wpm:.0f}", mode="lines",
                    line=dict(dash="dot"))
    miss = [p for p in s.per_second if p[2]]
    fig.add_scatter(x=[p[0] for p in miss], y=[p[1] for p in miss], name="seconds with a miss",
                    mode="markers", marker=dict(symbol="x", size=10, color="#dc2626"),
                    text=[f"{p[2]} missed" for p in miss], hovertemplate="second %{x}: %{text}")
    fig.update_layout(height=240, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.18),
                      xaxis=dict(title="second", dtick=max(1, len(secs) // 12)),
                      yaxis=dict(title="WPM", rangemode="tozero"))
    return fig


def _results(attempt: ty.Attempt, *, key: str) -> None:
    s = attempt.stats
    st.markdown(f'<div class="fl-stats" data-testid="fl-typing-result">{_figures(s)}</div>',
                unsafe_allow_html=True)
    if not s.completed:
        st.caption("Reset before the end: kept in your figures, but only a finished attempt can master "
                   "the chapter.")
    elif attempt.kind == "chapter" and s.accuracy < 0.95:
        st.caption("Finished below 95% accuracy: one finished attempt at 95% or better counts toward mastery.")
    if s.per_second:
        st.plotly_chart(speed_chart(s), width="stretch", key=f"{key}.chart")
    if s.missed:
        missed = ", ".join(f"`{ty.symbol_name(ch)}` ×{n}" for ch, n in s.missed[:8])
        st.markdown(f"**Missed most:** {missed}")
    else:
        st.markdown("**No misses.**")


def typing_trainer(target: str | None, *, on_attempt: Callable[[ty.Attempt], None],
                   drill: Callable[[], Drill] | None = None, key: str) -> ty.Attempt | None:
    """Retype ``target`` (a chapter's code) or, after *Drill my weak symbols*, a drill.

    Returns the attempt received in this run, after ``on_attempt`` has stored it.
    ``target=None`` shows only the drill. Session keys: ``f"{key}.typing.*"``.
    """
    k = f"{key}.typing"
    with shortcut_target("type", key=key):
        if drill is not None:
            cols = st.columns([1, 1, 2]) if st.session_state.get(f"{k}.drill") and target else [st]
            if cols[0].button("Drill my weak symbols", key=f"{k}.drill_button", icon=":material/target:"):
                st.session_state[f"{k}.drill"] = drill()
            if len(cols) > 1 and cols[1].button("Back to the code", key=f"{k}.back_button",
                                                icon=":material/code:"):
                st.session_state.pop(f"{k}.drill", None)
        active: Drill | None = st.session_state.get(f"{k}.drill")
        text, kind = (active.text, "drill") if active else (ty.target_text(target or ""), "chapter")
        if not text:
            return None
        if active:
            what = ", ".join(f"`{s}`" for s in active.symbols)
            st.caption((f"Drill on your weakest symbols: {what}." if active.from_history else
                        f"No typing history yet, so this drill trains symbols code often trips on: {what}.")
                       + f" Lines from: {', '.join(active.slugs)}.")
        label = "Drill · your weak symbols" if active else "Type · Trace · Master"
        result = _COMPONENT(key=f"{k}.box", data={"target": text, "target_id": ty.target_id(text),
                                                  "label": label},
                            on_attempt_change=lambda: None)
        got = _receive(result.attempt, text, kind, on_attempt, k)
        if last := st.session_state.get(f"{k}.last"):
            if last.target == text:
                _results(last, key=k)
        return got


def _receive(value, text: str, kind: str, on_attempt, k: str) -> ty.Attempt | None:
    """Validate the browser's value once per attempt id, store it, remember it for the results."""
    if not value:
        return None
    seen = st.session_state.setdefault(f"{k}.seen", set())
    aid = value.get("id") if isinstance(value, dict) else None
    if isinstance(aid, str) and aid in seen:
        return None
    if isinstance(aid, str):
        seen.add(aid)
    try:
        attempt = ty.parse_attempt(value, text, kind=kind)
    except ty.AttemptError as exc:
        st.error(str(exc), icon=":material/keyboard:")
        return None
    st.session_state[f"{k}.last"] = attempt
    try:
        on_attempt(attempt)
    except StoreError as exc:
        st.error(str(exc))
        return attempt
    st.rerun()   # once more, so the header (drawn before this page) shows the new figures
