"""The chapter figures: one module per figure, registered under the chapter's `interactive` name.

`figure(chapter, values, key=slug)` draws the figure for ``chapter.interactive``. ``values`` are the
learner's plugged-in inputs by name (number → float, vector → list, matrix → list of lists); a
figure's own controls follow them when they change, and fall back to the figure's defaults when a
value is absent. Shared drawing pieces live in `_plot`, shared controls in `_controls`.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from components.figures import (attention, chain_rule, cosine, cross_entropy, determinant,
                                dot_product, eigen, gradient_descent, matmul, matvec, mse, relu,
                                sigmoid, softmax, unit_vector, vector_add, vector_norm)

_CSS = (Path(__file__).parent / "figures.css").read_text(encoding="utf-8")

FIGURES = {
    "vector_add": vector_add.render, "vector_norm": vector_norm.render,
    "unit_vector": unit_vector.render, "dot_product": dot_product.render, "cosine": cosine.render,
    "matvec": matvec.render, "matmul": matmul.render, "determinant": determinant.render,
    "eigen": eigen.render, "sigmoid": sigmoid.render, "relu": relu.render,
    "softmax": softmax.render, "mse": mse.render, "cross_entropy": cross_entropy.render,
    "gradient_descent": gradient_descent.render, "chain_rule": chain_rule.render,
    "attention": attention.render,
}


def figure(chapter, values: dict, *, key: str) -> None:
    """Draw ``chapter``'s interactive figure, driven by the plugged-in ``values``."""
    st.html(f"<style>{_CSS}</style>")
    with st.container(key=f"fl-figure-{chapter.slug}"):
        FIGURES[chapter.interactive](values or {}, key=f"{key}.figure")
