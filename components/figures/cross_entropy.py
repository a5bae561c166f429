"""Chapter 14 — the loss −log p against the probability p given to the true class, and the
gradient p − y that softmax with cross-entropy sends back to each logit."""
import math
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREEN, ORANGE, RED, beside, fmt, layout, legend_inside, readout, show, vec

CLASSES = ["cat", "dog", "bird"]
P0 = [0.2, 0.7, 0.1]


@lru_cache(maxsize=1)
def _curve():
    ps = [0.01 + 0.99 * i / 150 for i in range(151)]
    return ps, [-math.log(p) for p in ps]


def render(values: dict, *, key: str) -> None:
    p_in, y_in = values.get("y_hat"), values.get("y")
    k = len(p_in) if isinstance(p_in, list) and 2 <= len(p_in) <= 8 else 3
    if not (isinstance(p_in, list) and len(p_in) == k and all(q >= 0 for q in p_in) and sum(p_in) > 0):
        if isinstance(p_in, list) and len(p_in) == k:
            st.caption(f"ŷ needs no negative entry and at least one above 0 to be drawn as probabilities; "
                       f"the figure starts from {'its own' if k == 3 else 'an even'} guess over the {k} classes.")
        p_in = None
    # the starting guess has one entry per class drawn, whatever the learner plugged in
    base = [q / sum(p_in) for q in p_in] if p_in else (P0 if k == 3 else [1 / k] * k)
    names = CLASSES if k == 3 else [f"class {i + 1}" for i in range(k)]
    true_in = None
    if isinstance(y_in, list) and len(y_in) == k and max(y_in) > 0:
        true_in = names[max(range(k), key=lambda i: y_in[i])]
    cls_key = f"{key}.true"
    if true_in is not None and st.session_state.get(f"{cls_key}.seen") != true_in:
        st.session_state[cls_key] = true_in
    st.session_state[f"{cls_key}.seen"] = true_in
    ct, cp = c.row(2)
    true = c.choice(cls_key, "True class", names, names[1 if k == 3 else 0], container=ct)
    t = names.index(true)
    p_true = c.slider(f"{key}.p", f"probability given to {true}", round(base[t], 2) if p_in else None,
                      round(base[t], 2), 0.01, 0.99, 0.01, container=cp)
    rest = sum(q for i, q in enumerate(base) if i != t)
    p = [p_true if i == t else ((1 - p_true) * (base[i] / rest if rest else 1 / (k - 1)))
         for i in range(k)]
    y = [1.0 if i == t else 0.0 for i in range(k)]
    loss = -math.log(p_true)
    grad = [pi - yi for pi, yi in zip(p, y)]

    ps, ls = _curve()
    fig = go.Figure(go.Scatter(x=ps, y=ls, mode="lines", name="L = −log p", line=dict(color=BLUE, width=3)))
    fig.add_trace(go.Scatter(x=[p_true], y=[loss], mode="markers", name=f"p({true}) = {fmt(p_true, 2)}",
                             marker=dict(color=ORANGE, size=13)))
    fig.update_xaxes(title=f"probability given to the true class ({true})", range=[0, 1])
    fig.update_yaxes(title="loss", range=[0, 4.8])
    legend_inside(layout(fig, height=300, auto_margin=True, title=f"L = −log {fmt(p_true, 2)} = {fmt(loss)}"))
    bars = go.Figure(go.Bar(x=names, y=grad, text=[fmt(g) for g in grad], textposition="outside",
                            marker_color=[GREEN if g < 0 else RED for g in grad], name="p − y"))
    bars.update_yaxes(range=[-1.15, 1.15], title="∂L/∂z = p − y")
    layout(bars, height=260, auto_margin=True, title="Gradient per logit: push the true class up, the rest down")
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
        show(bars, key=f"{key}.grad")
    readout([("ŷ (probabilities)", vec(p)), ("y (one-hot)", vec(y)),
             ("L = −log ŷ_true", f"**{fmt(loss)}**"), ("p − y", vec(grad))], container=right)
