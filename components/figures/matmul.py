"""Chapter 7 — point at a cell of C = A·B and see the row of A and the column of B it comes from;
then B-then-A drawn as one transformation of the unit square (for 2×2 matrices).

The top figure is a touchable piece (touch/cells.js): the three matrices laid out so a row of A
and a column of B meet at their cell of C. Hovering (or tapping) a cell lights them in the
browser; a click, a tap or Enter sends the cell here, where the select box and the readout follow.
"""

import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import GREEN, GREY, ORANGE, beside, fmt, plane, readout, show, sub
from core.figmath import matmul

A0 = [[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]]        # the chapter's example: 2×3 times 3×2
B0 = [[1.0, 0.0], [2.0, 1.0], [0.0, 4.0]]
SHEAR, TURN = [[1.0, 1.0], [0.0, 1.0]], [[0.0, -1.0], [1.0, 0.0]]
SQUARE = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]

_CELLS = touch.component("cells", "cells.js", "cells.css")


def _usable(values):
    A, B = values.get("A"), values.get("B")
    if A is None or B is None or not A or not B or not isinstance(A[0], list) or not isinstance(B[0], list):
        return A0, B0, False
    if len(A[0]) != len(B):
        st.caption(f"A has {len(A[0])} columns and B has {len(B)} rows, so A·B is not defined; "
                   "the figure shows the chapter's example instead.")
        return A0, B0, False
    return A, B, True


def _entry(x: float) -> str:
    """An entry as its cell shows it, short so a 4×4 product fits a phone: 152.857 → 152.9,
    −250000 → −2.5e5 (the readout has every digit)."""
    if abs(x) < 1e4:
        return fmt(x, 2 if abs(x) < 100 else 1)
    mantissa, exponent = f"{x:.2g}".split("e")
    return fmt(float(mantissa), 1) + "e" + str(int(exponent))


def _terms(A, B, i: int, j: int) -> str:
    factor = lambda x: f"({fmt(x)})" if x < 0 else fmt(x)
    return " + ".join(f"{factor(A[i][k])}·{factor(B[k][j])}" for k in range(len(B)))


def _index(v, n: int) -> int | None:
    """A 1-based row or column index sent by the browser, as a 0-based one within ``n``."""
    v = touch.number(v)
    if v is None or v != int(v):
        return None
    return min(max(int(v), 1), n) - 1


def _clicked(key: str, shape: tuple[int, int]) -> tuple[int, int] | None:
    """The cell of C the learner just clicked or tapped in the figure, if any (once)."""
    got = touch.fresh(key, "pick")
    if got is None:
        return None
    i, j = _index(got.get("row"), shape[0]), _index(got.get("col"), shape[1])
    return None if i is None or j is None else (i, j)


def _data(A, B, C, cell: tuple[int, int]) -> dict:
    """What the browser draws: every entry and every cell's sum as text (it does no math)."""
    show_all = lambda M: [[_entry(x) for x in row] for row in M]
    return {"A": show_all(A), "B": show_all(B), "C": show_all(C), "pick": list(cell),
            "sums": [[f"C{sub(i + 1)}{sub(j + 1)} = {_terms(A, B, i, j)} = {fmt(v)}"
                      for j, v in enumerate(row)] for i, row in enumerate(C)],
            "names": [[f"C row {i + 1} column {j + 1}: {fmt(v)}" for j, v in enumerate(row)]
                      for i, row in enumerate(C)]}


def render(values: dict, *, key: str) -> None:
    A, B, mine = _usable(values)
    C = matmul(A, B)
    cols = len(C[0])
    cells = [f"C{sub(i + 1)}{sub(j + 1)}" for i in range(len(C)) for j in range(cols)]
    fig_key, pick = f"{key}.cells", f"{key}.cell"
    clicked = _clicked(fig_key, (len(C), cols))
    if clicked:  # before the select box is drawn, so it shows the cell clicked
        st.session_state[pick] = cells[clicked[0] * cols + clicked[1]]
    cell = c.choice(pick, "Cell of C", cells, cells[0])
    i, j = divmod(cells.index(cell), cols)

    p = len(A[0])
    left, right = beside()
    with left:
        _CELLS(key=fig_key, data=_data(A, B, C, (i, j)), on_pick_change=lambda: None)
        st.caption("Point at a cell of C (tap it on a phone) to light up its row of A and column "
                   "of B; click it, or choose it above, to see its numbers here.")
    readout([("shapes", f"A {len(A)}×{p} · B {len(B)}×{cols} → C {len(C)}×{cols}"),
             (f"row {i + 1} of A", "[" + ", ".join(fmt(x) for x in A[i]) + "]"),
             (f"column {j + 1} of B", "[" + ", ".join(fmt(B[k][j]) for k in range(p)) + "]"),
             (cell, f"{_terms(A, B, i, j)} = **{fmt(C[i][j])}**")], container=right)

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
