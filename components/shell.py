"""The app's frame: the shared store, house style, study clock and header stats."""
from __future__ import annotations

import html
import time
from pathlib import Path

import streamlit as st

from core import stats
from core.content import load_chapters
from core.store import Store, StoreError, configured_path, open_store
from core.studyclock import StudyClock

HEARTBEAT_SECONDS = 20
_CSS = (Path(__file__).parent / "style.css").read_text(encoding="utf-8")


def _secret_db_path() -> str | None:
    try:
        return st.secrets.get("db_path")
    except Exception:
        return None


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The process-wide progress store (one DuckDB connection, a cursor per thread)."""
    return _store(configured_path(_secret_db_path()))


def style() -> None:
    st.markdown(f"<style>{_CSS}</style>", unsafe_allow_html=True)


def store_banner(store: Store) -> None:
    """Each page run: a store that fell back tries its file again (at most every few seconds),
    then whatever is still wrong is said at the top of the page."""
    if store.try_file():
        st.toast("The progress file is free again: what was saved meanwhile is now in it.",
                 icon=":material/database:")
    if store.problem:
        st.warning(store.problem, icon=":material/warning:")


def tick_study_clock(store: Store, user: str, page: str, interaction: bool) -> None:
    clock = st.session_state.setdefault("clock", StudyClock())
    credit = clock.tick(time.monotonic(), page, interaction)
    if credit:
        try:
            store.record_study(user, credit[0], credit[1])
        except StoreError:
            pass  # study time is best effort; the banner already explains store trouble


def header(store: Store, user: str, page: str) -> None:
    """Record study time for this run, then show the live stats bar."""
    tick_study_clock(store, user, page, interaction=True)

    @st.fragment(run_every=HEARTBEAT_SECONDS)
    def _bar():
        tick_study_clock(store, user, page, interaction=False)
        h = stats.header_stats(store, user, [c.slug for c in load_chapters()])
        items = [
            ("Today", stats.format_duration(h.today_seconds)),
            ("Total", stats.format_duration(h.total_seconds)),
            ("Day streak", f"{h.streak_days}"),
            ("Mastered", f"{h.mastered} / {h.chapters}"),
            ("Chars", f"{h.chars_typed:,}"),
            ("Accuracy", "—" if h.accuracy is None else f"{h.accuracy:.0%}"),
            ("WPM", f"{h.wpm:.0f}"),
            ("Char streak", f"{h.char_streak}"),
        ]
        chips = "".join(f'<div class="fl-stat">{html.escape(k)}<b>{html.escape(v)}</b></div>'
                        for k, v in items)
        st.markdown(f'<div class="fl-stats" data-testid="fl-stats">{chips}</div>', unsafe_allow_html=True)

    _bar()
