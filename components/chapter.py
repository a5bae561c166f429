"""A chapter page, top to bottom: formula, reading, meaning, symbols, code, practice, notes."""
from __future__ import annotations

import html

import streamlit as st

from components.formula import formula, pronunciation
from components.glossary import glossary
from components.notes import notes
from components.practice import practice
from components.say_it_back import say_it_back
from components.shell import get_store
from core.content import chapter_by_slug, load_chapters
from core.mastery import ChapterProgress, is_mastered
from core.store import StoreError


def _kicker(text: str) -> None:
    st.markdown(f'<p class="fl-kicker">{html.escape(text)}</p>', unsafe_allow_html=True)


def _section(title: str, kicker: str) -> None:
    _kicker(kicker)
    st.subheader(title, anchor=False)


def render_chapter(slug: str) -> None:
    chapter = chapter_by_slug(slug)
    store, user = get_store(), st.session_state["user"]
    chapters = load_chapters()

    _kicker(f"{chapter.section} · Chapter {chapter.number} of {len(chapters)}")
    st.title(chapter.title, anchor=False)
    st.markdown(f"**{chapter.tagline}** {chapter.summary}")

    _section("Formula", "1 · read it")
    formula(chapter, key=slug)

    _section("Pronunciation", "2 · say it")
    pronunciation(chapter, key=slug)

    def record_reading(text, result):
        try:
            store.record_pronunciation(user, slug, text, result.percent)
        except StoreError as exc:
            st.session_state[f"{slug}.say_it_back.store_error"] = str(exc)

    say_it_back(chapter, best=store.chapter_progress(user).get(slug, ChapterProgress()).best_say_back,
                on_attempt=record_reading, key=slug)
    if err := st.session_state.pop(f"{slug}.say_it_back.store_error", None):
        st.error(err)

    _section("In plain English", "3 · mean it")
    st.markdown(chapter.plain_english)
    st.info(chapter.example, icon=":material/calculate:")

    _section("Symbol glossary", "4 · name it")
    glossary(chapter, key=slug)

    _section("In code", "5 · run it")
    st.code(chapter.code.source, language=chapter.code.language)
    st.caption("Output")
    st.code(chapter.code.expected_output, language="text")
    if chapter.video:
        st.markdown(f"▶ Watch: [{chapter.video.title}]({chapter.video.url})")

    _section("Practice", "6 · solve it")
    solved = store.solved(user).get(slug, set())
    progress = store.chapter_progress(user).get(slug, ChapterProgress())
    if is_mastered(progress):
        st.success("Chapter mastered: you can solve it, say it and type it.", icon=":material/verified:")
    else:
        st.caption("To master this chapter: " + "; ".join(progress.missing()) + ".")

    def record_attempt(number, text, result):
        try:
            store.record_attempt(user, slug, number, text, result.verdict)
        except StoreError as exc:
            st.session_state[f"{slug}.practice.store_error"] = str(exc)

    practice(chapter, solved=solved, wrong_tries=store.wrong_tries(user, slug),
             on_attempt=record_attempt, key=f"{slug}.practice")
    if err := st.session_state.pop(f"{slug}.practice.store_error", None):
        st.error(err)

    _section("Notes", "7 · keep it")
    notes(store.note(user, slug), on_save=lambda body: store.save_note(user, slug, body), key=f"{slug}.notes")

    st.divider()
    prev_col, next_col = st.columns(2)
    if chapter.number > 1:
        p = chapters[chapter.number - 2]
        prev_col.page_link(p.page_file, label=f"Ch. {p.number}: {p.title}", icon=":material/arrow_back:")
    if chapter.number < len(chapters):
        n = chapters[chapter.number]
        next_col.page_link(n.page_file, label=f"Ch. {n.number}: {n.title}", icon=":material/arrow_forward:")
