"""Chapter 4 — two arrows, a·b, the angle between them and the projection of a onto b.

The sign of a·b colours the figure: green when they agree, red when they oppose, grey at 90°.
Both arrowheads can be dragged; the plane redraws all of it in the browser as the hand moves.
"""
from components.figures import _controls as c
from components.figures._plot import beside, fmt, readout, span, vec
from components.figures.vector_add import draw, take_drop
from core.figmath import angle_deg, dot, norm, projection


def render(values: dict, *, key: str) -> None:
    take_drop(key, {"a": 1, "b": 1})
    a, b = c.vectors([(f"{key}.a", "a", values.get("a"), [3.0, 1.0]),
                      (f"{key}.b", "b", values.get("b"), [1.0, 2.0])])
    ab = dot(a, b)
    theta = angle_deg(a, b)
    proj = projection(a, b)
    left, right = beside()
    with left:
        draw(key, "dot", span([a, b]), a=a, b=b)
    readout([("a", vec(a)), ("b", vec(b)), ("a₁b₁ + a₂b₂", f"**{fmt(ab)}**"),
             ("‖a‖ · ‖b‖", f"{fmt(norm(a))} · {fmt(norm(b))}"),
             ("cos θ", "undefined" if theta is None else fmt(ab / (norm(a) * norm(b)))),
             ("angle θ", "undefined" if theta is None else f"{fmt(theta, 1)}°"),
             ("projection of a on b", "undefined" if proj is None else vec(proj))], container=right)
