"""Capstone, part 5: the credits. Every line of capstone/*.py, the learning engine first."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

FOLDER = Path(__file__).resolve().parents[2] / "capstone"
# The learning engine, in reading order; every other file of capstone/ is plumbing.
ENGINE = ["prepare.py", "model.py", "optim.py", "train.py", "sample.py"]


def _listing(names: list, files: dict, lines: dict) -> None:
    for name in names:
        with st.expander(f"`capstone/{name}` · {lines[name]} lines"):
            st.code(files[name], language="python", line_numbers=True)


def credits() -> None:
    """The code listing of capstone/, each file with its line count: the engine, then the plumbing."""
    files = {f.name: f.read_text(encoding="utf-8") for f in sorted(FOLDER.glob("*.py"))}
    lines = {name: len(text.splitlines()) for name, text in files.items()}
    engine = [name for name in ENGINE if name in files]
    plumbing = [name for name in files if name not in engine]
    st.markdown(f"**The learning engine: {sum(lines[n] for n in engine):,} lines** of Python in {len(engine)} files "
                "(data, model, optimiser, training loop, sampling). Everything the model does is in here: read it.")
    _listing(engine, files, lines)
    st.markdown(f"**The plumbing: {sum(lines[n] for n in plumbing):,} lines** in {len(plumbing)} files, which "
                "run the engine for this page: background jobs and their worker process, the checkpoint "
                "format, devices, presets, and the look inside the model above.")
    _listing(plumbing, files, lines)
