"""Chapter 17 — Q, K, V for three tokens, the score matrix QKᵀ (÷ √d_k or not), the softmax
weights and the output, as heatmaps."""
import math
from functools import lru_cache

import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from components.figures import _controls as c
from components.figures._plot import beside, fmt, layout, readout, show, vec
from core.figmath import attention

TOKENS = ["the", "cat", "sat"]
Q0 = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 0.0, 0.0]]
K0 = [[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]]  # the chapter's keys
V0 = [[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]


def _shapes_ok(Q, K, V) -> bool:
    rect = lambda M: isinstance(M, list) and M and all(isinstance(r, list) and len(r) == len(M[0]) for r in M)
    return rect(Q) and rect(K) and rect(V) and len(Q[0]) == len(K[0]) and len(K) == len(V) and len(K) <= 8


# Light colour ramps, so the numbers written on the cells stay readable.
BLUES, ORANGES, GREENS = [[0, "#f8fafc"], [1, "#93c5fd"]], [[0, "#fff7ed"], [1, "#fdba74"]], [[0, "#f0fdf4"], [1, "#86efac"]]
PURPLES, REDS = [[0, "#faf5ff"], [1, "#c4b5fd"]], [[0, "#fef2f2"], [1, "#fca5a5"]]


def cell(x: float) -> str:
    """A heatmap cell's number, short enough for its cell: 0.73, 12.5, 1235, then 1e+06 and 3e−05
    (written out, 1000000 is wider than a cell and its first digit is cut off)."""
    a = abs(x)
    if math.isfinite(x) and (a >= 1e5 or 0 < a < 5e-3):
        return f"{x:.3g}".replace("-", "−")
    return fmt(x, 2 if a < 100 else 0)


def most_attended(weights: list[float], keys: list[str]) -> str:
    """The key (or keys, on a tie) with the highest weight, for the readout."""
    top = max(weights)
    tied = [f"**{k}**" for k, w in zip(keys, weights) if math.isclose(w, top, rel_tol=1e-9)]
    if not tied:                   # weights that are not numbers (an overflow): no winner to name
        return "—"
    if len(tied) == 1:
        return tied[0]
    return f"{', '.join(tied[:-1])} and {tied[-1]} (a tie)"


def _heat(fig, M, row, col, colorscale, zmin=None, zmax=None, rows=None, cols=None):
    fig.add_trace(go.Heatmap(z=M, text=[[cell(v) for v in r] for r in M], texttemplate="%{text}",
                             colorscale=colorscale, showscale=False, zmin=zmin, zmax=zmax,
                             x=cols, y=rows, hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
                             xgap=2, ygap=2), row=row, col=col)


def _t(M):
    """Nested lists as nested tuples (hashable, for the figure cache)."""
    return tuple(_t(x) for x in M) if isinstance(M, (list, tuple)) else M


@lru_cache(maxsize=64)
def _figure(Qs, K, V, results, scaled, queries, keys) -> go.Figure:
    """The six heatmaps; cached, since six subplots are the most expensive figure to build."""
    r = dict(zip(("scores", "weights", "out"), results))
    dims = lambda n, p: [f"{p}{i + 1}" for i in range(n)]
    fig = make_subplots(rows=2, cols=3, vertical_spacing=0.16, horizontal_spacing=0.13,
                        subplot_titles=("Q (queries)", "K (keys)", "V (values)",
                                        "scores QKᵀ" + (" / √d_k" if scaled else ""),
                                        "weights (softmax)", "output"))
    _heat(fig, Qs, 1, 1, BLUES, rows=queries, cols=dims(len(Qs[0]), "d"))
    _heat(fig, K, 1, 2, ORANGES, rows=keys, cols=dims(len(K[0]), "d"))
    _heat(fig, V, 1, 3, GREENS, rows=keys, cols=dims(len(V[0]), "v"))
    _heat(fig, r["scores"], 2, 1, PURPLES, rows=queries, cols=keys)
    _heat(fig, r["weights"], 2, 2, REDS, 0, 1, rows=queries, cols=keys)
    _heat(fig, r["out"], 2, 3, GREENS, rows=queries, cols=dims(len(V[0]), "v"))
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=10))
    fig.update_xaxes(tickfont=dict(size=10), side="bottom")
    fig.update_yaxes(showticklabels=False, row=2, col=2)  # the queries, written at the left of the row
    fig.update_yaxes(showticklabels=False, row=2, col=3)
    fig.update_annotations(font_size=12)
    layout(fig, height=480, auto_margin=True)
    fig.update_layout(margin=dict(t=28))
    return fig


def render(values: dict, *, key: str) -> None:
    Q, K, V = (values.get(n) for n in "QKV")
    if not _shapes_ok(Q, K, V):
        if any(v is not None for v in (Q, K, V)):
            st.caption("Q and K need the same width and K and V the same number of rows; "
                       "the figure shows its own three tokens.")
        Q, K, V = Q0, K0, V0
    keys = TOKENS if len(K) == 3 else [f"t{i + 1}" for i in range(len(K))]
    queries = TOKENS if len(Q) == 3 else [f"q{i + 1}" for i in range(len(Q))]
    cols = c.row(3 if len(queries) > 1 else 2)       # one query: nothing to choose, no select box
    scaled = c.toggle(f"{key}.scaled", f"divide by √d_k = {fmt(math.sqrt(len(K[0])))}", True,
                      container=cols[0])
    gain = c.slider(f"{key}.gain", "scale Q by", None, 1.0, 0.0, 4.0, 0.25, container=cols[1])
    who = c.choice(f"{key}.query", "query token", queries, queries[0], container=cols[-1])
    Qs = [[gain * v for v in r] for r in Q]
    r = attention(Qs, K, V, scaled)
    qi = queries.index(who)

    fig = _figure(_t(Qs), _t(K), _t(V), _t([r["scores"], r["weights"], r["out"]]), scaled,
                  tuple(queries), tuple(keys))
    left, right = beside()
    with left:
        show(fig, key=f"{key}.chart")
    w = r["weights"][qi]
    readout([(f"scores for “{who}”", vec(r["scores"][qi])), ("weights", vec(w)), ("Σ weights", fmt(sum(w))),
             ("attends most to", most_attended(w, keys)),
             ("output", vec(r["out"][qi]))], container=right)
