"""Chapter 8 — the unit square mapped to a parallelogram whose signed area is det A = ad − bc."""
import plotly.graph_objects as go

from components.figures import _controls as c
from components.figures._plot import (GREEN, GREY, ORANGE, PURPLE, RED, arrow, beside, fmt, plane,
                                      readout, show)
from core.figmath import det2


def render(values: dict, *, key: str) -> None:
    A = c.matrix(f"{key}.A", "A", values.get("A"), [[2.0, -1.0], [1.0, 2.0]])
    (a, b), (cc, d) = A
    det = det2(A)
    corners = [(0, 0), (a, cc), (a + b, cc + d), (b, d), (0, 0)]
    flat = abs(det) < 1e-9
    tone = GREY if flat else GREEN if det > 0 else RED
    label = ("det = 0: the square collapses onto a line" if flat else
             f"signed area {fmt(det)}" + ("" if det > 0 else " (flipped)"))

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1, 1, 0, 0], y=[0, 0, 1, 1, 0], mode="lines", name="unit square",
                             line=dict(color=GREY, width=1, dash="dot"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[p[0] for p in corners], y=[p[1] for p in corners], mode="lines",
                             fill="toself", name=label, line=dict(color=tone, width=2 if not flat else 4),
                             fillcolor={GREEN: "rgba(22,163,74,0.2)", RED: "rgba(220,38,38,0.2)",
                                        GREY: "rgba(107,114,128,0.2)"}[tone]))
    arrow(fig, (0, 0), (a, cc), color=PURPLE, name="column 1 [a, c]")
    arrow(fig, (0, 0), (b, d), color=ORANGE, name="column 2 [b, d]")
    plane(fig, corners, title=label)
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("ad", f"{fmt(a)}·{fmt(d)} = {fmt(a * d)}"), ("bc", f"{fmt(b)}·{fmt(cc)} = {fmt(b * cc)}"),
             ("det A = ad − bc", f"**{fmt(det)}**"), ("area factor |det A|", fmt(abs(det))),
             ("orientation", "collapsed (singular)" if flat else "kept" if det > 0 else "flipped")],
            container=right)
