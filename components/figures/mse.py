"""Chapter 13 — points, a line ŷ = m·x + c you move, and each residual drawn as its square.

The loss is the mean of the square areas. Plug in ŷ and the squares are drawn for your
predictions instead of the line's.
"""
import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREY, ORANGE, RED, beside, fmt, layout, readout, show, vec
from core.figmath import mse

Y0 = [1.0, 2.5, 2.0, 4.0, 4.5]
LINE, MINE = "the line ŷ = m·x + c", "your plugged-in ŷ"


def render(values: dict, *, key: str) -> None:
    y = values.get("y") if isinstance(values.get("y"), list) and 1 <= len(values["y"]) <= 12 else Y0
    y_hat_in = values.get("y_hat")
    if not (isinstance(y_hat_in, list) and len(y_hat_in) == len(y)):
        y_hat_in = None
    xs = [float(i + 1) for i in range(len(y))]
    source = f"{key}.source"
    if y_hat_in is not None and st.session_state.get(f"{source}.seen") != y_hat_in:
        st.session_state[source] = MINE  # a new ŷ from the panel: show it
    st.session_state[f"{source}.seen"] = y_hat_in
    options = [LINE, MINE] if y_hat_in is not None else [LINE]
    pick = c.choice(source, "Predictions from", options, LINE, container=st) if len(options) > 1 else LINE
    cm, cc = c.row(2)
    m = c.slider(f"{key}.m", "slope m", None, 0.8, -3.0, 3.0, 0.05, container=cm,
                 disabled=pick == MINE)
    b = c.slider(f"{key}.c", "intercept c", None, 0.5, -5.0, 5.0, 0.1, container=cc,
                 disabled=pick == MINE)
    y_hat = y_hat_in if pick == MINE else [m * x + b for x in xs]
    loss = mse(y, y_hat)

    fig = go.Figure()
    sx, sy = [], []
    for x, t, p in zip(xs, y, y_hat):
        r = t - p  # the square hangs off the residual, to its right
        sx += [x, x + abs(r), x + abs(r), x, x, None]
        sy += [p, p, t, t, p, None]
    fig.add_trace(go.Scatter(x=sx, y=sy, mode="lines", fill="toself", name="squared errors",
                             line=dict(color=RED, width=1), fillcolor="rgba(220,38,38,0.15)",
                             hoverinfo="skip"))
    if pick == LINE:
        lx = [0, xs[-1] + 1]
        fig.add_trace(go.Scatter(x=lx, y=[m * x + b for x in lx], mode="lines", name=LINE,
                                 line=dict(color=ORANGE, width=3)))
    fig.add_trace(go.Scatter(x=xs, y=y_hat, mode="markers", name="ŷ", marker=dict(color=ORANGE, size=8)))
    fig.add_trace(go.Scatter(x=xs, y=y, mode="markers", name="y (data)", marker=dict(color=BLUE, size=11)))
    lo = min(min(y), min(y_hat), 0) - 0.5
    hi = max(max(y), max(y_hat)) + 0.5
    width = max(xs[-1] + 1 + max(abs(t - p) for t, p in zip(y, y_hat)), hi - lo)
    fig.update_xaxes(range=[0, width], gridcolor="rgba(128,128,128,0.18)")
    fig.update_yaxes(range=[lo, hi], scaleanchor="x", scaleratio=1, gridcolor="rgba(128,128,128,0.18)")
    layout(fig, height=400, title=f"MSE = {fmt(loss)}")
    fig.update_xaxes(zeroline=True, zerolinecolor=GREY)
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    readout([("y", vec(y)), ("ŷ", vec(y_hat)), ("y − ŷ", vec([t - p for t, p in zip(y, y_hat)])),
             ("(y − ŷ)²", vec([(t - p) ** 2 for t, p in zip(y, y_hat)])),
             ("MSE = mean of the squares", f"**{fmt(loss)}**")], container=right)
