"""Chapter 2 — the length of v as the hypotenuse of the right triangle its entries make."""
import math

from components.figures import _controls as c
from components.figures._plot import beside, fmt, readout, span, vec
from components.figures.vector_add import draw, take_drop


def render(values: dict, *, key: str) -> None:
    take_drop(key, {"v": 1})
    v = c.vector(f"{key}.v", "v", values.get("v"), [3.0, 4.0])
    x, y = v
    length = math.hypot(x, y)
    left, right = beside()
    with left:
        draw(key, "norm", span([v]), v=v)
    readout([("v", vec(v)), ("v₁²", fmt(x * x)), ("v₂²", fmt(y * y)),
             ("v₁² + v₂²", fmt(x * x + y * y)), ("‖v‖ = √(v₁² + v₂²)", f"**{fmt(length)}**")],
            container=right)
