"""Capstone, part 4: make it talk. Temperature, top-k and top-p, and what each one keeps;
then the model's own numbers for one guess: the softmax behind the bars, and attention."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from capstone.inspect import attention_map, softmax_rows
from capstone.sample import filter_stages, generate, prompt_logits

SHOWN = 24   # characters in the bar chart
TABLE = 8    # characters in the softmax table


def _label(ch: str) -> str:
    return {" ": "␣", "\n": "⏎", "\t": "⇥"}.get(ch, ch)


def distribution_figure(stages: dict, vocab) -> go.Figure:
    """Bars for the most likely characters after temperature; those top-k/top-p drop are grey."""
    temp, final = stages["temperature"], stages["top_p"]
    order = temp.argsort(descending=True)[:SHOWN].tolist()
    labels = [f"{_label(vocab.chars[i])} " for i in order]
    kept = [final[i].item() > 0 for i in order]
    fig = go.Figure()
    fig.add_bar(x=labels, y=[temp[i].item() for i in order], name="after temperature",
                marker_color=["#4f46e5" if k else "#c7c9d3" for k in kept])
    fig.add_scatter(x=labels, y=[final[i].item() for i in order], name="sampled from (after top-k, top-p)",
                    mode="markers", marker=dict(size=9, color="#f97316"))
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10), yaxis_title="probability",
                      legend=dict(orientation="h", yanchor="top", y=-0.18, x=0), xaxis=dict(type="category"))
    return fig


def softmax_view(model, vocab, prompt: str, temperature: float, *, key: str) -> None:
    """The bars are a softmax: the model's logits, divided by T, then exponentiated and normalised."""
    st.markdown("**Where the bars come from: a softmax**")
    st.latex(r"p_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}")
    rows = softmax_rows(model, vocab, prompt, temperature)
    top = rows[:TABLE]
    table = {"character": [_label(r["char"]) for r in top],
             "logit z": [round(r["logit"], 3) for r in top],
             f"z / T (T = {temperature:g})": [None if r["scaled"] is None else round(r["scaled"], 3) for r in top],
             "probability": [round(r["prob"], 4) for r in top]}
    # at T = 0 there is no z / T (greedy): the cells read —, not None
    st.dataframe(table, hide_index=True, width="stretch", key=f"{key}.table", placeholder="—")
    shown = sum(r["prob"] for r in top)
    note = ("Temperature 0 skips the softmax: the largest logit takes everything (greedy)."
            if temperature <= 0 else
            f"The model scores all {len(rows)} characters; these {len(top)} most likely hold "
            f"{shown:.1%} of the probability, and all {len(rows)} add up to 1 "
            f"({sum(r['prob'] for r in rows):.6f}). Below T = 1 the gaps between logits grow, above it they shrink.")
    st.caption(note + " Top-k and top-p then cut the tail and share what is left out again.")
    st.page_link("app_pages/12_softmax.py", label="Chapter 12 · Softmax",
                 icon=":material/arrow_forward:")


def attention_figure(chars: str, weights: list) -> go.Figure:
    """A T x T heatmap: row t is a character of the prompt, its cells what it takes from each earlier one."""
    T = len(chars)
    labels = [_label(c) for c in chars]
    z = [[w if s <= t else None for s, w in enumerate(row)] for t, row in enumerate(weights)]
    hover = [[f"{labels[t]} (#{t}) looks at {labels[s]} (#{s})" for s in range(T)] for t in range(T)]
    fig = go.Figure(go.Heatmap(z=z, x=list(range(T)), y=list(range(T)), customdata=hover, zmin=0, zmax=1,
                               colorscale="Blues", colorbar=dict(thickness=10, title="weight"),
                               hovertemplate="%{customdata}: %{z:.2f}<extra></extra>"))
    font = dict(size=12 if T <= 24 else 10 if T <= 40 else 8)
    ticks = dict(tickmode="array", tickvals=list(range(T)), ticktext=labels, tickfont=font, showgrid=False)
    fig.update_xaxes(title="…looks at this earlier character", **ticks)
    fig.update_yaxes(title="this character…", autorange="reversed", scaleanchor="x", **ticks)
    fig.update_layout(height=max(280, min(640, 140 + 11 * T)), margin=dict(l=10, r=10, t=30, b=10),
                      plot_bgcolor="rgba(0,0,0,0)")
    return fig


def attention_view(model, vocab, prompt: str, *, key: str) -> None:
    """Which earlier characters each character of the prompt looks at, for one layer and head."""
    st.markdown("**Where it looks: attention**")
    cfg = model.config
    c1, c2 = st.columns(2)
    layer = c1.selectbox("Layer", range(cfg.n_layer), format_func=lambda i: f"Layer {i + 1} of {cfg.n_layer}",
                         key=f"{key}.layer")
    head = c2.selectbox("Head", range(cfg.n_head), format_func=lambda i: f"Head {i + 1} of {cfg.n_head}",
                        key=f"{key}.head")
    chars, weights = attention_map(model, vocab, prompt, layer, head)
    st.plotly_chart(attention_figure(chars, weights), key=f"{key}.attention", width="stretch")
    cut = f" (the last {len(chars)}: all the context the model has)" if len(chars) < len(prompt) else ""
    st.caption(f"Each row is one character of the prompt{cut}: the softmax of its query against the keys "
               "of itself and every character before it, so each row adds up to 1. The upper triangle "
               "stays empty: no character sees what comes after it. ␣ is a space, ⏎ a line break.")
    st.page_link("app_pages/17_attention.py", label="Chapter 17 · Attention",
                 icon=":material/arrow_forward:")


def talk(checkpoint, *, key: str) -> None:
    model, vocab = checkpoint.model, checkpoint.vocab
    prompt = st.text_input("Prompt", "ROMEO:\n", key=f"{key}.prompt", max_chars=500)
    c1, c2, c3 = st.columns(3)
    temperature = c1.slider("Temperature", 0.0, 2.0, 0.8, 0.05, key=f"{key}.temperature",
                            help="Below 1 sharpens the distribution, above 1 flattens it; 0 is greedy.")
    top_k = c2.slider("Top-k", 0, len(vocab), 0, key=f"{key}.top_k",
                      help="Keep only the k most likely characters (0: keep all).")
    top_p = c3.slider("Top-p", 0.05, 1.0, 0.95, 0.05, key=f"{key}.top_p",
                      help="Keep the most likely characters until their probability adds up to p.")
    if not prompt:
        # the model needs something to continue: a new line, as the samples during training start
        st.caption("An empty prompt: the model starts from a new line, as its samples do.")
    missing = vocab.unknown(prompt)
    if missing:
        st.warning(f"The model never saw these characters: {' '.join(repr(c) for c in missing)}. "
                   "Remove them from the prompt.", icon=":material/abc:")
        return
    stages = filter_stages(prompt_logits(model, vocab, prompt), temperature, top_k or None, top_p)
    survivors = int((stages["top_p"] > 0).sum())
    st.caption(f"Next character: {survivors} of {len(vocab)} characters survive the filters.")
    st.plotly_chart(distribution_figure(stages, vocab), key=f"{key}.bars", width="stretch")
    n = st.slider("Characters to write", 50, 1000, 300, 50, key=f"{key}.n")
    if st.button("Generate", type="primary", key=f"{key}.generate"):
        seed = st.session_state.get(f"{key}.runs", 0)
        st.session_state[f"{key}.runs"] = seed + 1
        with st.spinner("Writing…"):
            st.session_state[f"{key}.text"] = (prompt, prompt + generate(
                model, vocab, prompt or "\n", n, temperature, top_k or None, top_p, seed=seed))
    written = st.session_state.get(f"{key}.text")
    if written and written[0] == prompt:       # text written from another prompt is not this one's
        st.code(written[1], language="text")
    st.divider()
    softmax_view(model, vocab, prompt, temperature, key=f"{key}.softmax")
    attention_view(model, vocab, prompt, key=f"{key}.look")
