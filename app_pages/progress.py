import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.shell import get_store
from core import stats
from core.content import load_chapters

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
    table, hide_index=True, width="stretch",
    column_config={
        "Solved": st.column_config.ProgressColumn("Solved", min_value=0, max_value=10, format="%d / 10"),
        "Accuracy": st.column_config.NumberColumn("Accuracy", format="%d%%"),
        "Mastered": st.column_config.CheckboxColumn("Mastered"),
    },
)

st.subheader("Activity, last 30 days", anchor=False)
days = stats.daily_activity(store, user, days=30)
fig = go.Figure()
fig.add_bar(x=[d["day"] for d in days], y=[d["minutes"] for d in days], name="Study minutes")
fig.add_scatter(x=[d["day"] for d in days], y=[d["solved"] for d in days], name="Problems solved",
                mode="lines+markers", yaxis="y2")
fig.update_layout(
    height=340, margin=dict(l=10, r=10, t=10, b=10), legend=dict(orientation="h", y=1.12),
    yaxis=dict(title="minutes", rangemode="tozero"),
    yaxis2=dict(title="solved", overlaying="y", side="right", rangemode="tozero", showgrid=False),
)
st.plotly_chart(fig, width="stretch", key="progress.activity")
if not any(d["minutes"] or d["attempts"] for d in days):
    st.caption("Nothing yet: open a chapter and solve a problem, and your days will show here.")
