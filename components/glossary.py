"""Every symbol of the formula; symbols met earlier link back to their chapter."""
from __future__ import annotations

import streamlit as st

from core.content import Chapter, load_chapters


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def glossary(chapter: Chapter, *, key: str) -> None:
    by_number = {c.number: c for c in load_chapters()}
    lines = ["| Symbol | Name | Meaning | Say it | First seen |", "|:---:|---|---|---|---|"]
    for sym in chapter.glossary:
        seen = f"Ch. {sym.first_seen}" if sym.first_seen else "new here"
        lines.append(f"| ${_cell(sym.latex)}$ | {_cell(sym.name)} | {_cell(sym.meaning)} | "
                     f"*{_cell(sym.spoken)}* | {seen} |")
    st.markdown("\n".join(lines))
    earlier = sorted({s.first_seen for s in chapter.glossary if s.first_seen})
    if earlier:
        cols = st.columns(min(len(earlier), 3))
        for i, number in enumerate(earlier):
            ch = by_number[number]
            cols[i % len(cols)].page_link(ch.page_file, label=f"First seen in Ch. {number}: {ch.title}",
                                          icon=":material/undo:")
