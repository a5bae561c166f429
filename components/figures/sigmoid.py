"""Chapter 10 — the sigmoid curve with a movable point and its tangent: slope σ(x)(1 − σ(x))."""
import math
from functools import lru_cache

from components.figures import _controls as c
from components.figures._plot import beside, curve_with_tangent, fmt, readout, show
from core.figmath import sigmoid


@lru_cache(maxsize=1)
def _curve():
    xs = [-8 + 16 * i / 160 for i in range(161)]
    return xs, [sigmoid(x) for x in xs]


def render(values: dict, *, key: str) -> None:
    x = c.slider(f"{key}.x", "x", values.get("x") if isinstance(values.get("x"), (int, float)) else None,
                 2.0, -8.0, 8.0, 0.1)
    s = sigmoid(x)
    slope = s * (1 - s)
    xs, ys = _curve()
    fig = curve_with_tangent(xs, ys, x, s, slope, name="σ(x)", half_width=2.0,
                             title=f"σ({fmt(x, 2)}) = {fmt(s, 4)}, slope {fmt(slope, 4)}")
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("x", fmt(x, 2)), ("e^(−x)", fmt(math.exp(-x), 4)), ("σ(x) = 1 / (1 + e^(−x))", f"**{fmt(s, 4)}**"),
             ("slope σ(x)(1 − σ(x))", fmt(slope, 4)), ("σ(−x) = 1 − σ(x)", fmt(1 - s, 4))],
            container=right)
