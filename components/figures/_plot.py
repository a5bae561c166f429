"""Plotting pieces every figure shares: colours, a plane with equal axes, the readout."""
from __future__ import annotations

import math

import plotly.graph_objects as go
import streamlit as st

from components.figures import touch

# One palette for every figure (colour-blind friendly, readable on light and dark themes).
BLUE, ORANGE, GREEN, RED, PURPLE, GREY = "#2563eb", "#ea580c", "#16a34a", "#dc2626", "#7c3aed", "#6b7280"
CONFIG = {"displayModeBar": False, "scrollZoom": False, "responsive": True}




def plane(fig: go.Figure, points, *, pad: float = 0.6, height: int = 380, title: str = "") -> go.Figure:
    """Square-ish axes that hold every point in ``points``, equal scale, axes through the origin."""
    r = span(list(points) + [(0.0, 0.0)], pad)
    axis = dict(range=[-r, r], zeroline=True, zerolinewidth=1.5, zerolinecolor="#9ca3af",
                gridcolor="rgba(128,128,128,0.18)", fixedrange=True)
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis, scaleanchor="x", scaleratio=1)
    return layout(fig, height=height, title=title)


def layout(fig: go.Figure, *, height: int = 360, title: str = "", auto_margin: bool = False) -> go.Figure:
    """Small margins and a legend under the plot, so it reads at phone width.

    Number axes get fixed margins that fit their tick labels (and a title where the axis has
    one). Plotly's automargin draws the figure, measures the labels and draws it again, and a
    chart is drawn anew on every change: it cost about 70 ms of each 270 ms figure move in
    Chromium. Figures whose labels are words (a heatmap's tokens, a bar chart's classes) keep
    it, with ``auto_margin``.
    """
    if auto_margin:
        margin = dict(l=8, r=8, t=36 if title else 10, b=8)
    else:
        titled = lambda axis: bool(axis.title and axis.title.text)
        margin = dict(l=40 + 22 * titled(fig.layout.yaxis), r=12, t=36 if title else 10,
                      b=28 + 22 * titled(fig.layout.xaxis))
    fig.update_layout(
        height=height, margin=margin,
        title=dict(text=title, x=0, font=dict(size=14)) if title else None,
        legend=dict(orientation="h", yanchor="top", y=-0.08, x=0, font=dict(size=12)),
        font=dict(size=12), dragmode=False, hovermode="closest")
    fig.update_xaxes(fixedrange=True, automargin=auto_margin)
    fig.update_yaxes(fixedrange=True, automargin=auto_margin)
    return fig


def legend_inside(fig: go.Figure) -> go.Figure:
    """The legend in the plot's top-right corner, for figures whose x-axis has a title."""
    fig.update_layout(legend=dict(x=0.99, xanchor="right", y=0.99, yanchor="top",
                                  bgcolor="rgba(255,255,255,0.7)"))
    return fig


def show(fig: go.Figure, *, key: str) -> None:
    """Draw a Plotly figure (the figures nobody drags: curves, heatmaps, bar charts)."""
    st.plotly_chart(fig, key=key, config=CONFIG)


def readout(rows: list[tuple[str, str]], *, container=st) -> None:
    """The formula's numbers, live: one row per quantity (label, value), as a small table."""
    cell = lambda text: str(text).replace("|", "\\|")  # a bar would split the table's cell
    body = "\n".join(f"| {cell(label)} | {cell(value)} |" for label, value in rows)
    container.markdown(f"| quantity | value |\n|:--|--:|\n{body}")


def fmt(x: float, digits: int = 3) -> str:
    """A number as the readouts show it: up to ``digits`` decimals, no trailing zeros, real minus."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "∞" if x == math.inf else "−∞" if x == -math.inf else "not a number"
    s = f"{x:.{digits}f}"
    s = s.rstrip("0").rstrip(".") if "." in s else s   # 10000 at 0 digits stays 10000
    s = "0" if s in ("-0", "") else s
    return s.replace("-", "−")


def sub(i: int) -> str:
    """An index as subscript digits: 12 → ₁₂."""
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(i))


def vec(v, digits: int = 3) -> str:
    return "[" + ", ".join(fmt(x, digits) for x in v) + "]"


def beside():
    """Two columns: the figure (wide) and its numbers; on a phone they stack."""
    return st.columns([3, 2], gap="medium")






def span(points, pad: float = 0.6) -> int:
    """The half-width of the square −r…r (r whole) that holds every point in ``points`` with
    ``pad`` to spare: `plane` draws it, and the touchable planes use the same rule."""
    return math.ceil(max([1.0] + [abs(x) for p in points for x in p]) + pad)


def dropped_tip(value, bound: float) -> list[float] | None:
    """A tip ``[x, y]`` a touchable figure sent (untrusted): two finite numbers, clamped to
    ±``bound`` and rounded to the 0.01 the number boxes show; anything else is None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    tip = [touch.number(x) for x in value]
    if None in tip:
        return None
    return [round(min(max(x, -bound), bound), 2) + 0.0 for x in tip]
