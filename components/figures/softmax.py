"""Chapter 12 — logit sliders, a temperature, and the probability bars they make (sum 1)."""
import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, ORANGE, beside, fmt, layout, readout, show, sub, vec
from core.figmath import entropy_bits, softmax

DEFAULT = [2.1, 0.5, -1.0, -0.5]  # the lesson's logits
LO, HI = -6.0, 6.0


def render(values: dict, *, key: str) -> None:
    z_in = values.get("z")
    if z_in is not None and not (isinstance(z_in, list) and 2 <= len(z_in) <= 8):
        st.caption("The figure draws 2 to 8 logits, so your z is not drawn here.")
        z_in = None
    count = f"{key}.count"
    if z_in is not None:
        st.session_state[count] = len(z_in)
    n = st.session_state.setdefault(count, len(DEFAULT))
    default = (DEFAULT + [0.0] * 8)[:n]
    cols = c.row(min(n, 4))
    z = [c.slider(f"{key}.z{n}.{i}", f"z{sub(i + 1)}", None if z_in is None else z_in[i], default[i],
                  LO, HI, 0.1, container=cols[i % len(cols)]) for i in range(n)]
    tau = c.slider(f"{key}.tau", "Temperature τ", None, 1.0, 0.1, 5.0, 0.05)
    p = softmax(z, tau)
    top = max(range(n), key=lambda i: p[i])

    labels = [f"z{sub(i + 1)}" for i in range(n)]
    fig = go.Figure(go.Bar(x=labels, y=p, text=[fmt(q) for q in p], textposition="outside",
                           marker_color=[ORANGE if i == top else BLUE for i in range(n)],
                           hovertemplate="%{x}: p = %{y:.3f}<extra></extra>", name="p"))
    fig.update_yaxes(range=[0, 1.12], title="probability")
    layout(fig, height=320, auto_margin=True, title=f"Σ p = {fmt(sum(p))} · argmax {labels[top]}")
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("z / τ", vec([x / tau for x in z], 2)), ("softmax", vec(p)), ("Σ p", fmt(sum(p))),
             ("argmax", f"**{labels[top]}** (p = {fmt(p[top])})"),
             ("entropy (bits)", fmt(entropy_bits(p)))], container=right)

