import streamlit as st

from components.identity import profile_picker
from components.shell import get_store
from core.content import load_chapters
from core.mastery import PROBLEMS_TO_MASTER, SAY_IT_BACK_TO_MASTER, TYPING_ACCURACY_TO_MASTER, ChapterProgress, is_mastered

store, user = get_store(), st.session_state["user"]
chapters = load_chapters()
solved = store.solved(user)
progress = store.chapter_progress(user)


def mastered(slug: str) -> bool:
    return is_mastered(progress.get(slug, ChapterProgress()))



st.title("Formula Lab", anchor=False)
st.markdown(
    "**Read the math of machine learning like a sentence.** Seventeen formulas, from vectors to "
    "attention, one chapter each: see the formula built up, read it aloud, learn what every symbol "
    "means, run the code, and solve ten problems that are checked exactly. "
    f"A chapter is mastered when you have solved {PROBLEMS_TO_MASTER} of its ten problems, said its "
    f"formula back at {SAY_IT_BACK_TO_MASTER:.0f}% or better and typed its code at "
    f"{TYPING_ACCURACY_TO_MASTER:.0%} accuracy or better."
)
profile_picker(key="home.profile")

by_slug = {c.slug: c for c in chapters}
last = store.last_page(user)
target = by_slug.get(last) or next((c for c in chapters if not mastered(c.slug)), chapters[0])
label = "Continue where you left off" if last in by_slug else "Start here"
st.page_link(target.page_file, label=f"{label}: Ch. {target.number} · {target.title}", icon=":material/play_arrow:")

done = sum(mastered(c.slug) for c in chapters)
st.header(f"Chapters · {done} of {len(chapters)} mastered", anchor=False)
COLS = 3
for start in range(0, len(chapters), COLS):
    cols = st.columns(COLS)
    for col, ch in zip(cols, chapters[start:start + COLS]):
        n = len(solved.get(ch.slug, set()))
        with col.container(border=True, height="stretch"):
            badge = " · :green[mastered :material/verified:]" if mastered(ch.slug) else ""
            st.markdown(f"**{ch.number}. {ch.title}**{badge}  \n{ch.tagline}")
            st.progress(n / len(ch.problems), text=f"{n} / {len(ch.problems)} solved")
            said = progress.get(ch.slug, ChapterProgress()).best_say_back
            st.caption(f"Said back: best {said:.0f}%" if said is not None else "Said back: not yet")
            st.page_link(ch.page_file, label="Open chapter", icon=":material/menu_book:")

st.header("Capstone", anchor=False)
st.markdown("With the formulas in hand, train a tiny transformer on Shakespeare and watch it learn to write.")
st.page_link("app_pages/capstone.py", label="Train a tiny transformer", icon=":material/model_training:")
