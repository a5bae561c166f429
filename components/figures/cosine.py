"""Chapter 5 — a few word "embeddings" as 2-D arrows, ranked by cosine similarity to a query.

The query is a; b joins the words as "b". Both can be dragged; a click on a word's tip makes that
word the query (the plane sends the word's name, and its vector is looked up here).
"""
import streamlit as st

from components.figures import _controls as c
from components.figures._plot import beside, fmt, readout, span, vec
from components.figures.vector_add import draw, take_drop
from core.figmath import rank_by_cosine

# Made-up 2-D "embeddings": royalty leans one way, fruit another, vehicles a third.
WORDS = {"king": [4.6, 1.0], "queen": [0.9, 4.6], "prince": [2.0, 1.9], "apple": [-2.4, 3.4],
         "banana": [-3.8, 1.4], "car": [-1.8, -3.6], "truck": [-4.2, -1.4]}
B0 = [4.0, 3.0]


def _pick(key: str, word) -> None:
    """A word's tip was clicked: its vector becomes the query a."""
    ss = st.session_state
    words = {**WORDS, "b": [ss.get(f"{key}.b.{j}.keep", d) for j, d in enumerate(B0)]}
    if isinstance(word, str) and word in words:
        for j, x in enumerate(words[word]):
            ss[f"{key}.a.{j}"] = x


def render(values: dict, *, key: str) -> None:
    got = take_drop(key, {"a": 1, "b": 1})
    if got is not None:
        _pick(key, got.get("word"))
    a, b = c.vectors([(f"{key}.a", "a", values.get("a"), [3.0, 4.0]),
                      (f"{key}.b", "b", values.get("b"), B0)])
    words = {**WORDS, "b": b}
    ranking = rank_by_cosine(a, words)
    cos = dict(ranking)
    left, right = beside()
    with left:
        draw(key, "cosine", span([a, *words.values()], pad=1.2), a=a, b=b, words=WORDS)
        st.caption("Drag a or b; click a word's tip to make it the query.")
    rows = [("query a", vec(a)),
            ("cos(a, b) = a·b / (‖a‖‖b‖)", f"**{fmt(cos['b'])}**" if cos["b"] > -2 else "undefined")]
    rows += [(f"{i}. {w}", fmt(s) if s > -2 else "undefined") for i, (w, s) in enumerate(ranking, 1)]
    readout(rows, container=right)
