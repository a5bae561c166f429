"""The Team page: each learner's progress for a lead. Notes stay private: only whether there are any."""
from datetime import datetime

import pandas as pd
import streamlit as st

from components.shell import get_store
from components.team import heatmap_figure, is_lead
from core import team
from core.content import load_chapters
from core.stats import format_duration

if not is_lead():                       # never registered for others; a second lock all the same
    st.stop()
store = get_store()
chapters = load_chapters()
titles = {ch.slug: f"{ch.number}. {ch.title}" for ch in chapters}

st.title("Team", anchor=False)
rows = team.roster(store, datetime.now())
if not rows:
    st.info("No learner has any progress yet.")
    st.stop()
st.dataframe(pd.DataFrame([{
    "Learner": r.name,
    "Last active": r.last_active,
    "This week": format_duration(r.week_seconds),
    "Mastered": r.mastered,
    "In progress": r.in_progress,
    "Accuracy": None if r.accuracy is None else round(100 * r.accuracy),
    "Say it back": None if r.best_say_back is None else round(r.best_say_back),
    "WPM": round(r.wpm, 1),
    "Has notes": r.has_notes,
} for r in rows]), hide_index=True, width="stretch", placeholder="—", key="team.roster",
    column_config={"Accuracy": st.column_config.NumberColumn(format="%d%%"),
                   "Say it back": st.column_config.NumberColumn(format="%d%%"),
                   "Has notes": st.column_config.CheckboxColumn()})

st.header("Progress by chapter", anchor=False)
users, slugs, matrix = team.heatmap(store, [ch.slug for ch in chapters])
st.plotly_chart(heatmap_figure(users, [team.display_name(u) for u in users], [titles[s] for s in slugs], matrix),
                key="team.heatmap")

st.header("Most missed problems", anchor=False)
missed = team.misses(store, top=3)
for slug in [ch.slug for ch in chapters if ch.slug in missed]:
    with st.expander(titles[slug]):
        # Answers are learners' own text: shown as table cells, never as markdown.
        st.dataframe(pd.DataFrame([{"Problem": m.problem, "Wrong": m.wrong, "Answer": text, "Times": n}
                                   for m in missed[slug] for text, n in m.answers]), hide_index=True)
