"""Capstone, part 1: pick the text, choose the settings, press start.

The training itself runs in capstone.job (a child process, no Streamlit); this module
draws the controls and starts a job in the page's registry. Part 2, the live view of
the job, is components.capstone.watch.
"""
from __future__ import annotations

import hashlib
import math
import os

import streamlit as st

from capstone.corpus import (MAX_TEXT_BYTES, TEXT_TOO_LONG, CorpusError, download_text,
                             text_from_upload)
from capstone.device import describe_device, pick_device
from capstone.job import MAX_STEPS, JobRefused, JobRegistry, job_threads
from capstone.prepare import Dataset, load_dataset, prepare
from capstone.presets import PRESETS, make_config
from capstone.train import seed_from_text
from components.capstone.watch import remember_run

DEVICES = ["auto", "cpu", "cuda", "mps"]
MAX_SHARED_TEXTS = 8     # brought texts kept prepared, for all sessions: at most 8 x 10 MB
MAX_URL_CHARS = 2_000    # longer than any address a learner would type


@st.cache_resource
def registry() -> JobRegistry:
    """Every session's training jobs, so a reloaded page finds its run again."""
    return JobRegistry(max_running=int(os.environ.get("FORMULA_LAB_MAX_JOBS", "2")),
                       idle_stop_s=float(os.environ.get("FORMULA_LAB_IDLE_STOP_S", "600")))


@st.cache_resource(show_spinner="Reading the corpus…")
def _local_dataset() -> Dataset:
    return load_dataset(download=False)


def _keep(name: str, text: str, *, key: str) -> None:
    """Prepare a brought text into the shared cache; the session keeps only its name and hash."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    _brought_dataset(digest, text)
    st.session_state[f"{key}.other"] = (name, digest)


@st.cache_resource(max_entries=MAX_SHARED_TEXTS, show_spinner="Preparing the text…")
def _brought_dataset(digest: str, _text: str | None = None) -> Dataset:
    """A text a learner brought, prepared once for every session that brings the same text
    (keyed by its SHA-256, so the text itself is not hashed again). At most MAX_SHARED_TEXTS
    are kept; asked for one that was set aside (no text given), it raises, which is not cached."""
    if _text is None:
        raise CorpusError("that text is no longer prepared")
    return prepare(_text)


def _brought(digest: str) -> Dataset | None:
    """The prepared text under `digest`, or None if it was set aside to make room."""
    try:
        return _brought_dataset(digest)
    except CorpusError:
        return None


def _progress_bar(bar):
    """progress(done, total) for download_text: a fraction in 0..1 whatever the server announced."""
    def progress(done: int, total: int | None) -> None:
        fraction = min(1.0, max(0.0, done / total)) if total and total > 0 else 0.5
        bar.progress(fraction, text=f"{done / 1e6:.2f} MB")
    return progress


def _bring_text(*, key: str) -> None:
    """Another text to train on: downloaded from a web address or uploaded."""
    left, right = st.columns(2)
    url = left.text_input("Download a plain-text file", placeholder="https://…", key=f"{key}.url",
                          max_chars=MAX_URL_CHARS)
    if left.button("Download", key=f"{key}.download", disabled=not url):
        bar = left.progress(0.0, text="Downloading…")
        try:
            text = download_text(url.strip(), progress=_progress_bar(bar))
            _keep(url.strip(), text, key=key)
            st.rerun()
        except CorpusError as err:
            bar.empty()
            left.error(str(err))
    file = right.file_uploader("…or upload one", type=["txt"], key=f"{key}.file",
                               max_upload_size=math.ceil(MAX_TEXT_BYTES / 2**20))
    if file is not None and st.session_state.get(f"{key}.other", ("",))[0] != file.name:
        try:
            if file.size > MAX_TEXT_BYTES:   # before reading a byte of it
                raise CorpusError(TEXT_TOO_LONG)
            _keep(file.name, text_from_upload(file.getvalue()), key=key)
        except CorpusError as err:
            right.error(str(err))


def corpus(*, key: str) -> Dataset | None:
    """The training text: tiny Shakespeare (it ships with the app), or a text the learner brings."""
    lost = None
    if (other := st.session_state.get(f"{key}.other")) and _brought(other[1]) is None:
        del st.session_state[f"{key}.other"]   # set aside to make room: an upload still there returns
        lost = other[0]
    with st.expander("Train on another text"):
        _bring_text(key=key)
        if st.session_state.get(f"{key}.other") and st.button(
                "Back to tiny Shakespeare", key=f"{key}.reset"):
            del st.session_state[f"{key}.other"]
            st.rerun()
    if (other := st.session_state.get(f"{key}.other")) and (data := _brought(other[1])) is not None:
        st.caption(f"Training on **{other[0]}** instead of tiny Shakespeare.")
        return data
    if lost:
        st.warning(f"The server set **{lost}** aside to make room for other texts: bring it again "
                   "to train on it.", icon=":material/menu_book:")
    try:
        return _local_dataset()
    except CorpusError as exc:
        st.warning(f"The tiny-Shakespeare text could not be read: {exc}", icon=":material/menu_book:")
        return None


def controls(*, running: bool, key: str) -> dict | None:
    """Seed, preset, device and length. Returns the chosen settings when Start is pressed."""
    c1, c2, c3 = st.columns([1, 2, 1])
    seed_text = c1.text_input("Seed", "1337", max_chars=100, key=f"{key}.seed",
                              help="Any text: the same text gives the same run.")
    seed = seed_from_text(seed_text)
    c1.caption(f"Seed used: **{seed}**")
    preset = c2.selectbox("Preset", list(PRESETS), format_func=lambda p: PRESETS[p].title, key=f"{key}.preset")
    device = c3.selectbox("Device", DEVICES, key=f"{key}.device",
                          help="auto picks CUDA, then Apple MPS, then the CPU")
    steps = st.slider("Training steps", 50, MAX_STEPS, make_config(preset).max_iters, step=50,
                      key=f"{key}.steps.{preset}", help="The preset's own length is the default.")
    st.caption(f"**What to look for:** {PRESETS[preset].look_for}")
    start, stop = st.columns(2)
    go_now = start.button("Start training", type="primary", disabled=running, key=f"{key}.start",
                          width="stretch")
    st.session_state[f"{key}.stop_pressed"] = stop.button("Stop", disabled=not running, key=f"{key}.stop",
                                                          width="stretch")
    if go_now:
        return {"seed": seed, "preset": preset, "device": device, "max_iters": int(steps)}
    return None


def describe_corpus(data: Dataset) -> None:
    """The text's size, and the device a run started here would train on."""
    try:
        # the threads a run started here will use (the page's own process keeps to one)
        info = describe_device(pick_device("auto"), threads=job_threads())
        st.caption(f"{len(data.vocab)} characters in the vocabulary · {len(data.train_ids):,} training and "
                   f"{len(data.val_ids):,} validation characters · training on: {info['name']}")
    except RuntimeError:
        pass


def start_run(jobs: JobRegistry, user: str, data: Dataset, settings: dict, *, earlier, key: str) -> None:
    """Start a job with the chosen settings (the earlier run's curves stay, faintly, in the
    view under `key`), or say why it could not start."""
    try:
        cfg = make_config(settings["preset"], seed=settings["seed"], device=settings["device"],
                          max_iters=settings["max_iters"])
        pick_device(cfg.device)
        jobs.start(user, cfg, data)
        if earlier is not None:
            remember_run(earlier, key=key)  # its curves stay, faintly, behind the new ones
        st.rerun()
    except (JobRefused, RuntimeError, ValueError) as exc:
        st.error(str(exc))
