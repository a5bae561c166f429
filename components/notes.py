"""The learner's own notes for a chapter: autosaved, with a Markdown preview.

``on_save(body)`` persists the text (the page passes a function that writes
through core.store) and may raise; the message is shown and the draft stays in
the box, so nothing typed and nothing already saved is lost.

Notes are versioned, append-only: when a save finds that another version was saved
since this page loaded (another tab, or another visitor on the same profile), both
stay in the history and the learner is shown the other one and picks which to keep.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import streamlit as st

from core.store import NOTE_LIMIT, NoteTooLong, SavedNote, StoreError

# A click on a page link while a text field still holds an edit: the browser sends the page
# change first and the field's edit a moment later, and the server folds the two into one run
# of the page the edit came from, so the click is lost (and the edit can be lost with it).
# This listener holds such a click back until the edit's run is over, then clicks again.
_LEAVE_JS = """
const LINKS = '[data-testid="stSidebarNav"] a, [data-testid="stPageLink"] a';
const BUSY = ["running", "rerunRequested"];
const FIRST_RUN_MS = 400;   // an edit's run has started by then, if the edit needs one
const GIVE_UP_MS = 10000;   // never hold a click longer than this

export default function () {
  let edited = null;        // the field typed in since it was last applied
  let leaving = false;      // the field was still edited when the pointer went down
  let replaying = false;
  const busy = () => BUSY.includes(
    document.querySelector('[data-testid="stApp"]')?.getAttribute("data-test-script-state"));
  const onInput = (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) edited = e.target;
  };
  const onKey = (e) => {   // Enter (Ctrl+Enter in a text area) applies the edit
    if (e.key === "Enter" && (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey)) edited = null;
  };
  const onDown = () => { leaving = edited !== null && document.activeElement === edited; };
  const onClick = (e) => {
    const link = e.target instanceof Element ? e.target.closest(LINKS) : null;
    if (replaying || !leaving || !link) return;
    leaving = false;
    edited = null;
    e.preventDefault();
    e.stopImmediatePropagation();
    const t0 = performance.now();
    let ran = false;
    const wait = () => {
      const now = performance.now();
      if (busy()) ran = true;
      const done = ran ? !busy() : now - t0 > FIRST_RUN_MS;
      if (!done && now - t0 < GIVE_UP_MS) { setTimeout(wait, 15); return; }
      replaying = true;
      try { link.click(); } finally { replaying = false; }
    };
    wait();
  };
  document.addEventListener("input", onInput, true);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointerdown", onDown, true);
  document.addEventListener("click", onClick, true);
  return () => {
    document.removeEventListener("input", onInput, true);
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("pointerdown", onDown, true);
    document.removeEventListener("click", onClick, true);
  };
}
"""
_leave = st.components.v2.component("formula_lab.apply_before_leaving", html="<span hidden></span>\n",
                                    js=_LEAVE_JS)
_LEAVE_HIDE = ("<style>\n.st-key-fl-apply-before-leaving, div:has(> .st-key-fl-apply-before-leaving) "
               "{ display: none !important; }\n</style>")


def apply_before_leaving() -> None:
    """Mount, once per page, the listener that lets a page link wait for a field's edit to be
    applied (the note saved, the plug-in value worked) before it changes page."""
    st.html(_LEAVE_HIDE)
    with st.container(key="fl-apply-before-leaving"):
        _leave(key="fl.apply_before_leaving")


def _outcome(result: SavedNote | datetime) -> SavedNote:
    return result if isinstance(result, SavedNote) else SavedNote(result, None, lasting=True)


def notes(saved: tuple[str, datetime] | None, *, on_save: Callable[[str], SavedNote | datetime], key: str) -> None:
    text_key, status_key = f"{key}.text", f"{key}.status"
    base_key, conflict_key = f"{key}.base", f"{key}.conflict"   # the version the box started from
    if text_key not in st.session_state:
        st.session_state[text_key] = saved[0] if saved else ""
        st.session_state[base_key] = saved[1] if saved else None
        st.session_state[status_key] = ("ok", f"Saved {saved[1]:%d %b %H:%M}") if saved else ("ok", "")

    def _store(body: str, done: str) -> bool:
        """Save ``body``; note a version saved elsewhere since the box's version. False: not saved."""
        try:
            out = _outcome(on_save(body))
        except (NoteTooLong, StoreError) as exc:
            st.session_state[status_key] = ("error", str(exc))
            return False
        base = st.session_state.get(base_key)
        if out.replaced and out.replaced[0] != body and (base is None or out.replaced[1] > base):
            st.session_state[conflict_key] = out.replaced
        st.session_state[base_key] = out.at
        st.session_state[status_key] = (
            ("ok", f"{done} {out.at:%H:%M:%S}") if out.lasting
            else ("warn", f"{done} {out.at:%H:%M:%S} for this session only: {out.caveat}.", out))
        return True

    def _save():
        _store(st.session_state[text_key], "Saved")

    def _keep_mine():
        st.session_state.pop(conflict_key, None)   # yours is already the latest version

    def _keep_theirs(conflict: tuple[str, datetime]):
        st.session_state.pop(conflict_key, None)
        if _store(conflict[0], "Kept the other version, saved again"):
            st.session_state[text_key] = conflict[0]
        else:
            st.session_state[conflict_key] = conflict      # not saved: the choice stays open

    write, preview = st.tabs(["Write", "Preview"])
    with write:
        st.text_area("Your notes (Markdown)", key=text_key, height=220, on_change=_save,
                     placeholder="Write what clicked, what didn't, your own example…",
                     help=f"Saved automatically when you click away or press Ctrl+Enter. Up to {NOTE_LIMIT:,} characters.")
        body = st.session_state[text_key]
        if conflict := st.session_state.get(conflict_key):
            theirs, their_at = conflict
            st.warning(f"Another version of this note was saved at {their_at:%d %b %H:%M:%S}, after this page "
                       "loaded (in another tab, or by someone else using this profile). Yours was saved after "
                       "it; both versions are kept in the note's history. Which one should be the note?",
                       icon=":material/difference:")
            with st.container(border=True):
                st.caption("The other version")
                st.code(theirs, language="markdown", wrap_lines=True)
            mine, other = st.columns(2)
            mine.button("Keep mine", key=f"{key}.keep_mine", on_click=_keep_mine, width="stretch")
            other.button("Keep theirs", key=f"{key}.keep_theirs", on_click=_keep_theirs, args=(conflict,),
                         width="stretch")
        kind, message, *held = st.session_state.get(status_key, ("ok", ""))
        if kind == "warn" and held and held[0].in_memory and not held[0].in_memory():
            kind, message = "ok", f"Saved {held[0].at:%H:%M:%S}, now in the progress file"   # the store moved in
        if kind == "error":
            st.error(message, icon=":material/warning:")
        elif kind == "warn":
            st.warning(f"{message} · {len(body):,} / {NOTE_LIMIT:,} characters", icon=":material/save:")
        else:
            st.caption(f"{message} · {len(body):,} / {NOTE_LIMIT:,} characters" if message
                       else f"{len(body):,} / {NOTE_LIMIT:,} characters")
    with preview:
        body = st.session_state[text_key]
        if body.strip():
            st.markdown(body[:NOTE_LIMIT])
        else:
            st.caption("Nothing written yet.")
