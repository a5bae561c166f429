"""Keyboard shortcuts for the whole app: one listener in the browser, mounted once by app.py.

Keys: 1–9 open chapters 1–9, g then two digits any chapter (g 1 2 → chapter 12), N / P the
next / previous page in the course, H hear, R record, A animate, T type, ? the list of them.
The browser side (hotkeys.js) does the work; Python only tells it where N and P lead and
switches page when it asks, so a jump stays in the same session (no page reload).

A page opts a control into H, R, A or T by drawing it inside ``shortcut_target(action, key=…)``:
a container keyed ``fl-hk-<action>-<key>``. The listener acts on the container of that action
nearest the middle of the screen: it clicks (hear, record, animate) or focuses (type) the
first element inside it marked ``data-fl-hotkey``, else the first button.
"""
from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

# The actions a page can offer and their keys; nav keys are handled without a target.
ACTIONS = {"hear": "H", "record": "R", "animate": "A", "type": "T"}
SHORTCUTS = {**ACTIONS, "next": "N", "prev": "P", "help": "?"}

_HERE = Path(__file__).parent
# The list's stylesheet travels inside the script: the list is drawn in a shadow root of its
# own on the top document, outside the component's box.
_JS = (f"const STYLE = {json.dumps((_HERE / 'hotkeys.css').read_text(encoding='utf-8'))};\n"
       + (_HERE / "hotkeys.js").read_text(encoding="utf-8"))
_component = st.components.v2.component("formula_lab.hotkeys", html="<span hidden></span>\n", js=_JS)
# The component's box is hidden: it draws nothing in place (its list and notes are laid over
# the page from the top document). A style-only st.html takes no space either.
# Streamlit wraps the container in a layout box of its own: hide that too, or it keeps a gap.
_HIDE = ("<style>\n.st-key-fl-hotkeys, div:has(> .st-key-fl-hotkeys) { display: none !important; }\n"
         "</style>")


def shortcut_hint(action: str) -> str:
    """A button's tooltip naming its key: ``st.button(…, help=shortcut_hint("hear"))``."""
    return f"Keyboard shortcut: {_key_of(action)}"


def with_shortcut(label: str, action: str) -> str:
    """A button label that shows its key: ``with_shortcut("Hear it", "hear")`` → ``"Hear it · H"``."""
    return f"{label} · {_key_of(action)}"


def shortcut_target(action: str, *, key: str, **container_options):
    """The container a page draws a control in so the action's key reaches it.

    ``with shortcut_target("hear", key=slug): st.button(with_shortcut("Hear it", "hear"), …)``
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown shortcut action {action!r}; expected one of {', '.join(ACTIONS)}")
    return st.container(key=f"fl-hk-{action}-{key}", **container_options)


def neighbours(course: Sequence[str], current: str) -> tuple[str | None, str | None]:
    """Where P and N lead from ``current``: the previous and next page of ``course``.

    ``course`` is the learning order (the chapters, then the capstone). From a page outside it
    (Home, Progress) N starts the course and P leads nowhere.
    """
    if current not in course:
        return None, (course[0] if course else None)
    i = list(course).index(current)
    return (course[i - 1] if i > 0 else None), (course[i + 1] if i + 1 < len(course) else None)


def hotkeys(chapters: Sequence[StreamlitPage], current: StreamlitPage, *,
            after: Sequence[StreamlitPage] = (), key: str) -> None:
    """Mount the app-wide listener; switch page when a key asks for one.

    ``chapters`` in order (key 1 is the first), ``after`` the pages that follow the last chapter
    in the course (N from the last chapter), ``current`` the page being shown.
    """
    course = [*chapters, *after]
    by_url = {p.url_path: p for p in course}
    prev_page, next_page = neighbours([p.url_path for p in course], current.url_path)
    data = {
        "chapters": [p.url_path for p in chapters],
        "titles": {p.url_path: p.title for p in course},
        "current": current.url_path,
        "prev": prev_page,
        "next": next_page,
        "keys": SHORTCUTS,
        # When this run drew it: the browser keeps the newest data if an older run's arrives late.
        "sent": time.time_ns() // 1000,
    }
    st.html(_HIDE)
    with st.container(key="fl-hotkeys"):
        result = _component(key=key, data=data, on_go_change=lambda: None)
    st.sidebar.caption(":material/keyboard: Press **?** for keyboard shortcuts")
    go = result.get("go") if result else None
    target = by_url.get(go) if isinstance(go, str) else None
    if target is not None and target.url_path != current.url_path:
        st.switch_page(target)


def _key_of(action: str) -> str:
    if action not in SHORTCUTS:
        raise ValueError(f"no shortcut for {action!r}; expected one of {', '.join(SHORTCUTS)}")
    return SHORTCUTS[action]
