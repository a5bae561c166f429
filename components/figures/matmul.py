"""Chapter 7 — pick a cell of C = A·B and see the row of A and the column of B it comes from;
then B-then-A drawn as one transformation of the unit square (for 2×2 matrices)."""
import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import (GREEN, GREY, ORANGE, beside, fmt, layout, plane,
                                      readout, show, sub)
from core.figmath import matmul

A0 = [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]]        # the chapter's example: 2×3 times 3×2
B0 = [[1.0, 0.0], [2.0, 1.0], [0.0, 4.0]]
SHEAR, TURN = [[1.0, 1.0], [0.0, 1.0]], [[0.0, -1.0], [1.0, 0.0]]
SQUARE = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]


def _cells(M, x0: float, name: str, lit, colour: str) -> go.Scatter:
    """A matrix as square markers with its entries written in, placed from column x0 on."""
    xs, ys, text, fill = [], [], [], []
    for i, row in enumerate(M):
        for j, v in enumerate(row):
            xs.append(x0 + j)
            ys.append(-i)
            text.append(fmt(v, 2))
            fill.append(colour if lit(i, j) else "rgba(148,163,184,0.22)")
    return go.Scatter(x=xs, y=ys, text=text, mode="markers+text", name=name, showlegend=False,
                      marker=dict(symbol="square", size=34, color=fill), textfont=dict(size=13),
                      hovertemplate=f"{name}" + "<br>%{text}<extra></extra>")


def _usable(values):
    A, B = values.get("A"), values.get("B")
    if A is None or B is None or not A or not B or not isinstance(A[0], list) or not isinstance(B[0], list):
        return A0, B0, False
    if len(A[0]) != len(B):
        st.caption(f"A has {len(A[0])} columns and B has {len(B)} rows, so A·B is not defined; "
                   "the figure shows the chapter's example instead.")
        return A0, B0, False
    return A, B, True


def render(values: dict, *, key: str) -> None:
    A, B, mine = _usable(values)
    C = matmul(A, B)
    cells = [f"C{sub(i + 1)}{sub(j + 1)}" for i in range(len(C)) for j in range(len(C[0]))]
    chart, pick = f"{key}.chart", f"{key}.cell"
    point = c.picked(st.session_state.get(chart), curve=2)
    if point and point.get("point_index") is not None and point != st.session_state.get(f"{key}.used"):
        st.session_state[f"{key}.used"] = point
        if point["point_index"] < len(cells):  # a click on a cell of C selects it
            st.session_state[pick] = cells[point["point_index"]]
    cell = c.choice(pick, "Cell of C", cells, cells[0])
    n = cells.index(cell)
    i, j = divmod(n, len(C[0]))

    p = len(A[0])
    xa, xb, xc = 0, p + 1, p + 1 + len(B[0]) + 1
    fig = go.Figure([
        _cells(A, xa, "A", lambda r, _: r == i, "rgba(37,99,235,0.45)"),
        _cells(B, xb, "B", lambda _, k: k == j, "rgba(234,88,12,0.45)"),
        _cells(C, xc, "C = A·B", lambda r, k: (r, k) == (i, j), "rgba(22,163,74,0.55)"),
    ])
    rows = max(len(A), len(B))
    for x, label in ((xa + (p - 1) / 2, "A"), (xb + (len(B[0]) - 1) / 2, "B"),
                     (xc + (len(C[0]) - 1) / 2, "C = A·B")):
        fig.add_annotation(x=x, y=0.85, text=f"<b>{label}</b>", showarrow=False)
    fig.update_xaxes(visible=False, range=[-0.7, xc + len(C[0]) - 0.3])
    fig.update_yaxes(visible=False, range=[-rows + 0.3, 1.3], scaleanchor="x", scaleratio=1)
    layout(fig, height=70 + 52 * rows, auto_margin=True)
    fig.update_layout(clickmode="event+select")
    terms = " + ".join(f"{fmt(A[i][k])}·{fmt(B[k][j])}" for k in range(p))
    left, right = beside()
    with left:
        show(fig, key=chart, select=True)
        st.caption("Click a cell of C (or choose it above) to light up its row of A and column of B.")
    readout([("shapes", f"A {len(A)}×{p} · B {len(B)}×{len(B[0])} → C {len(C)}×{len(C[0])}"),
             (f"row {i + 1} of A", "[" + ", ".join(fmt(x) for x in A[i]) + "]"),
             (f"column {j + 1} of B", "[" + ", ".join(fmt(B[k][j]) for k in range(p)) + "]"),
             (cell, f"{terms} = **{fmt(C[i][j])}**")], container=right)

    st.markdown("**B, then A, is one transformation: A·B**")
    if mine and len(A) == len(A[0]) == len(B[0]) == 2:
        TA, TB = A, B
    else:
        TA, TB = TURN, SHEAR
        st.caption("Drawn for 2×2 matrices: here B is a shear and A a quarter turn.")
    TC = matmul(TA, TB)
    move = lambda M, pts: [(M[0][0] * x + M[0][1] * y, M[1][0] * x + M[1][1] * y) for x, y in pts]
    fig2 = go.Figure()
    for M, name, colour, dash in ((None, "unit square", GREY, "dot"), (TB, "after B", ORANGE, "dash"),
                                  (TC, "after B then A = A·B", GREEN, None)):
        pts = SQUARE if M is None else move(M, SQUARE)
        fig2.add_trace(go.Scatter(x=[q[0] for q in pts], y=[q[1] for q in pts], mode="lines",
                                  fill="toself" if M is TC else None, name=name,
                                  line=dict(color=colour, width=3 if M is TC else 2, dash=dash)))
    plane(fig2, move(TB, SQUARE) + move(TC, SQUARE), height=340)
    left2, right2 = beside()
    with left2:
        show(fig2, key=f"{key}.chart2")
    readout([("B", _m(TB)), ("A", _m(TA)), ("A·B", f"**{_m(TC)}**"), ("B·A", _m(matmul(TB, TA)))],
            container=right2)


def _m(M) -> str:
    return "[" + ", ".join("[" + ", ".join(fmt(x) for x in row) + "]" for row in M) + "]"

