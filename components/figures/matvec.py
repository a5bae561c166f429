"""Chapter 6 — a 2×2 matrix moves the whole grid, and with it the vector x to A·x.

The touchable "linear map" the matrix figures of chapters 6, 8 and 9 share (touch/linear.js: a
tip dragged in the browser, A applied there on every move, the drop sent once) is registered
here, with the two steps each figure takes around it: `take_drop` before its controls are drawn
(so they show the drop), `draw` after.
"""
import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import beside, dropped_tip, fmt, readout, span, sub, vec
from core.figmath import matvec

LINEAR = touch.component("linear", "linear.js", "linear.css")


def take_drop(key: str) -> tuple[dict, float] | None:
    """The value just dropped in the figure under ``key`` (once; None if nothing new), with the
    half-width of the square it was drawn in: a browser's numbers are clamped to it."""
    got = touch.fresh(f"{key}.touch")
    return None if got is None else (got, st.session_state.get(f"{key}.touch.r", 10))


def draw(key: str, kind: str, r: int, **data) -> None:
    """The scene ``kind`` over −r…r; the range is kept to bound the next drop."""
    st.session_state[f"{key}.touch.r"] = r
    LINEAR(key=f"{key}.touch", data={"kind": kind, "r": r, **data}, on_drop_change=lambda: None)


def render(values: dict, *, key: str) -> None:
    if dropped := take_drop(key):
        tip = dropped_tip(dropped[0].get("x"), dropped[1])
        for i, v in enumerate(tip or []):
            st.session_state[f"{key}.x.{i}"] = v
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
    left, right = beside()
    with left:
        draw(key, "matvec", span([x, Ax, (A[0][0], A[1][0]), (A[0][1], A[1][1])]), A=A, x=x)
        st.caption("Drag the tip of x: A·x follows.")
    readout([("row 1 · x", f"{fmt(A[0][0])}·{fmt(x[0])} + {fmt(A[0][1])}·{fmt(x[1])} = {fmt(Ax[0])}"),
             ("row 2 · x", f"{fmt(A[1][0])}·{fmt(x[0])} + {fmt(A[1][1])}·{fmt(x[1])} = {fmt(Ax[1])}"),
             ("A·x", f"**{vec(Ax)}**")], container=right)
