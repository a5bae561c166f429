"""Chapter 9 — turn a test vector u around: on an eigen-direction A·u stays on u's line
(stretched by λ); anywhere else A turns it."""
import math

import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREEN, GREY, ORANGE, arrow, beside, fmt, plane, readout, show, vec
from core.figmath import angle_deg, eigen2, matvec


def render(values: dict, *, key: str) -> None:
    A = c.matrix(f"{key}.A", "A", values.get("A"), [[2.0, 1.0], [1.0, 2.0]])
    pairs = eigen2(A)
    angle_key = f"{key}.angle"
    if pairs:
        cols = c.row(len(pairs))
        for n, ((lam, v), col) in enumerate(zip(pairs, cols)):
            deg = round(math.degrees(math.atan2(v[1], v[0]))) % 360
            col.button(f"u onto λ = {fmt(lam)}", key=f"{key}.snap{n}",
                       on_click=st.session_state.__setitem__, args=(angle_key, float(deg)),
                       width="stretch")
    phi = c.slider(angle_key, "Direction of u (degrees)", None, 20.0, 0.0, 359.0, 1.0)
    u = [math.cos(math.radians(phi)), math.sin(math.radians(phi))]
    Au = matvec(A, u)
    turn = angle_deg(u, Au)
    on_line = turn is not None and (turn < 0.5 or turn > 179.5)

    fig = go.Figure()
    reach = 2 + max(abs(x) for x in Au)
    for n, (lam, v) in enumerate(pairs):
        fig.add_trace(go.Scatter(x=[-reach * v[0], reach * v[0]], y=[-reach * v[1], reach * v[1]],
                                 mode="lines", name=f"eigen-direction {n + 1}: λ = {fmt(lam)}",
                                 line=dict(color=GREEN if n == 0 else GREY, width=1.5, dash="dash")))
    arrow(fig, (0, 0), u, color=BLUE, name="u")
    arrow(fig, (0, 0), Au, color=ORANGE, name="A·u")
    plane(fig, [u, Au, (1, 1)], title="A·u stays on u's line" if on_line else
          f"A turns u by {fmt(turn or 0, 1)}°")
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    rows = [("u", vec(u)), ("A·u", vec(Au)), ("angle between u and A·u", f"{fmt(turn or 0, 1)}°")]
    if on_line:
        lam = (Au[0] * u[0] + Au[1] * u[1])
        rows.append(("A·u = λ·u with λ", f"**{fmt(lam)}**"))
    rows += [(f"λ{'₁₂'[n]}", fmt(lam)) for n, (lam, _) in enumerate(pairs[:2])]
    if not pairs:
        rows.append(("eigenvalues", "complex: A rotates every direction"))
    readout(rows, container=right)
