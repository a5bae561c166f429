"""Every symbol of the formula, each with a Hear it; symbols met earlier link back.

A table on wide screens (one row of columns per symbol under a header row); on a
phone the columns stack and each symbol reads as a compact card (style.css).
"""
from __future__ import annotations

import html

import streamlit as st

from components.voice import hear_it
from core.content import Chapter, load_chapters

# The symbol column holds the widest symbol (\text{Attention}, about 100 px) at desktop width.
WIDTHS = [1.2, 1.5, 2.8, 2.2, 1.1]
HEADERS = ["Symbol", "Name", "Meaning", "Say it", "First seen"]
# Text a screen reader reads but the eye does not see (the usual visually-hidden recipe).
_UNSEEN = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
           "clip:rect(0,0,0,0);white-space:nowrap;border:0")


def _label(text: str) -> str:
    """A cell's heading, shown only when the columns stack (phone width)."""
    return f'<span class="fl-gl-label">{text}</span>'


def _symbol(latex: str) -> str:
    """The symbol cell: the symbol, then an unseen ": " so that read aloud (or as text) the symbol
    and its name stay two words, "Attention: attention output", not "Attentionattention output"."""
    return f'${latex}$<span style="{_UNSEEN}">: </span>'


def glossary(chapter: Chapter, *, key: str) -> None:
    by_number = {c.number: c for c in load_chapters()}
    with st.container(key=f"fl-gl-head-{key}"):
        for col, head in zip(st.columns(WIDTHS, vertical_alignment="bottom"), HEADERS):
            col.markdown(f'<span class="fl-gl-head">{head}</span>', unsafe_allow_html=True)
    for i, sym in enumerate(chapter.glossary):
        seen = f"Ch. {sym.first_seen}" if sym.first_seen else "new here"
        with st.container(key=f"fl-gl-row-{key}-{i}"):
            c_sym, c_name, c_mean, c_say, c_seen = st.columns(WIDTHS, vertical_alignment="center")
            c_sym.markdown(_symbol(sym.latex), unsafe_allow_html=True)
            c_name.markdown(f"{_label('Name')}**{html.escape(sym.name)}**", unsafe_allow_html=True)
            c_mean.markdown(f"{_label('Meaning')}{html.escape(sym.meaning)}", unsafe_allow_html=True)
            with c_say, st.container(horizontal=True, vertical_alignment="center", gap="small"):
                st.markdown(f"{_label('Say it')}<em>{html.escape(sym.spoken)}</em>", unsafe_allow_html=True,
                            width="content")
                hear_it(sym.spoken, key=f"{key}.glossary.hear.{i}")
            c_seen.markdown(f"{_label('First seen')}{seen}", unsafe_allow_html=True)
    earlier = sorted({s.first_seen for s in chapter.glossary if s.first_seen})
    if earlier:
        # One row that wraps, each link as wide as its label: a link never cut to "Matrix–Vector Produ…"
        # (a page link does not wrap its label, so the label stays short: the row says "First seen in").
        with st.container(horizontal=True, vertical_alignment="center", gap="small", key=f"fl-gl-seen-{key}"):
            st.markdown("First seen in", width="content")
            for number in earlier:
                ch = by_number[number]
                st.page_link(ch.page_file, label=f"Ch. {number}: {ch.title}", icon=":material/undo:",
                             width="content")
