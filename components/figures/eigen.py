"""Chapter 9 — turn a test vector u around: on an eigen-direction A·u stays on u's line
(stretched by λ); anywhere else A turns it.

The learner turns u by its tip (the linear-map piece, see matvec); A·u follows in the browser,
and the drop sets the angle slider, in whole degrees like the slider itself.
"""
import math

import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import beside, fmt, readout, span, vec
from components.figures.matvec import draw, take_drop
from core.figmath import angle_deg, eigen2, matvec, norm


def _turned(key: str) -> float | None:
    """The angle a drop turned u to (untrusted: a finite number, as whole degrees 0–359)."""
    phi = touch.number((dropped := take_drop(key)) and dropped[0].get("phi"))
    return None if phi is None else float(round(phi) % 360)


def render(values: dict, *, key: str) -> None:
    angle_key = f"{key}.angle"
    if (phi := _turned(key)) is not None:
        st.session_state[angle_key] = phi
    A = c.matrix(f"{key}.A", "A", values.get("A"), [[2.0, 1.0], [1.0, 2.0]])
    pairs = eigen2(A)
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

    reach = max(norm(A[0]), norm(A[1]))   # the most any entry of A·u reaches, u turned anywhere
    left, right = beside()
    with left:
        draw(key, "eigen", span([(1, 1), (reach, reach)]), A=A, phi=phi,
             eig=[{"lam": lam, "v": v} for lam, v in pairs])
        st.caption("Turn u by its tip: A·u follows; on an eigen-direction it stays on u's line.")
    rows = [("u", vec(u)), ("A·u", vec(Au)), ("angle between u and A·u", f"{fmt(turn or 0, 1)}°")]
    if on_line:
        lam = (Au[0] * u[0] + Au[1] * u[1])
        rows.append(("A·u = λ·u with λ", f"**{fmt(lam)}**"))
    rows += [(f"λ{'₁₂'[n]}", fmt(lam)) for n, (lam, _) in enumerate(pairs[:2])]
    if not pairs:
        rows.append(("eigenvalues", "complex: A rotates every direction"))
    readout(rows, container=right)
