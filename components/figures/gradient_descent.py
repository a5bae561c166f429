"""Chapter 15 — a ball on the loss bowl L(θ) = 1.1·θ²: pick a start, set η and momentum, and
watch it roll down (or climb out once η passes 2 / 2.2 ≈ 0.91)."""
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREY, ORANGE, RED, beside, fmt, layout, readout, show
from core.figmath import BOWL_CURVATURE, descend

STEPS, R = 30, 3.5


@lru_cache(maxsize=1)
def _bowl():
    ts = [-R + 2 * R * i / 70 for i in range(71)]
    return ts, [BOWL_CURVATURE * t * t for t in ts]


def _status(path: list[float]) -> str:
    if abs(path[-1]) > abs(path[0]) or abs(path[-1]) > 1e5:
        return "diverging: each step overshoots further"
    if abs(path[-1]) < 1e-3:
        return "converged"
    if any(a * b < 0 for a, b in zip(path, path[1:])):
        return "converging, overshooting the minimum"
    return "converging"


def render(values: dict, *, key: str) -> None:
    chart = f"{key}.chart"
    point = c.picked(st.session_state.get(chart), curve=1)
    if point and point != st.session_state.get(f"{key}.used"):
        st.session_state[f"{key}.used"] = point  # a click on the bowl drops the ball there
        st.session_state[f"{key}.theta0"] = round(float(point["x"]), 1)
    theta_in = values.get("theta")
    theta_in = theta_in[0] if isinstance(theta_in, list) and len(theta_in) == 1 else theta_in
    eta_in = values.get("eta") if isinstance(values.get("eta"), (int, float)) else None
    c1, c2, c3 = c.row(3)
    theta0 = c.slider(f"{key}.theta0", "start θ₀", theta_in if isinstance(theta_in, (int, float)) else None,
                      3.0, -R, R, 0.1, container=c1)
    eta = c.slider(f"{key}.eta", "learning rate η", eta_in, 0.18, 0.01, 1.2, 0.01, container=c2)
    beta = c.slider(f"{key}.momentum", "momentum β", None, 0.0, 0.0, 0.95, 0.05, container=c3)
    path = descend(theta0, eta, beta, STEPS)
    t = int(c.slider(f"{key}.t", "show step t", None, float(len(path) - 1), 0.0, float(STEPS), 1.0))
    t = min(t, len(path) - 1)
    theta = path[t]
    shown = [p for p in path[: t + 1] if abs(p) <= R * 1.5]

    ts, ls = _bowl()
    loss = lambda q: BOWL_CURVATURE * q * q
    status = _status(path)
    colour = RED if status.startswith("diverging") else ORANGE
    fig = go.Figure([
        go.Scatter(x=ts, y=ls, mode="lines", name="L(θ) = 1.1·θ²", line=dict(color=BLUE, width=3),
                   hoverinfo="skip"),
        go.Scatter(x=ts, y=ls, mode="markers", marker=dict(size=14, opacity=0), showlegend=False,
                   name="drop the ball", hovertemplate="drop the ball at θ = %{x:.1f}<extra></extra>"),
        go.Scatter(x=shown, y=[loss(p) for p in shown], mode="lines+markers", name="path",
                   line=dict(color=GREY, width=1, dash="dot"), marker=dict(size=6, color=GREY)),
        go.Scatter(x=[max(-R, min(R, theta))], y=[min(loss(theta), loss(R))], mode="markers",
                   name=f"ball at step {t}", marker=dict(size=16, color=colour,
                                                         line=dict(color="white", width=2))),
    ])
    fig.frames = [go.Frame(name=str(s), traces=[3], data=[go.Scatter(
        x=[max(-R, min(R, path[s]))], y=[min(loss(path[s]), loss(R))])]) for s in range(len(path))]
    fig.update_layout(updatemenus=[dict(type="buttons", x=1, y=1.02, xanchor="right", yanchor="bottom",
                                        showactive=False, buttons=[dict(
        label="▶ roll", method="animate",
        args=[None, dict(frame=dict(duration=180, redraw=False), fromcurrent=False,
                         transition=dict(duration=120))])])])
    fig.update_xaxes(range=[-R, R], title="θ")
    fig.update_yaxes(range=[-0.3, loss(R) + 0.5], title="L(θ)")
    layout(fig, height=360, title=status)
    fig.update_layout(legend=dict(x=0.5, xanchor="center", y=0.99, yanchor="top",
                                  bgcolor="rgba(255,255,255,0.7)"))
    fig.update_layout(clickmode="event+select", margin=dict(t=40))
    left, right = beside()
    with left:
        show(fig, key=chart, select=True)
        st.caption("Click the bowl to drop the ball there; ▶ roll plays the steps.")
    g = 2 * BOWL_CURVATURE * theta
    readout([("step t", str(t)), ("θ_t", fmt(theta)), ("L(θ_t)", fmt(loss(theta))),
             ("gradient ∇L = 2.2·θ_t", fmt(g)), ("plain step factor 1 − 2.2η", fmt(1 - 2 * BOWL_CURVATURE * eta)),
             ("status", f"**{status}**")], container=right)
