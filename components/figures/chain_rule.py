"""Chapter 16 — one neuron as a computational graph: forward values and backward gradients on
every edge; below it the lesson's tangent figure, f(x) = ¼x² with its slope ½x, whose point
is dragged along the curve (the sigmoid figure's touchable curve)."""
import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import BLUE, GREY, RED, beside, fmt, layout, readout, show
from components.figures.sigmoid import dropped_x, point_on_curve
from core.figmath import neuron

NODES = {"x": (0, 2), "w": (0, 1), "b": (0, 0), "z": (1.6, 1), "a": (3.0, 1), "y": (3.0, -0.2),
         "L": (4.4, 1)}
LABELS = {"x": "x", "w": "w", "b": "b", "z": "z = w·x + b", "a": "a = σ(z)", "y": "y",
          "L": "L = (a − y)²"}


def render(values: dict, *, key: str) -> None:
    cols = c.row(4)
    x, w, b, y = (c.number(f"{key}.{n}", n, values.get(n) if isinstance(values.get(n), (int, float)) else None,
                           d, step=0.1, container=col)
                  for n, d, col in zip("xwby", (2.0, 0.0, 0.0, 1.0), cols))
    r = neuron(x, w, b, y)
    value = {"x": x, "w": w, "b": b, "y": y, "z": r["z"], "a": r["a"], "L": r["L"]}
    grad = {"x": r["dL_dx"], "w": r["dL_dw"], "b": r["dL_db"], "z": r["dL_dz"], "a": r["dL_da"]}
    edges = [("x", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "L"), ("y", "L")]

    fig = go.Figure()
    ex, ey = [], []
    for s, t in edges:
        (x0, y0), (x1, y1) = NODES[s], NODES[t]
        ex += [x0, x1, None]
        ey += [y0, y1, None]
        back = f"<br><span style='color:{RED}'>∂L/∂{s} = {fmt(grad[s])}</span>" if s in grad else ""
        fig.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2, showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                           text=f"<span style='color:{BLUE}'>{s} = {fmt(value[s])}</span>{back}",
                           font=dict(size=11))
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color=GREY, width=2), hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=[p[0] for p in NODES.values()], y=[p[1] for p in NODES.values()],
                             mode="markers+text", text=[LABELS[n] for n in NODES], textposition="top center",
                             marker=dict(size=18, color="#e0e7ff", line=dict(color=BLUE, width=2)),
                             showlegend=False, hoverinfo="skip", textfont=dict(size=12)))
    fig.update_xaxes(visible=False, range=[-0.5, 4.9])
    fig.update_yaxes(visible=False, range=[-0.6, 2.5])
    layout(fig, height=320, title=f"forward (blue), backward (red): ∂L/∂w = {fmt(r['dL_dw'])}")
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
        st.caption("z = w·x + b, a = σ(z), L = (a − y)². Each edge: its value going forward (blue) "
                   "and ∂L with respect to it coming back (red).")
    readout([("z = w·x + b", fmt(r["z"])), ("a = σ(z)", fmt(r["a"])), ("L = (a − y)²", fmt(r["L"])),
             ("∂L/∂a = 2(a − y)", fmt(r["dL_da"])), ("∂a/∂z = a(1 − a)", fmt(r["da_dz"])),
             ("∂z/∂w = x", fmt(x)), ("∂L/∂w (product)", f"**{fmt(r['dL_dw'])}**")], container=right)

    st.markdown("**The slope is the local sensitivity: f(x) = ¼x²**")
    touched = dropped_x(f"{key}.tangent", -4.0, 4.0, 0.1)
    if touched is not None:
        st.session_state[f"{key}.tangent_x"] = touched
    p = c.slider(f"{key}.tangent_x", "point x", None, 2.0, -4.0, 4.0, 0.1)
    left2, right2 = beside()
    with left2:
        point_on_curve(f"{key}.tangent", lambda v: v * v / 4, lambda v: v / 2, p, lo=-4.0, hi=4.0, step=0.1,
                       name="f(x) = ¼x²", labels=("x", "f(x)", "slope ½x"), digits=(2, 3, 3), half=1.5)
    readout([("point x", fmt(p, 2)), ("f(x) = ¼x²", fmt(p * p / 4)), ("slope df/dx = ½x", f"**{fmt(p / 2)}**")],
            container=right2)
