import math
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.shell import get_store
from components.typing_trainer import typing_trainer
from core import portable, stats
from core.content import load_chapters
from core.store import StoreError
from core.drills import RECENT, drill_for, weakest

store, user = get_store(), st.session_state["user"]
chapters = load_chapters()

st.title("Progress", anchor=False)
rows = stats.chapter_rows(store, user, chapters)
table = pd.DataFrame([{
    "Chapter": f"{r['number']}. {r['title']}",
    "Solved": r["solved"],
    "Attempts": r["attempts"],
    "Accuracy": None if r["accuracy"] is None else round(100 * r["accuracy"]),
    "Study (min)": r["minutes"],
    "Mastered": r["mastered"],
    "Note (chars)": r["note_chars"],
} for r in rows])
st.dataframe(
    table, hide_index=True, width="stretch", placeholder="—",     # no attempts yet: no accuracy
    column_config={
        "Solved": st.column_config.ProgressColumn("Solved", min_value=0, max_value=10, format="%d / 10"),
        "Accuracy": st.column_config.NumberColumn("Accuracy", format="%d%%"),
        "Mastered": st.column_config.CheckboxColumn("Mastered"),
    },
)

st.header("Activity, last 30 days", anchor=False)
days = stats.daily_activity(store, user, days=30)
fig = go.Figure()
fig.add_bar(x=[d["day"] for d in days], y=[d["minutes"] for d in days], name="Study minutes")
fig.add_scatter(x=[d["day"] for d in days], y=[d["solved"] for d in days], name="Problems solved",
                mode="lines+markers", yaxis="y2")
most_solved = max((d["solved"] for d in days), default=0)
fig.update_layout(
    height=340, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.12),
    yaxis=dict(title="minutes", rangemode="tozero"),
    # problems come whole: ticks at whole numbers, about five of them however many were solved
    yaxis2=dict(title="solved", overlaying="y", side="right", rangemode="tozero", showgrid=False,
                tick0=0, dtick=max(1, math.ceil(most_solved / 5)), tickformat=",d"),
)
st.plotly_chart(fig, width="stretch", key="progress.activity")
if not any(d["minutes"] or d["attempts"] for d in days):
    st.caption("Nothing yet: open a chapter and solve a problem, and your days will show here.")

st.header("Typing: your weakest symbols", anchor=False)
history = store.typing_history(user)
weak = weakest(history, n=10)
if weak:
    def _change(before, recent, fmt):
        if before is None or recent is None:
            return "—"
        return f"{fmt(before)} → {fmt(recent)}"

    pct, ms = (lambda x: f"{x:.0%}"), (lambda x: f"{x:.0f} ms")
    st.dataframe(pd.DataFrame([{
        "Symbol": w.symbol,
        "Tries": w.seen,
        "Error rate": round(100 * w.error_rate, 1),
        "Time per key (ms)": None if w.mean_ms is None else round(w.mean_ms),
        f"Errors: before → last {RECENT}": _change(w.before_error_rate, w.recent_error_rate, pct),
        f"Speed: before → last {RECENT}": _change(w.before_ms, w.recent_ms, ms),
    } for w in weak]), hide_index=True, width="stretch", key="progress.weakest", placeholder="—",
        column_config={"Error rate": st.column_config.NumberColumn("Error rate", format="%.1f%%")})
    st.caption(f"From your last {len(history)} typing attempt{'s' if len(history) != 1 else ''}: each "
               "character and pair of characters, how often you miss it and how long it takes when right. "
               f"The last two columns compare your last {RECENT} attempts with the ones before.")
else:
    st.caption("No weak symbols yet: type a chapter's code (under *In code*) and the characters you miss "
               "or slow down on will show here.")
typing_trainer(None, on_attempt=lambda a: store.record_typing_attempt(user, "progress", a),
               drill=lambda: drill_for(history, [(c.slug, c.code.source) for c in chapters]), key="progress")

with st.expander("Take your progress with you"):
    # Everything kept for you, as one file; importing merges it into your own account only.
    # built when the button is pressed, not on every run of this page
    st.download_button("Download my progress", lambda: portable.dumps(portable.export_user(store, user)),
                       file_name=f"formula-lab-progress-{date.today().isoformat()}.json",
                       mime="application/json", key="progress.download")
    upload = st.file_uploader("Import progress", type="json", key="progress.import_file")
    if st.button("Import", key="progress.import", disabled=upload is None):
        try:
            added = portable.import_user(store, user, portable.parse(upload.getvalue()))
        except (portable.PortableError, StoreError) as exc:
            st.error(str(exc))
        else:
            st.success(portable.summary(added))
