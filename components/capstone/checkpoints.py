"""Capstone, part 3: save, download, upload and load a checkpoint (safetensors only)."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime
from pathlib import Path

import streamlit as st

from capstone.checkpoint import CheckpointError, load_checkpoint

SAVE_DIR = Path(__file__).resolve().parents[2] / "data" / "checkpoints"


def _folder(user: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:60] + "-" + hashlib.sha1(user.encode()).hexdigest()[:8]
    return SAVE_DIR / safe


@st.cache_resource(max_entries=16, show_spinner=False)
def _load(data: bytes):
    return load_checkpoint(data)


def use_bytes(data: bytes, *, key: str, source: str) -> None:
    try:
        _load(data)                    # validates (and caches) before it is used
    except CheckpointError as exc:
        st.session_state[f"{key}.error"] = f"{source}: {exc}"
        return
    st.session_state[f"{key}.active"] = (data, source)
    st.session_state.pop(f"{key}.error", None)


def checkpoints(new_bytes: bytes | None, *, user: str, key: str):
    """Offer the latest run's weights; returns the Checkpoint to talk with, or None."""
    if new_bytes is not None and st.session_state.get(f"{key}.last_new") != hashlib.sha1(new_bytes).hexdigest():
        st.session_state[f"{key}.last_new"] = hashlib.sha1(new_bytes).hexdigest()
        use_bytes(new_bytes, key=key, source="this run")
    active = st.session_state.get(f"{key}.active")
    c1, c2 = st.columns(2)
    if active is not None:
        data, source = active
        c1.download_button("Download checkpoint (.safetensors)", data, file_name="formula-lab-gpt.safetensors",
                           mime="application/octet-stream", key=f"{key}.download", width="stretch")
        if c2.button("Save on this server", key=f"{key}.save", width="stretch"):
            folder = _folder(user)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{datetime.now():%Y%m%d-%H%M%S}.safetensors"
            path.write_bytes(data)
            st.toast(f"Saved as {path.name}")
        st.caption(f"In use: the model from {source} ({len(data) / 1024:.0f} KB).")
    saved = sorted(_folder(user).glob("*.safetensors"), reverse=True)[:10]
    if saved:
        choice = st.selectbox("Your saved checkpoints", saved, format_func=lambda p: p.stem, key=f"{key}.saved")
        if st.button("Load this one", key=f"{key}.load_saved"):
            use_bytes(choice.read_bytes(), key=key, source=f"saved {choice.stem}")
            st.rerun()
    upload = st.file_uploader("Load a checkpoint file", type=["safetensors"], key=f"{key}.upload")
    if upload is not None and st.session_state.get(f"{key}.upload_seen") != upload.file_id:
        st.session_state[f"{key}.upload_seen"] = upload.file_id
        use_bytes(upload.getvalue(), key=key, source=f"upload {upload.name}")
        st.rerun()
    if err := st.session_state.get(f"{key}.error"):
        st.error(f"That checkpoint was refused. {err}", icon=":material/block:")
    active = st.session_state.get(f"{key}.active")
    return _load(active[0]) if active else None
