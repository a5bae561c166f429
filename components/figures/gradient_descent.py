"""Chapter 15 — a ball on the loss bowl L(θ) = 1.1·θ²: drop it anywhere (a click or a tap in the
bowl, or drag it), set η and momentum, and watch it roll down (or climb out once η passes
2 / 2.2 ≈ 0.909). The bowl is drawn and rolled in the browser (touch/bowl.js); only a drop and
the step a roll reached come back here."""

import streamlit as st

from components.figures import _controls as c
from components.figures import touch
from components.figures._plot import beside, fmt, readout
from core.figmath import BOWL_CURVATURE, descend
from core.plug_in import parse_values

STEPS, R = 30, 3.5
BOWL = touch.component("bowl", "bowl.js", "bowl.css")
# The plug-in panel opens on its worked example's η; the figure opens on the lesson's 0.18 and
# follows the panel's η only once the learner changes it there.
_PANEL_ETA = parse_values("gradient_descent", {})[0].get("eta")


def _status(path: list[float]) -> str:
    if abs(path[-1]) > abs(path[0]) or abs(path[-1]) > 1e5:
        return "diverging: each step overshoots further"
    if abs(path[-1]) < 1e-3:
        return "converged"
    if any(a * b < 0 for a, b in zip(path, path[1:])):
        return "converging, overshooting the minimum"
    return "converging"


def _take_drop(key: str) -> None:
    """A drop the browser just sent, into the sliders' state before they are drawn: a start θ₀
    (the ball then waits at step 0) or the step a roll reached. Untrusted: checked, clamped."""
    drop = touch.fresh(f"{key}.bowl") or {}
    theta0, t = touch.number(drop.get("theta0")), touch.number(drop.get("t"))
    if theta0 is not None:
        st.session_state[f"{key}.theta0"] = round(min(max(theta0, -R), R), 1)
        st.session_state[f"{key}.t"] = 0.0
    elif t is not None:
        st.session_state[f"{key}.t"] = float(min(max(round(t), 0), STEPS))


def _eta_from_panel(values: dict, key: str) -> float | None:
    eta = values.get("eta") if isinstance(values.get("eta"), (int, float)) else None
    seen = f"{key}.eta.seen"
    if seen not in st.session_state and eta == _PANEL_ETA:
        st.session_state[seen] = eta   # as if followed already: only a change moves the figure
    return eta


def render(values: dict, *, key: str) -> None:
    _take_drop(key)
    theta_in = values.get("theta")
    theta_in = theta_in[0] if isinstance(theta_in, list) and len(theta_in) == 1 else theta_in
    eta_in = _eta_from_panel(values, key)
    c1, c2, c3 = c.row(3)
    theta0 = c.slider(f"{key}.theta0", "start θ₀", theta_in if isinstance(theta_in, (int, float)) else None,
                      3.0, -R, R, 0.1, container=c1)
    eta = c.slider(f"{key}.eta", "learning rate η", eta_in, 0.18, 0.01, 1.2, 0.01, container=c2)
    beta = c.slider(f"{key}.momentum", "momentum β", None, 0.0, 0.0, 0.95, 0.05, container=c3)
    path = descend(theta0, eta, beta, STEPS)
    t = int(c.slider(f"{key}.t", "show step t", None, float(len(path) - 1), 0.0, float(STEPS), 1.0))
    t = min(t, len(path) - 1)
    theta = path[t]
    loss = lambda q: BOWL_CURVATURE * q * q
    status = _status(path)
    left, right = beside()
    with left:
        BOWL(key=f"{key}.bowl", data={"path": path, "t": t, "status": status, "R": R, "step": 0.1,
                                      "k": BOWL_CURVATURE, "diverging": status.startswith("diverging")},
             on_drop_change=lambda: None)
        st.caption("Click or tap anywhere in the bowl to drop the ball there (or drag it); "
                   "▶ roll plays the steps.")
    g = 2 * BOWL_CURVATURE * theta
    readout([("start θ₀", fmt(theta0)), ("step t", str(t)), ("θ_t", fmt(theta)), ("L(θ_t)", fmt(loss(theta))),
             ("gradient ∇L = 2.2·θ_t", fmt(g)), ("plain step factor 1 − 2.2η", fmt(1 - 2 * BOWL_CURVATURE * eta)),
             ("status", f"**{status}**")], container=right)
