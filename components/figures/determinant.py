"""Chapter 8 — the unit square mapped to a parallelogram whose signed area is det A = ad − bc.

The learner drags A's columns [a, c] and [b, d] (the linear-map piece, see matvec); the
parallelogram and its area follow in the browser, and the drop fills the four number boxes.
"""
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import beside, dropped_tip, fmt, readout, span
from components.figures.matvec import draw, take_drop
from core.figmath import det2


def _take(key: str) -> None:
    """A dropped matrix into A's boxes, column by column (each one checked and clamped)."""
    if not (dropped := take_drop(key)):
        return
    A = dropped[0].get("A")
    cols = [dropped_tip([row[j] for row in A], dropped[1]) if c.fits(A, (2, 2)) else None
            for j in range(2)]
    for j, col in enumerate(cols):
        for i, v in enumerate(col or []):
            st.session_state[f"{key}.A.{i}{j}"] = v


def render(values: dict, *, key: str) -> None:
    _take(key)
    A = c.matrix(f"{key}.A", "A", values.get("A"), [[2.0, -1.0], [1.0, 2.0]])
    (a, b), (cc, d) = A
    det = det2(A)
    flat = abs(det) < 1e-9
    left, right = beside()
    with left:
        draw(key, "det", span([(a, cc), (a + b, cc + d), (b, d)]), A=A)
        st.caption("Drag the column arrows: the parallelogram and its signed area follow.")
    readout([("ad", f"{fmt(a)}·{fmt(d)} = {fmt(a * d)}"), ("bc", f"{fmt(b)}·{fmt(cc)} = {fmt(b * cc)}"),
             ("det A = ad − bc", f"**{fmt(det)}**"), ("area factor |det A|", fmt(abs(det))),
             ("orientation", "collapsed (singular)" if flat else "kept" if det > 0 else "flipped")],
            container=right)
