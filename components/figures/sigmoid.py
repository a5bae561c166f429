"""Chapter 10 — the sigmoid curve with a point to drag along it and its tangent: slope
σ(x)(1 − σ(x)).

The curve-with-a-point piece (touch/curve.js) is shared with ReLU and the tangent of chapter 16:
`dropped_x` reads where the learner let go of the point, `point_on_curve` draws it.
"""
import math

import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import beside, fmt, readout
from core.figmath import sigmoid

CURVE = touch.component("curve", "curve.js", "curve.css")


def dropped_x(key: str, lo: float, hi: float, step: float) -> float | None:
    """Where a drop the browser just sent put the point: a finite number, clamped to lo…hi and
    snapped to the slider's step. Anything else (a visitor can send anything) is ignored."""
    drop = touch.fresh(key)
    x = touch.number(drop.get("x")) if drop else None
    if x is None:
        return None
    x = min(max(x, lo), hi)
    return round(lo + round((x - lo) / step) * step, 6)


def point_on_curve(key: str, f, slope, x: float, *, lo: float, hi: float, step: float, name: str,
                   labels: tuple[str, str, str], digits: tuple[int, int, int], half: float,
                   marks=None, marks_name: str = "") -> None:
    """The curve ``f`` over lo…hi, sampled at every slider step (with its ``slope``), and the
    point at ``x`` to drag along it."""
    n = round((hi - lo) / step)
    xs = [round(lo + k * step, 6) for k in range(n + 1)]
    ys = [f(v) for v in xs]
    top, bottom = max(ys), min(ys)
    pad = 0.15 * (top - bottom or 1)
    CURVE(key=key, data={
        "xs": xs, "ys": ys, "slopes": [slope(v) for v in xs], "step": step, "i": round((x - lo) / step),
        "range": {"x0": lo, "x1": hi, "y0": bottom - pad, "y1": top + pad}, "name": name,
        "labels": list(labels), "digits": list(digits), "half": half,
        "marks": [[v, f(v)] for v in marks or [] if lo <= v <= hi], "marks_name": marks_name,
    }, on_drop_change=lambda: None)


def _slope(x: float) -> float:
    s = sigmoid(x)
    return s * (1 - s)


def render(values: dict, *, key: str) -> None:
    touched = dropped_x(f"{key}.touch", -8.0, 8.0, 0.1)
    if touched is not None:
        st.session_state[f"{key}.x"] = touched
    x = c.slider(f"{key}.x", "x", values.get("x") if isinstance(values.get("x"), (int, float)) else None,
                 2.0, -8.0, 8.0, 0.1)
    s = sigmoid(x)
    slope = s * (1 - s)
    left, right = beside()
    with left:
        point_on_curve(f"{key}.touch", sigmoid, _slope, x, lo=-8.0, hi=8.0,
                       step=0.1, name="σ(x)", labels=("x", "σ(x)", "slope"), digits=(2, 4, 4), half=2.0)
    readout([("x", fmt(x, 2)), ("e^(−x)", fmt(math.exp(-x), 4)), ("σ(x) = 1 / (1 + e^(−x))", f"**{fmt(s, 4)}**"),
             ("slope σ(x)(1 − σ(x))", fmt(slope, 4)), ("σ(−x) = 1 − σ(x)", fmt(1 - s, 4))],
            container=right)
