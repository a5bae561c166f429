"""Chapter 11 — ReLU with a point to drag along it and its slope: 1 to the right of 0, 0 to the
left (the sigmoid figure's touchable curve)."""
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import beside, fmt, readout, vec
from components.figures.sigmoid import dropped_x, point_on_curve


def _relu(x: float) -> float:
    return max(0.0, x)


def _slope(x: float) -> float:
    return 1.0 if x > 0 else 0.0  # at exactly 0 we use 0, as PyTorch does


def render(values: dict, *, key: str) -> None:
    incoming = values.get("x")
    entries = incoming if isinstance(incoming, list) else None
    first = entries[0] if entries else incoming
    touched = dropped_x(f"{key}.touch", -4.0, 4.0, 0.1)
    if touched is not None:
        st.session_state[f"{key}.x"] = touched
    x = c.slider(f"{key}.x", "x", first, 1.5, -4.0, 4.0, 0.1)
    y, slope = _relu(x), _slope(x)
    left, right = beside()
    with left:
        point_on_curve(f"{key}.touch", _relu, _slope, x, lo=-4.0, hi=4.0, step=0.1, name="ReLU(x)",
                       labels=("x", "ReLU(x)", "slope"), digits=(2, 2, 3), half=1.2, marks=entries,
                       marks_name="your x")
    rows = [("x", fmt(x, 2)), ("ReLU(x) = max(0, x)", f"**{fmt(y, 2)}**"),
            ("slope", f"{fmt(slope)} ({'on: gradient passes' if slope else 'off: gradient stops'})")]
    if entries:
        rows += [("your x", vec(entries)), ("ReLU of each", vec([max(0.0, e) for e in entries])),
                 ("slopes", vec([1.0 if e > 0 else 0.0 for e in entries]))]
    readout(rows, container=right)
