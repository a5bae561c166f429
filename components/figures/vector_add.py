"""Chapter 1 — k·v + w drawn tip to tail: scale v by k, then walk along w from its tip."""
import plotly.graph_objects as go

from components.figures import _controls as c
from components.figures._plot import BLUE, GREEN, ORANGE, arrow, beside, fmt, plane, readout, show, vec


def render(values: dict, *, key: str) -> None:
    k = c.slider(f"{key}.k", "k", values.get("k"), 2.0, -3.0, 3.0, 0.1)
    v, w = c.vectors([(f"{key}.v", "v", values.get("v"), [2.0, 1.0]),
                      (f"{key}.w", "w", values.get("w"), [1.0, 2.0])])
    kv = [k * x for x in v]
    out = [a + b for a, b in zip(kv, w)]

    fig = go.Figure()
    arrow(fig, (0, 0), v, color=BLUE, name="v", dash="dot", width=2)
    arrow(fig, (0, 0), kv, color=BLUE, name="k·v")
    arrow(fig, kv, out, color=ORANGE, name="w (from the tip of k·v)")
    arrow(fig, (0, 0), out, color=GREEN, name="k·v + w")
    plane(fig, [v, kv, out, w])
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("k", fmt(k)), ("v", vec(v)), ("w", vec(w)), ("k·v", vec(kv)),
             ("k·v + w", f"**{vec(out)}**")], container=right)
