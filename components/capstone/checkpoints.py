"""Capstone, part 3: save, download, upload and load a checkpoint (safetensors only).

The loaded model lives in this learner's session, one at a time: the active checkpoint's,
keyed by its SHA-256 and replaced when another is chosen. Nothing is cached across
sessions, so one learner's files never hold memory on another's behalf."""
from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from datetime import datetime
from pathlib import Path

import streamlit as st

from capstone.checkpoint import MAX_BYTES, CheckpointError, load_checkpoint

SAVE_DIR = Path(__file__).resolve().parents[2] / "data" / "checkpoints"
MAX_SAVED = 3               # files kept per learner on the server; a new one replaces the oldest
MAX_SAVE_BYTES = MAX_BYTES  # no file larger than a checkpoint this app would load
_SAVING = threading.Lock()  # one learner's two tabs: one save or delete at a time


def _folder(user: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", user)[:60] + "-" + hashlib.sha1(user.encode()).hexdigest()[:8]
    return SAVE_DIR / safe


def saved_files(user: str) -> list[Path]:
    """The learner's saved checkpoints, newest first (a file another tab removes meanwhile is left out)."""
    found = []
    for path in _folder(user).glob("*.safetensors"):
        try:
            found.append((path.stat().st_mtime_ns, path.name, path))
        except FileNotFoundError:
            continue
    return [path for *_, path in sorted(found, reverse=True)]


def save_checkpoint_file(data: bytes, user: str) -> tuple[Path, list[Path], bool]:
    """Keep `data` in the learner's folder, which holds at most MAX_SAVED files: the oldest
    make room. Returns (the file, the files it replaced, whether it was saved already):
    the same bytes saved twice are one file."""
    if len(data) > MAX_SAVE_BYTES:
        raise CheckpointError(f"a checkpoint of {len(data) / 2**20:.1f} MB is more than this server "
                              f"keeps (at most {MAX_SAVE_BYTES / 2**20:.0f} MB)")
    digest = hashlib.sha256(data).hexdigest()
    with _SAVING:
        folder = _folder(user)
        folder.mkdir(parents=True, exist_ok=True)
        saved = saved_files(user)
        for path in saved:
            if path.stem.endswith(digest[:12]) and path.read_bytes() == data:
                return path, [], True
        replaced = saved[MAX_SAVED - 1:]
        for path in replaced:
            path.unlink(missing_ok=True)
        path = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{digest[:12]}.safetensors"
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        # newest by its time, even where the clock's tick is coarser than two saves
        newest = max((p.stat().st_mtime_ns for p in saved if p.exists()), default=0)
        stamp = max(time.time_ns(), newest + 1)
        os.utime(tmp, ns=(stamp, stamp))
        tmp.replace(path)
    return path, replaced, False


def delete_checkpoint_file(path: Path, user: str) -> bool:
    """Remove one of the learner's saved files (only ever one in their own folder)."""
    if path.parent != _folder(user) or path.suffix != ".safetensors":
        return False
    with _SAVING:
        path.unlink(missing_ok=True)
    return True


def use_bytes(data: bytes, *, key: str, source: str) -> None:
    """Load `data` as this session's model, unless it is the one already loaded; on a
    refusal the model in use stays."""
    digest = hashlib.sha256(data).hexdigest()
    held = st.session_state.get(f"{key}.model")
    if held is None or held[0] != digest:
        try:
            checkpoint = load_checkpoint(data)     # validates before anything is built
        except CheckpointError as exc:
            st.session_state[f"{key}.error"] = f"{source}: {exc}"
            return
        st.session_state[f"{key}.model"] = (digest, checkpoint)   # the one model this session holds
    st.session_state[f"{key}.active"] = (data, source)
    st.session_state.pop(f"{key}.error", None)


def _save(data: bytes, user: str, key: str) -> None:
    try:
        path, replaced, already = save_checkpoint_file(data, user)
    except CheckpointError as exc:
        st.session_state[f"{key}.note"] = f"Not saved: {exc}"
        return
    if already:
        note = f"This checkpoint is saved already, as {path.stem}."
    else:
        note = f"Saved as {path.stem}."
        if replaced:
            note += (f" You keep at most {MAX_SAVED} checkpoints on this server, so it replaced "
                     f"the oldest: {', '.join(p.stem for p in replaced)}.")
    st.session_state[f"{key}.note"] = note


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
        if c2.button("Save on this server", key=f"{key}.save", width="stretch",
                     help=f"You keep up to {MAX_SAVED} checkpoints here; a new one replaces the oldest."):
            _save(data, user, key)
        st.caption(f"In use: the model from {source} ({len(data) / 1024:.0f} KB).")
    saved = saved_files(user)
    if saved:
        choice = st.selectbox(f"Your saved checkpoints ({len(saved)} of {MAX_SAVED})", saved,
                              format_func=lambda p: p.stem, key=f"{key}.saved")
        c1, c2 = st.columns(2)
        if c1.button("Load this one", key=f"{key}.load_saved", width="stretch"):
            try:
                size = choice.stat().st_size
            except FileNotFoundError:
                size = None
            if size is None:
                st.session_state[f"{key}.error"] = f"saved {choice.stem}: the file is gone"
            elif size > MAX_BYTES:
                st.session_state[f"{key}.error"] = (f"saved {choice.stem}: the file is larger than "
                                                    f"{MAX_BYTES / 2**20:.0f} MB, more than this app loads")
            else:
                use_bytes(choice.read_bytes(), key=key, source=f"saved {choice.stem}")
            st.rerun()
        if c2.button("Delete this one", key=f"{key}.delete_saved", width="stretch"):
            if delete_checkpoint_file(choice, user):
                st.session_state[f"{key}.note"] = f"Deleted {choice.stem}."
            st.rerun()
    if note := st.session_state.pop(f"{key}.note", None):
        st.info(note, icon=":material/save:")
    upload = st.file_uploader("Load a checkpoint file", type=["safetensors"], key=f"{key}.upload")
    if upload is not None and st.session_state.get(f"{key}.upload_seen") != upload.file_id:
        st.session_state[f"{key}.upload_seen"] = upload.file_id
        if upload.size > MAX_BYTES:            # refused before its bytes are used
            st.session_state[f"{key}.error"] = (f"upload {upload.name}: the file is larger than "
                                                f"{MAX_BYTES / 2**20:.0f} MB, more than this app loads")
        else:
            use_bytes(upload.getvalue(), key=key, source=f"upload {upload.name}")
        st.rerun()
    if err := st.session_state.get(f"{key}.error"):
        st.error(f"That checkpoint was refused. {err}", icon=":material/block:")
    held = st.session_state.get(f"{key}.model")
    return held[1] if held and st.session_state.get(f"{key}.active") else None
