"""Chapter 2 — the length of v as the hypotenuse of the right triangle its entries make."""
import math

import plotly.graph_objects as go

from components.figures import _controls as c
from components.figures._plot import BLUE, GREY, ORANGE, arrow, beside, fmt, plane, readout, show, vec


def render(values: dict, *, key: str) -> None:
    v = c.vector(f"{key}.v", "v", values.get("v"), [3.0, 4.0])
    x, y = v
    length = math.hypot(x, y)

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, x, x, 0], y=[0, 0, y, 0], fill="toself", mode="lines",
                             line=dict(color=GREY, width=1), fillcolor="rgba(234,88,12,0.10)",
                             name="right triangle", hoverinfo="skip"))
    arrow(fig, (0, 0), (x, 0), color=ORANGE, name=f"v₁ = {fmt(x)}", width=2)
    arrow(fig, (x, 0), (x, y), color=ORANGE, name=f"v₂ = {fmt(y)}", width=2, dash="dot")
    arrow(fig, (0, 0), (x, y), color=BLUE, name=f"‖v‖ = {fmt(length)}")
    fig.add_annotation(x=x / 2, y=y / 2, text=f"‖v‖ = {fmt(length)}", showarrow=False,
                       yshift=12, font=dict(color=BLUE, size=13),
                       bgcolor="rgba(255,255,255,0.85)")   # blue on its own light box: 5:1 in either theme
    plane(fig, [v])
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("v", vec(v)), ("v₁²", fmt(x * x)), ("v₂²", fmt(y * y)),
             ("v₁² + v₂²", fmt(x * x + y * y)), ("‖v‖ = √(v₁² + v₂²)", f"**{fmt(length)}**")],
            container=right)
