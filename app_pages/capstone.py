"""The capstone: train a tiny transformer on Shakespeare, watch it learn, make it talk."""
import sys
from contextlib import nullcontext

import streamlit as st

KEY = "capstone"
user = st.session_state["user"]

st.markdown('<p class="fl-kicker">Capstone · Chapter 18</p>', unsafe_allow_html=True)
st.title("Train a tiny transformer", anchor=False)

# Loading torch takes seconds the first time; say so instead of showing a blank page.
with st.spinner("Loading PyTorch…") if "torch" not in sys.modules else nullcontext():
    from capstone.device import set_threads
    from components.capstone.checkpoints import checkpoints
    from components.capstone.credits import credits
    from components.capstone.talk import talk
    from components.capstone.training import controls, corpus, describe_corpus, registry, start_run
    from components.capstone.watch import watch

# Training runs in its own process (capstone.job). Here the server only runs the model
# one character at a time for part 4: tiny operations, for which more threads only add
# waiting, and on a busy 2-core machine spinning threads stall each other badly.
set_threads(1)

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
describe_corpus(data)

jobs = registry()
job = jobs.get(user)
running = job is not None and job.is_active()
settings = controls(running=running, key=f"{KEY}.run")
if st.session_state.get(f"{KEY}.run.stop_pressed") and running:
    job.stop(wait=10)
    st.rerun()
if settings:
    start_run(jobs, user, data, settings, earlier=job, key=f"{KEY}.watch")

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
credits()
