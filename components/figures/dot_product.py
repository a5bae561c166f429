"""Chapter 4 — two arrows, a·b, the angle between them and the projection of a onto b.

The sign of a·b colours the figure: green when they agree, red when they oppose, grey at 90°.
"""
import plotly.graph_objects as go

from components.figures import _controls as c
from components.figures._plot import (BLUE, GREEN, GREY, ORANGE, RED, arrow, beside, fmt, plane,
                                      readout, show, vec)
from core.figmath import angle_deg, dot, norm, projection


def render(values: dict, *, key: str) -> None:
    a, b = c.vectors([(f"{key}.a", "a", values.get("a"), [3.0, 1.0]),
                      (f"{key}.b", "b", values.get("b"), [1.0, 2.0])])
    ab = dot(a, b)
    theta = angle_deg(a, b)
    proj = projection(a, b)
    sign = "positive: they point the same way" if ab > 1e-9 else (
        "negative: they oppose" if ab < -1e-9 else "zero: perpendicular")
    tone = GREEN if ab > 1e-9 else RED if ab < -1e-9 else GREY

    fig = go.Figure()
    if proj is not None:
        fig.add_trace(go.Scatter(x=[a[0], proj[0]], y=[a[1], proj[1]], mode="lines", name="drop to b",
                                 line=dict(color=GREY, width=1, dash="dot"), hoverinfo="skip"))
        arrow(fig, (0, 0), proj, color=tone, name="projection of a on b", width=6)
    arrow(fig, (0, 0), a, color=BLUE, name="a")
    arrow(fig, (0, 0), b, color=ORANGE, name="b")
    plane(fig, [a, b], title=f"a·b = {fmt(ab)} ({sign})")
    fig.update_layout(plot_bgcolor={GREEN: "rgba(22,163,74,0.07)", RED: "rgba(220,38,38,0.07)",
                                    GREY: "rgba(107,114,128,0.07)"}[tone])
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("a", vec(a)), ("b", vec(b)), ("a₁b₁ + a₂b₂", f"**{fmt(ab)}**"),
             ("‖a‖ · ‖b‖", f"{fmt(norm(a))} · {fmt(norm(b))}"),
             ("cos θ", "undefined" if theta is None else fmt(ab / (norm(a) * norm(b)))),
             ("angle θ", "undefined" if theta is None else f"{fmt(theta, 1)}°"),
             ("projection of a on b", "undefined" if proj is None else vec(proj))], container=right)
