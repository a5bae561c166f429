"""Chapter 3 — v and its unit vector v̂ = v / ‖v‖, which always lands on the unit circle."""
import math

import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREEN, GREY, arrow, beside, fmt, plane, readout, show, vec

_T = [2 * math.pi * i / 120 for i in range(121)]
_CIRCLE = ([math.cos(t) for t in _T], [math.sin(t) for t in _T])


def render(values: dict, *, key: str) -> None:
    v = c.vector(f"{key}.v", "v", values.get("v"), [3.0, 4.0])
    length = math.hypot(*v)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=_CIRCLE[0], y=_CIRCLE[1], mode="lines", name="unit circle",
                             line=dict(color=GREY, width=1, dash="dot"), hoverinfo="skip"))
    arrow(fig, (0, 0), v, color=BLUE, name="v")
    rows = [("v", vec(v)), ("‖v‖", fmt(length))]
    if length == 0:
        st.warning("The zero vector has no direction, so it has no unit vector.")
        rows.append(("v̂", "undefined (‖v‖ = 0)"))
    else:
        u = [x / length for x in v]
        arrow(fig, (0, 0), u, color=GREEN, name="v̂ = v / ‖v‖", width=4)
        rows += [("v̂ = v / ‖v‖", f"**{vec(u)}**"), ("‖v̂‖", fmt(math.hypot(*u)))]
    plane(fig, [v, (1, 1)])
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout(rows, container=right)
