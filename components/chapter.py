"""A chapter page, top to bottom: formula, reading, meaning, symbols, plug in, figure, code, practice, notes."""
from __future__ import annotations

import html
from urllib.parse import urlparse

import streamlit as st

from components.figures import figure
from components.formula import formula, pronunciation
from components.glossary import glossary
from components.hotkeys import shortcut_hint, with_shortcut
from components.notes import apply_before_leaving, notes
from components.plug_in import plug_in
from components.practice import practice
from components.say_it_back import say_it_back
from components.shell import tick_study_clock
from components.shell import get_store
from components.typing_trainer import typing_trainer
from core.content import chapter_by_slug, load_chapters
from core.drills import drill_for
from core.mastery import ChapterProgress, is_mastered
from core.store import StoreError


def _kicker(text: str) -> None:
    st.markdown(f'<p class="fl-kicker">{html.escape(text)}</p>', unsafe_allow_html=True)


def _section(title: str, kicker: str) -> None:
    _kicker(kicker)
    st.header(title, anchor=False)     # H2 under the chapter's H1 title: no level skipped


def _video(video) -> None:
    """The chapter's video as a link card: its title and where it plays, opened in a new tab.

    Not an embedded player: that loads from the video's host as the page opens, and offline it
    is a large empty box. The card asks nothing of any other host until the learner follows it.
    """
    host = (urlparse(video.url).hostname or "").removeprefix("www.")
    st.markdown(
        f'<a class="fl-video" href="{html.escape(video.url)}" target="_blank" rel="noopener noreferrer">'
        '<span class="fl-video-play" aria-hidden="true"></span><span class="fl-video-text">'
        f'<span class="fl-video-title">{html.escape(video.title)}</span>'
        f'<span class="fl-video-where">Video on {html.escape(host)} · opens in a new tab</span></span></a>',
        unsafe_allow_html=True)


def _studied(store, user: str, slug: str) -> None:
    """Count a section's own rerun as an interaction on the study clock, as a page run is.

    A full page run has just ticked the clock in the header, so there this does nothing."""
    tick_study_clock(store, user, slug, interaction=True)


def render_chapter(slug: str) -> None:
    chapter = chapter_by_slug(slug)
    store, user = get_store(), st.session_state["user"]
    chapters = load_chapters()

    apply_before_leaving()
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

    # Each interactive section below is a fragment: a check, an edit, a hint or a moved control
    # reruns only its own section, not the page. The figure is a fragment inside the plug-in's,
    # so an edit redraws the figure it drives, and a moved control redraws only the figure.
    @st.fragment(key=f"{slug}.try_it")
    def try_it():
        _studied(store, user, slug)
        _section("Plug in a value", "5 · try it")
        values = plug_in(chapter, key=slug)
        _section("Interactive", "6 · touch it")
        touch_it(values)

    @st.fragment(key=f"{slug}.touch_it")
    def touch_it(values):
        _studied(store, user, slug)
        figure(chapter, values, key=slug)       # the plugged-in values drive the figure

    @st.fragment(key=f"{slug}.solve_it")
    def solve_it():
        if st.session_state.pop(f"{slug}.practice.newly_mastered", False):
            st.rerun(scope="app")          # the header's mastered count changes: redraw it
        _studied(store, user, slug)
        solved = store.solved(user).get(slug, set())
        progress = store.chapter_progress(user).get(slug, ChapterProgress())
        mastered = is_mastered(progress)
        if mastered:
            st.success("Chapter mastered: you can solve it, say it and type it.", icon=":material/verified:")
        else:
            st.caption("To master this chapter: " + "; ".join(progress.missing()) + ".")

        def record_attempt(number, text, result):
            try:
                store.record_attempt(user, slug, number, text, result.verdict)
            except StoreError as exc:
                st.session_state[f"{slug}.practice.store_error"] = str(exc)
                return
            if result.ok and not mastered and is_mastered(
                    store.chapter_progress(user).get(slug, ChapterProgress())):
                st.session_state[f"{slug}.practice.newly_mastered"] = True

        practice(chapter, solved=solved, wrong_tries=store.wrong_tries(user, slug),
                 on_attempt=record_attempt, key=f"{slug}.practice")
        if err := st.session_state.pop(f"{slug}.practice.store_error", None):
            st.error(err)

    @st.fragment(key=f"{slug}.keep_it")
    def keep_it():
        _studied(store, user, slug)
        notes(store.note(user, slug), on_save=lambda body: store.save_note(user, slug, body),
              key=f"{slug}.notes")

    try_it()
    if chapter.video:
        _video(chapter.video)

    _section("In code", "7 · run it, type it")
    st.code(chapter.code.source, language=chapter.code.language)
    st.caption("Output")
    st.code(chapter.code.expected_output, language="text")
    typing_trainer(chapter.code.source, on_attempt=lambda a: store.record_typing_attempt(user, slug, a),
                   drill=lambda: drill_for(store.typing_history(user), [(c.slug, c.code.source) for c in chapters]),
                   key=slug)

    _section("Practice", "8 · solve it")
    solve_it()

    _section("Notes", "9 · keep it")
    keep_it()

    st.divider()
    prev_col, next_col = st.columns(2)
    if chapter.number > 1:
        p = chapters[chapter.number - 2]
        prev_col.page_link(p.page_file, label=with_shortcut(f"Ch. {p.number}: {p.title}", "prev"),
                           icon=":material/arrow_back:", help=shortcut_hint("prev"))
    if chapter.number < len(chapters):
        n = chapters[chapter.number]
        next_col.page_link(n.page_file, label=with_shortcut(f"Ch. {n.number}: {n.title}", "next"),
                           icon=":material/arrow_forward:", help=shortcut_hint("next"))
