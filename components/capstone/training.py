"""Capstone, part 1: pick the text, choose the settings, press start.

The training itself runs in capstone.job (a child process, no Streamlit); this module
draws the controls and starts a job in the page's registry. Part 2, the live view of
the job, is components.capstone.watch.
"""
from __future__ import annotations

import os

import streamlit as st

from capstone.corpus import CorpusError, download_text, text_from_upload
from capstone.device import describe_device, pick_device
from capstone.job import JobRefused, JobRegistry, job_threads
from capstone.prepare import Dataset, load_dataset, prepare
from capstone.presets import PRESETS, make_config
from capstone.train import seed_from_text
from components.capstone.watch import remember_run

DEVICES = ["auto", "cpu", "cuda", "mps"]


@st.cache_resource
def registry() -> JobRegistry:
    """Every session's training jobs, so a reloaded page finds its run again."""
    return JobRegistry(max_running=int(os.environ.get("FORMULA_LAB_MAX_JOBS", "2")),
                       idle_stop_s=float(os.environ.get("FORMULA_LAB_IDLE_STOP_S", "600")))


@st.cache_resource(show_spinner="Reading the corpus…")
def _local_dataset() -> Dataset:
    return load_dataset(download=False)


def _bring_text(*, key: str) -> None:
    """Another text to train on: downloaded from a web address or uploaded."""
    left, right = st.columns(2)
    url = left.text_input("Download a plain-text file", placeholder="https://…", key=f"{key}.url")
    if left.button("Download", key=f"{key}.download", disabled=not url):
        bar = left.progress(0.0, text="Downloading…")
        try:
            text = download_text(url.strip(), progress=lambda done, total: bar.progress(
                min(1.0, done / total) if total else 0.5, text=f"{done / 1e6:.2f} MB"))
            st.session_state[f"{key}.other"] = (url.strip(), prepare(text))
            st.rerun()
        except CorpusError as err:
            left.error(str(err))
    file = right.file_uploader("…or upload one", type=["txt"], key=f"{key}.file")
    if file is not None and st.session_state.get(f"{key}.other", ("",))[0] != file.name:
        try:
            st.session_state[f"{key}.other"] = (file.name, prepare(text_from_upload(file.getvalue())))
        except CorpusError as err:
            right.error(str(err))


def corpus(*, key: str) -> Dataset | None:
    """The training text: tiny Shakespeare (it ships with the app), or a text the learner brings."""
    with st.expander("Train on another text"):
        _bring_text(key=key)
        if st.session_state.get(f"{key}.other") and st.button(
                "Back to tiny Shakespeare", key=f"{key}.reset"):
            del st.session_state[f"{key}.other"]
            st.rerun()
    if other := st.session_state.get(f"{key}.other"):
        st.caption(f"Training on **{other[0]}** instead of tiny Shakespeare.")
        return other[1]
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
    steps = st.slider("Training steps", 50, 10_000, make_config(preset).max_iters, step=50,
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
        st.caption(f"{len(data.vocab)} characters in the vocabulary · {len(data.train):,} training and "
                   f"{len(data.val):,} validation characters · training on: {info['name']}")
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
