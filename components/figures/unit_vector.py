"""Chapter 3 — v and its unit vector v̂ = v / ‖v‖, which always lands on the unit circle."""
import math

import streamlit as st

from components.figures import _controls as c
from components.figures._plot import beside, fmt, readout, span, vec
from components.figures.vector_add import draw, take_drop


def render(values: dict, *, key: str) -> None:
    take_drop(key, {"v": 1})
    v = c.vector(f"{key}.v", "v", values.get("v"), [3.0, 4.0])
    length = math.hypot(*v)
    rows = [("v", vec(v)), ("‖v‖", fmt(length))]
    if length == 0:
        st.warning("The zero vector has no direction, so it has no unit vector.")
        rows.append(("v̂", "undefined (‖v‖ = 0)"))
    else:
        u = [x / length for x in v]
        rows += [("v̂ = v / ‖v‖", f"**{vec(u)}**"), ("‖v̂‖", fmt(math.hypot(*u)))]
    left, right = beside()
    with left:
        draw(key, "unit", span([v, (1, 1)]), v=v)
    readout(rows, container=right)
