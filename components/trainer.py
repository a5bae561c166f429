"""Capstone, parts 1–2: pick the text, press start, and watch the model learn.

The training itself runs in capstone.job (a child process, no Streamlit);
this module only draws controls and a live, read-only view of a job snapshot.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from capstone.job import ACTIVE
from capstone.prepare import CorpusError, Dataset, download_text, load_dataset, prepare, text_from_upload
from capstone.presets import PRESETS, make_config

DEVICES = ["auto", "cpu", "cuda", "mps"]


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
    seed = c1.number_input("Seed", min_value=0, max_value=2**31 - 1, value=1337, step=1, key=f"{key}.seed")
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
        return {"seed": int(seed), "preset": preset, "device": device, "max_iters": int(steps)}
    return None


def loss_figure(history: list) -> go.Figure:
    fig = go.Figure()
    if history:
        steps = [h[0] for h in history]
        fig.add_scatter(x=steps, y=[h[1] for h in history], name="train", mode="lines+markers")
        fig.add_scatter(x=steps, y=[h[2] for h in history], name="validation", mode="lines+markers")
    fig.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="step",
                      yaxis_title="loss (nats per character)", legend=dict(orientation="h", y=1.12))
    return fig


def progress_view(snap: dict) -> None:
    total = max(1, snap["total_steps"])
    device = (snap.get("device") or {}).get("name", "…")
    st.progress(min(1.0, snap["step"] / total),
                text=f"step {snap['step']:,} / {total:,} · {snap['elapsed_s']:.0f} s · "
                     f"{snap['tokens_per_s']:,.0f} tokens/s · {device}")
    status = snap["status"]
    if status == "running" and snap.get("stopping"):
        st.caption("Stopping after the current step…")
    elif status == "running" and snap.get("device") is None:
        st.caption("Starting the training process (loading torch takes a few seconds)…")
    if status == "diverged":
        st.error(f"The run diverged: {snap.get('error') or 'the loss became NaN or exploded'}. "
                 "That is what a learning rate far too high looks like.", icon=":material/trending_up:")
    elif status == "failed":
        st.error(f"Training stopped with an error: {snap.get('error')}", icon=":material/error:")
    elif status in ("finished", "stopped"):
        st.success(f"Training {status} at step {snap['step']:,}.", icon=":material/check_circle:")


def watch(job, *, key: str) -> None:
    """A live view of the job: refreshes itself while the job runs, then stops polling."""
    was_active = job.is_active()

    # Training runs in a child process; every redraw here is work for the server's own
    # core (and its Plotly chart is the largest message a page sends): every 2 s is enough.
    @st.fragment(run_every=2.0 if was_active else None)
    def _live():
        snap = job.snapshot()
        progress_view(snap)
        st.plotly_chart(loss_figure(snap["history"]), key=f"{key}.loss", width="stretch")
        if snap["samples"]:
            step, text = snap["samples"][-1]
            st.caption(f"Sample at step {step:,}")
            st.code(text, language="text")
        else:
            st.caption("A sample appears every 200 steps.")
        if was_active and snap["status"] not in ACTIVE:
            st.rerun(scope="app")          # finished: redraw the page once, without polling

    _live()
