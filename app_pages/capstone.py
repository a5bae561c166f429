"""The capstone: train a tiny transformer on Shakespeare, watch it learn, make it talk."""
import os
import sys
from contextlib import nullcontext
from pathlib import Path

import streamlit as st

KEY = "capstone"
# The learning engine, in reading order; every other file of capstone/ is plumbing.
ENGINE = ["prepare.py", "model.py", "optim.py", "train.py", "sample.py"]
user = st.session_state["user"]

st.markdown('<p class="fl-kicker">Capstone · Chapter 18</p>', unsafe_allow_html=True)
st.title("Train a tiny transformer", anchor=False)

# Loading torch takes seconds the first time; say so instead of showing a blank page.
with st.spinner("Loading PyTorch…") if "torch" not in sys.modules else nullcontext():
    from capstone.device import describe_device, pick_device, set_threads
    from capstone.job import JobRefused, JobRegistry, job_threads
    from capstone.presets import make_config
    from components.checkpoints import checkpoints
    from components.talk import talk
    from components.trainer import controls, corpus, remember_run, watch

# Training runs in its own process (capstone.job). Here the server only runs the model
# one character at a time for part 4: tiny operations, for which more threads only add
# waiting, and on a busy 2-core machine spinning threads stall each other badly.
set_threads(1)


@st.cache_resource
def registry() -> JobRegistry:
    """Every session's training jobs, so a reloaded page finds its run again."""
    return JobRegistry(max_running=int(os.environ.get("FORMULA_LAB_MAX_JOBS", "2")),
                       idle_stop_s=float(os.environ.get("FORMULA_LAB_IDLE_STOP_S", "600")))


st.markdown(
    "Four layers, four heads, 64-dimensional embeddings and a 64-character context: a "
    "character-level GPT of about 209,000 parameters. It trains here, on this machine's CPU "
    "or GPU, on the complete works of tiny Shakespeare, and every formula of the chapters is "
    "inside it: matrix products, softmax, cross-entropy, gradient descent, the chain rule, attention."
)

st.header("1 · Press start", anchor=False)
data = corpus(key=f"{KEY}.corpus")
if data is None:
    st.stop()
try:
    # the threads a run started here will use (this process itself keeps to one)
    info = describe_device(pick_device("auto"), threads=job_threads())
    st.caption(f"{len(data.vocab)} characters in the vocabulary · {len(data.train):,} training and "
               f"{len(data.val):,} validation characters · training on: {info['name']}")
except RuntimeError:
    pass

jobs = registry()
job = jobs.get(user)
running = job is not None and job.is_active()
settings = controls(running=running, key=f"{KEY}.run")
if st.session_state.get(f"{KEY}.run.stop_pressed") and running:
    job.stop(wait=10)
    st.rerun()
if settings:
    try:
        cfg = make_config(settings["preset"], seed=settings["seed"], device=settings["device"],
                          max_iters=settings["max_iters"])
        pick_device(cfg.device)
        earlier, job = job, jobs.start(user, cfg, data)
        if earlier is not None:
            remember_run(earlier, key=f"{KEY}.watch")  # its curves stay, faintly, behind the new ones
        st.rerun()
    except (JobRefused, RuntimeError, ValueError) as exc:
        st.error(str(exc))

st.header("2 · Watch it learn", anchor=False)
if job is None:
    st.caption("Press start: the loss curves and samples appear here as the model trains.")
else:
    watch(job, key=f"{KEY}.watch")

st.header("3 · Your checkpoint", anchor=False)
checkpoint = checkpoints(job.checkpoint_bytes() if job and not job.is_active() else None,
                         user=user, key=f"{KEY}.ckpt")

st.header("4 · Make it talk", anchor=False)
if checkpoint is None:
    st.caption("Finish or stop a run, or load a checkpoint, and the model will write here.")
else:
    talk(checkpoint, key=f"{KEY}.talk")

st.header("5 · The credits", anchor=False)
folder = Path(__file__).resolve().parent.parent / "capstone"
files = {f.name: f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.py"))}
lines = {name: len(text.splitlines()) for name, text in files.items()}
engine = [name for name in ENGINE if name in files]
plumbing = [name for name in files if name not in engine]


def credits(names: list) -> None:
    for name in names:
        with st.expander(f"`capstone/{name}` · {lines[name]} lines"):
            st.code(files[name], language="python", line_numbers=True)


st.markdown(f"**The learning engine: {sum(lines[n] for n in engine):,} lines** of Python in {len(engine)} files "
            "(data, model, optimiser, training loop, sampling). Everything the model does is in here: read it.")
credits(engine)
st.markdown(f"**The plumbing: {sum(lines[n] for n in plumbing):,} lines** in {len(plumbing)} files, which "
            "run the engine for this page: background jobs and their worker process, the checkpoint "
            "format, devices, presets, and the look inside the model above.")
credits(plumbing)
