"""Chapter 5 — a few word "embeddings" as 2-D arrows, ranked by cosine similarity to a query.

The query is a; b joins the words as "b". Click a word's tip to make that word the query.
"""
import plotly.graph_objects as go
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import GREY, ORANGE, arrow, beside, fmt, plane, readout, show, vec
from core.figmath import rank_by_cosine

# Made-up 2-D "embeddings": royalty leans one way, fruit another, vehicles a third.
WORDS = {"king": [4.6, 1.0], "queen": [0.9, 4.6], "prince": [2.0, 1.9], "apple": [-2.4, 3.4],
         "banana": [-3.8, 1.4], "car": [-1.8, -3.6], "truck": [-4.2, -1.4]}


def _colour(cos: float) -> str:
    """Similar words blue, unrelated grey, opposite red (cos from −1 to 1)."""
    if cos >= 0:
        return f"rgba(37,99,235,{0.25 + 0.75 * cos:.2f})"
    return f"rgba(220,38,38,{0.25 + 0.75 * -cos:.2f})"


def render(values: dict, *, key: str) -> None:
    chart = f"{key}.chart"
    names = list(WORDS) + ["b"]
    point = c.picked(st.session_state.get(chart))
    if point and point.get("point_index") is not None and point != st.session_state.get(f"{key}.used"):
        st.session_state[f"{key}.used"] = point  # a click on a word tip: that word is the query now
        i = point["point_index"]
        ss = st.session_state
        words = {**WORDS, "b": [ss.get(f"{key}.b.{j}.keep", d) for j, d in enumerate([4.0, 3.0])]}
        for j, x in enumerate(words[names[i]]):
            st.session_state[f"{key}.a.{j}"] = x
    a, b = c.vectors([(f"{key}.a", "a", values.get("a"), [3.0, 4.0]),
                      (f"{key}.b", "b", values.get("b"), [4.0, 3.0])])
    words = {**WORDS, "b": b}
    ranking = rank_by_cosine(a, words)
    cos = dict(ranking)

    fig = go.Figure()
    for w, v in words.items():
        arrow(fig, (0, 0), v, color=_colour(cos[w]) if cos[w] > -2 else GREY, name=w,
              width=2, showlegend=False)
    fig.add_trace(go.Scatter(
        x=[v[0] for v in words.values()], y=[v[1] for v in words.values()], mode="markers+text",
        text=[f"{w} {fmt(cos[w], 2)}" if cos[w] > -2 else w for w in words], textposition="top center",
        marker=dict(size=16, color="rgba(0,0,0,0)"), name="words (click one)", showlegend=False,
        hovertemplate="%{text}<extra>click: use as query</extra>"))
    arrow(fig, (0, 0), a, color=ORANGE, name="query a", width=4)
    plane(fig, [a, *words.values()], pad=1.2, height=400)
    left, right = beside()
    with left:
        show(fig, key=chart, select=True)
        st.caption("Click a word's tip to make it the query.")
    rows = [("query a", vec(a)),
            ("cos(a, b) = a·b / (‖a‖‖b‖)", f"**{fmt(cos['b'])}**" if cos["b"] > -2 else "undefined")]
    rows += [(f"{i}. {w}", fmt(s) if s > -2 else "undefined") for i, (w, s) in enumerate(ranking, 1)]
    readout(rows, container=right)
