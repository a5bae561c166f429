"""Chapter 6 — a 2×2 matrix moves the whole grid, and with it the vector x to A·x."""
import plotly.graph_objects as go

from components.figures import _controls as c
from components.figures._plot import (BLUE, GREEN, GREY, ORANGE, PURPLE, arrow, beside, fmt,
                                      grid_lines, plane, readout, show, sub, vec)
from core.figmath import matvec


def render(values: dict, *, key: str) -> None:
    A_in = c.fitting(values.get("A"), (2, 2), "A")
    x_in = c.fitting(values.get("x"), (2,), "x")
    A0, x0 = [[1.0, 1.0], [-0.5, 1.0]], [2.0, 1.0]
    A, x = [], []
    for i in range(2):  # row i of A, with entry i of x beside it
        cols = c.row([1, 1, 1])
        A.append([c.number(f"{key}.A.{i}{j}", f"A{sub(i + 1)}{sub(j + 1)}",
                           None if A_in is None else A_in[i][j], A0[i][j], container=cols[j])
                  for j in range(2)])
        x.append(c.number(f"{key}.x.{i}", f"x{sub(i + 1)}", None if x_in is None else x_in[i], x0[i],
                          container=cols[2]))
    Ax = matvec(A, x)

    fig = go.Figure()
    gx, gy = grid_lines()
    fig.add_trace(go.Scatter(x=gx, y=gy, mode="lines", name="grid before", hoverinfo="skip",
                             line=dict(color=GREY, width=1, dash="dot")))
    tx, ty = grid_lines(A)
    fig.add_trace(go.Scatter(x=tx, y=ty, mode="lines", name="grid after A", hoverinfo="skip",
                             line=dict(color="rgba(124,58,237,0.45)", width=1)))
    arrow(fig, (0, 0), (A[0][0], A[1][0]), color=PURPLE, name="A·e₁ (column 1)", width=2)
    arrow(fig, (0, 0), (A[0][1], A[1][1]), color=GREEN, name="A·e₂ (column 2)", width=2)
    arrow(fig, (0, 0), x, color=BLUE, name="x", dash="dot")
    arrow(fig, (0, 0), Ax, color=ORANGE, name="A·x")
    plane(fig, [x, Ax, (A[0][0], A[1][0]), (A[0][1], A[1][1])], height=400)
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("row 1 · x", f"{fmt(A[0][0])}·{fmt(x[0])} + {fmt(A[0][1])}·{fmt(x[1])} = {fmt(Ax[0])}"),
             ("row 2 · x", f"{fmt(A[1][0])}·{fmt(x[0])} + {fmt(A[1][1])}·{fmt(x[1])} = {fmt(Ax[1])}"),
             ("A·x", f"**{vec(Ax)}**")], container=right)
