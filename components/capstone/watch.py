"""Capstone, part 2: watch the model learn. A live, read-only view of a job's snapshot:
progress, the loss curves (an earlier run's faintly behind) and the samples so far."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from capstone.job import ACTIVE
from capstone.presets import PRESETS

TRAIN, VAL = "#4f46e5", "#f97316"


def _title(preset: str) -> str:
    return PRESETS[preset].title if preset in PRESETS else preset


def remember_run(job, *, key: str) -> None:
    """Keep a run's curves (called before the next run replaces it), to draw them behind."""
    snap = job.snapshot()
    if snap["history"]:
        st.session_state[f"{key}.previous"] = {"title": _title(snap["preset"]), "history": snap["history"]}


def loss_figure(history: list, *, title: str = "", previous: dict | None = None,
                total_steps: int | None = None) -> go.Figure:
    """Train and validation loss per evaluation; an earlier run's curves faintly behind.
    With total_steps the step axis spans the whole run from the start, so the curves grow
    into it (and a lone first point sits on a plain scale from 0, not a zoom onto it)."""
    fig = go.Figure()
    if previous:
        steps = [h[0] for h in previous["history"]]
        for col, name, colour in ((1, "train", TRAIN), (2, "validation", VAL)):
            fig.add_scatter(x=steps, y=[h[col] for h in previous["history"]], mode="lines",
                            name=f"{name} · {previous['title']} (earlier run)", opacity=0.5,
                            line=dict(color=colour, dash="dot", width=2.5), hoverinfo="x+y+name")
    suffix = f" · {title}" if previous and title else ""
    if history:
        steps = [h[0] for h in history]
        fig.add_scatter(x=steps, y=[h[1] for h in history], name=f"train{suffix}", mode="lines+markers",
                        line=dict(color=TRAIN))
        fig.add_scatter(x=steps, y=[h[2] for h in history], name=f"validation{suffix}",
                        mode="lines+markers", line=dict(color=VAL))
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=10, b=10), xaxis_title="step",
                      yaxis_title="loss (nats per character)",
                      legend=dict(orientation="h", yanchor="top", y=-0.25, x=0))   # below: the toolbar sits on top
    if total_steps:
        earlier = [h[0] for h in previous["history"]] if previous else []
        span = max([total_steps, *earlier])
        fig.update_xaxes(range=[-0.02 * span, 1.02 * span])   # a little room for the end markers
        points = [v for h in history for v in h[1:] if v is not None]
        if len(history) == 1 and points and not previous:
            fig.update_yaxes(range=[0, 1.1 * max(points)])
    if not history and not previous:
        # nothing to scale to yet: a character model starts near ln(vocabulary) ≈ 4.2 nats,
        # so 0 to 5 is where the first points will land (Plotly's empty default is −1 to 4)
        fig.update_yaxes(range=[0, 5])
        fig.add_annotation(text="the curves start at the first evaluation", showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper", font=dict(color="#6b7280"))
    return fig


def time_left(snap: dict) -> float | None:
    """Seconds the run still needs: the job's own estimate, else the pace so far."""
    if snap.get("eta_s") is not None:
        return float(snap["eta_s"])
    step, total = snap["step"], snap["total_steps"]
    if snap["status"] != "running" or step <= 0 or step >= total:
        return None
    return snap["elapsed_s"] / step * (total - step)


def describe_left(seconds: float) -> str:
    if seconds < 60:
        return "under a minute left"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {minutes} min left"
    return f"about {minutes // 60} h {minutes % 60:02d} min left"


def progress_view(snap: dict) -> None:
    total = max(1, snap["total_steps"])
    device = (snap.get("device") or {}).get("name", "…")
    status = snap["status"]
    left = time_left(snap) if status == "running" else None
    if left is not None and snap.get("eta_s") is not None and not snap.get("eta_steady", True):
        left_text = " · estimating the time left…"     # too little pace measured to say
    else:
        left_text = f" · {describe_left(left)}" if left is not None else ""
    st.progress(min(1.0, snap["step"] / total),
                text=f"step {snap['step']:,} / {total:,} · {snap['elapsed_s']:.0f} s" + left_text
                     + f" · {snap['tokens_per_s']:,.0f} tokens/s · {device}")
    if status == "running" and snap.get("stopping"):
        st.caption("Stopping after the current step…")
    elif status == "running" and snap.get("device") is None:
        st.caption("Starting the training process (loading torch takes a few seconds)…")
    elif status == "running" and not snap["history"]:
        st.caption("Measuring the untrained model's loss: the curves start there…")
    if status == "diverged":
        st.error(f"The run diverged: {snap.get('error') or 'the loss became NaN or exploded'}. "
                 "That is what a learning rate far too high looks like.", icon=":material/trending_up:")
    elif status == "failed":
        st.error(f"Training stopped with an error: {snap.get('error')}", icon=":material/error:")
    elif status in ("finished", "stopped"):
        last = next((h for h in reversed(snap["history"]) if h[2] is not None), None)
        loss = f" Validation loss {last[2]:.3f}, training loss {last[1]:.3f}." if last else ""
        st.success(f"Training {status} at step {snap['step']:,} after {snap['elapsed_s']:.0f} s.{loss}",
                   icon=":material/check_circle:")


def _all_samples(snap: dict, *, key: str) -> list:
    """Every sample of this run the page has seen, oldest first (the job keeps only recent ones)."""
    run = (snap.get("started_at"), snap["preset"], snap["total_steps"])
    kept = st.session_state.get(f"{key}.samples")
    if kept is None or kept["run"] != run:
        kept = st.session_state[f"{key}.samples"] = {"run": run, "texts": {}}
    kept["texts"].update({int(step): text for step, text in snap["samples"]})
    return sorted(kept["texts"].items())


def sample_view(snap: dict, *, every: int, key: str) -> None:
    """Scrub through the samples; the newest shows unless the learner picked an older one."""
    samples = _all_samples(snap, key=key)
    if not samples:
        st.caption(f"A sample appears every {every:,} steps." if every else "This run writes no samples.")
        return
    steps = [s for s, _ in samples]
    pick, newest = f"{key}.sample_step", f"{key}.sample_newest"
    if st.session_state.get(pick) not in steps or st.session_state.get(pick) == st.session_state.get(newest):
        st.session_state[pick] = steps[-1]          # following the newest
    st.session_state[newest] = steps[-1]
    if len(steps) > 1:
        st.select_slider("Samples so far: drag back to see how the writing grew", steps, key=pick,
                         format_func=lambda s: f"{s:,}")
    step = st.session_state[pick]
    st.caption(f"Sample at step {step:,}" + (" · the newest" if step == steps[-1] and len(steps) > 1 else ""))
    st.code(dict(samples)[step], language="text")


def watch(job, *, key: str) -> None:
    """A live view of the job: refreshes itself while the job runs, then stops polling."""
    was_active = job.is_active()
    previous = st.session_state.get(f"{key}.previous")

    # Training runs in a child process, at a lower priority than the server and the
    # browser, so every redraw here is time the run loses on a small machine. The progress
    # line is cheap and moves every second: every 2 s. The chart and the samples change only
    # at an evaluation or a sample (every 200 steps, tens of seconds apart), and redrawing a
    # Plotly chart is the heaviest work a browser does on this page: every 10 s.
    # The chart's first points come from the step-0 evaluation, which a busy machine can
    # hold back for a while (the run is niced below the server): once they are in, the page
    # is redrawn at once rather than up to 10 s later, so the chart appears with them.
    drawn_empty = not job.snapshot()["history"]

    @st.fragment(run_every=2.0 if was_active else None)
    def _progress():
        snap = job.snapshot()
        progress_view(snap)
        if was_active and snap["status"] not in ACTIVE:
            st.rerun(scope="app")          # finished: redraw the page once, without polling
        if was_active and drawn_empty and snap["history"]:
            st.rerun(scope="app")          # the first evaluation is in: draw the curves now

    @st.fragment(run_every=10.0 if was_active else None)
    def _curves():
        snap = job.snapshot()
        figure = loss_figure(snap["history"], title=_title(snap["preset"]), previous=previous,
                             total_steps=snap["total_steps"])
        st.plotly_chart(figure, key=f"{key}.loss", width="stretch")
        if previous:
            st.caption(f"Dotted, faint: the earlier run ({previous['title']}), for comparison.")
        sample_view(snap, every=job.cfg.sample_interval, key=key)

    _progress()
    _curves()
