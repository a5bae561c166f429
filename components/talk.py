"""Capstone, part 4: make it talk. Temperature, top-k and top-p, and what each one keeps."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from capstone.sample import filter_stages, generate, prompt_logits

SHOWN = 24   # characters in the bar chart


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
                      legend=dict(orientation="h", y=1.15), xaxis=dict(type="category"))
    return fig


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
            st.session_state[f"{key}.text"] = prompt + generate(
                model, vocab, prompt, n, temperature, top_k or None, top_p, seed=seed)
    if text := st.session_state.get(f"{key}.text"):
        st.code(text, language="text")
