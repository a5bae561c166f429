"""Chapter 1 — k·v + w drawn tip to tail: scale v by k, then walk along w from its tip.

The touchable plane the vector figures of chapters 1–5 share (touch/plane.js: arrowheads dragged
in the browser, the drop sent once) is registered here, with the two steps each figure takes
around it: `take_drop` before its number boxes are drawn (so they show the drop), `draw` after.
"""
import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import beside, dropped_tip, fmt, readout, span, vec

PLANE = touch.component("plane", "plane.js", "plane.css")


def take_drop(key: str, reach: dict[str, float]) -> dict | None:
    """The value just dropped in the plane under ``key`` (once; None if nothing new). Each tip
    it moves (a name in ``reach``) is checked, clamped to ``reach[name]`` times the drawn range
    and written into that vector's number boxes."""
    got = touch.fresh(f"{key}.plane")
    if got is None:
        return None
    r = st.session_state.get(f"{key}.plane.r", 10)
    for name, times in reach.items():
        tip = dropped_tip(got.get(name), r * times)
        if tip is not None:
            for i, x in enumerate(tip):
                st.session_state[f"{key}.{name}.{i}"] = x
    return got


def draw(key: str, kind: str, r: int, **data) -> None:
    """The plane scene ``kind`` over −r…r; the range is kept to bound the next drop."""
    st.session_state[f"{key}.plane.r"] = r
    PLANE(key=f"{key}.plane", data={"kind": kind, "r": r, **data}, on_drop_change=lambda: None)


def render(values: dict, *, key: str) -> None:
    take_drop(key, {"v": 1, "w": 2})   # w is drawn from the tip of k·v: it may reach twice as far
    k = c.slider(f"{key}.k", "k", values.get("k"), 2.0, -3.0, 3.0, 0.1)
    v, w = c.vectors([(f"{key}.v", "v", values.get("v"), [2.0, 1.0]),
                      (f"{key}.w", "w", values.get("w"), [1.0, 2.0])])
    kv = [k * x for x in v]
    out = [a + b for a, b in zip(kv, w)]
    left, right = beside()
    with left:
        draw(key, "vectors", span([v, kv, out, w]), k=k, v=v, w=w)
    readout([("k", fmt(k)), ("v", vec(v)), ("w", vec(w)), ("k·v", vec(kv)),
             ("k·v + w", f"**{vec(out)}**")], container=right)
