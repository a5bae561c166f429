"""Say it back: the learner reads the formula aloud and sees, word by word, how close it was.

Three ways in: a recording (``st.audio_input``, transcribed offline on the server by
Whisper), the browser's online recogniser (optional, it sends the audio to an online
service), and a box to type what was said. Each scored attempt goes to ``on_attempt``;
the page stores it.
"""
from __future__ import annotations

import html
from typing import Callable

import streamlit as st

from components.hotkeys import shortcut_hint, shortcut_target, with_shortcut
from components.voice import hear_it
from core.content import Chapter
from core.mastery import SAY_IT_BACK_TO_MASTER
from core.speech import HIT, SUB, DEL, INS, Score, score, transcribe
from core.speech.transcribe import check_size

TYPED_ENGINE = "typed"
ONLINE_ENGINE = "the browser's online recogniser"

# One look per kind of word in the diff: (text colour, background, border, extra style). Each
# colour pair has a contrast of at least 4.5:1 (WCAG AA) and the chip carries its own
# background, so it reads the same on the light and the dark theme. A missed word gets a
# dashed red border, never a line through it: a struck "n" reads as π, a struck "v" as ∀.
_LOOK = {
    HIT: ("#14632f", "#e3f4e8", "solid transparent", ""),
    SUB: ("#7a4a00", "#fff0cc", "solid transparent", ""),
    DEL: ("#a3231b", "#fde7e5", "dashed #a3231b", ""),
    INS: ("#5f6368", "#eeeeee", "solid transparent", "font-style:italic;"),
}
# What a screen reader says before a word that was not said as written (the colour and the
# border are for the eye only).
SPOKEN = {SUB: "said differently:", DEL: "missed:", INS: "extra word:"}
_SR_ONLY = ("position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
            "clip:rect(0,0,0,0);white-space:nowrap;border:0")


def _chip(op: str, body: str, title: str, *, spoken: str = "") -> str:
    fg, bg, border, extra = _LOOK[op]
    said = f'<span class="fl-say-sr" style="{_SR_ONLY}">{html.escape(spoken)} </span>' if spoken else ""
    return (f'<span class="fl-say-{op}" title="{html.escape(title)}" style="color:{fg};background:{bg};'
            f'border:0.1em {border};{extra}padding:0.05em 0.3em;border-radius:0.3em;margin:0 0.1em 0.3em 0;'
            f'display:inline-block;line-height:1.5">{said}{body}</span>')


def word_diff_html(result: Score) -> str:
    """The alignment as coloured words: hits green, substitutions amber with what was heard,
    missed words red in a dashed box, insertions grey. A term of several words ("square root")
    is one chip."""
    chips = []
    for w in result.words:
        t, h = html.escape(w.target), html.escape(w.heard)
        if w.op == HIT:
            chips.append(_chip(HIT, t, "said as written"))
        elif w.op == SUB:
            chips.append(_chip(SUB, f"{t} <small>→ heard “{h}”</small>", f"expected {w.target}, heard {w.heard}",
                               spoken=SPOKEN[SUB]))
        elif w.op == DEL:
            chips.append(_chip(DEL, t, "left out", spoken=SPOKEN[DEL]))
        else:
            chips.append(_chip(INS, f'<span aria-hidden="true">+</span>{h}', "extra word", spoken=SPOKEN[INS]))
    legend = " ".join(_chip(op, label, label) for op, label in
                      ((HIT, "said"), (SUB, "said differently"), (DEL, "missed"), (INS, "extra")))
    return (f'<div class="fl-say-diff" data-testid="fl-say-diff" style="font-size:1.05rem">{" ".join(chips)}</div>'
            f'<div style="font-size:0.8rem;opacity:0.85">Key: {legend}</div>')


def typed_placeholder(sentence: str, limit: int = 60) -> str:
    """The typed box's example: the start of the chapter's own sentence as a learner would type
    it, whole phrases (its commas) up to about ``limit`` characters, its first sentence at most."""
    first, _, rest = sentence.strip().partition(". ")
    phrases = [p.split() for p in first.rstrip(".").split(",") if p.split()]
    shown: list[str] = []
    for words in phrases:
        if shown and len(" ".join(shown + words)) > limit:
            break
        shown += words
    cut = bool(rest) or len(shown) < sum(map(len, phrases))
    while len(" ".join(shown)) > limit and len(shown) > 1:
        shown.pop()
        cut = True
    return "e.g. " + " ".join(shown) + ("…" if cut else "") if shown else ""


def _score_attempt(chapter: Chapter, text: str, engine: str, k: str,
                   on_attempt: Callable[[str, Score], None] | None) -> None:
    result = score(chapter.pronunciation, text)
    st.session_state[f"{k}.last"] = {"text": text, "engine": engine, "score": result}
    if on_attempt is not None:
        on_attempt(text, result)


def _recorder(chapter: Chapter, k: str, on_attempt) -> None:
    with shortcut_target("record", key=chapter.slug):
        clip = st.audio_input(with_shortcut("Record yourself reading it", "record"), key=f"{k}.audio",
                              help=shortcut_hint("record"))
    if clip is None or st.session_state.get(f"{k}.clip_id") == clip.file_id:
        return
    st.session_state[f"{k}.clip_id"] = clip.file_id  # score each recording once
    try:
        check_size(clip.size)  # a recording over the limit is refused unread, never decoded
        with st.spinner("Listening to your recording…"):
            heard = transcribe(clip.getvalue(), expected=chapter.pronunciation)
    except ValueError as exc:
        st.session_state[f"{k}.error"] = str(exc)
        return
    _score_attempt(chapter, heard.text, heard.engine, k, on_attempt)


def _online(chapter: Chapter, k: str, on_attempt) -> None:
    on = st.toggle("Also offer my browser's online recogniser", key=f"{k}.online",
                   help="Records in the browser and sends the audio to an online speech service. "
                        "Without a connection it returns nothing; the recorder above works offline.")
    if not on:
        return
    from streamlit_mic_recorder import speech_to_text
    text = speech_to_text(start_prompt="Record (online recogniser)", stop_prompt="Stop",
                          just_once=True, key=f"{k}.online_stt")
    if text:
        _score_attempt(chapter, text, ONLINE_ENGINE, k, on_attempt)


def _typed(chapter: Chapter, k: str, on_attempt) -> None:
    with st.form(f"{k}.typed_form", border=False, enter_to_submit=True):
        text = st.text_input("…or type what you said", key=f"{k}.typed", max_chars=2000,
                             placeholder=typed_placeholder(chapter.pronunciation))
        if st.form_submit_button("Score what I typed", icon=":material/spellcheck:"):
            if text.strip():
                _score_attempt(chapter, text, TYPED_ENGINE, k, on_attempt)
            else:
                st.session_state[f"{k}.error"] = "Type the sentence as you said it, then score it."


def _result(last: dict, best: float | None, *, key: str) -> None:
    result: Score = last["score"]
    best = max(best or 0.0, result.percent)
    st.markdown(f'<p data-testid="fl-say-percent" style="font-size:1.6rem;font-weight:600;margin:0.2em 0">'
                f'{result.percent:.0f}% <span style="font-size:0.95rem;font-weight:400">of the words '
                f'matched · best {best:.0f}%</span></p>', unsafe_allow_html=True)
    how = "you typed" if last["engine"] == TYPED_ENGINE else f"heard by {last['engine']}"
    st.caption(f"“{last['text']}” ({how}). Words are compared after spelling out numbers and "
               "symbols, so “1” and “one”, “divided by” and “over” count as the same.")
    st.markdown(word_diff_html(result), unsafe_allow_html=True)
    missed = result.missed_most()
    if missed is not None:
        heard = f", heard as “{missed.heard}”" if missed.op == SUB else ", left out"
        st.info(f"Word to practise: **{missed.target}**{heard}. Say it on its own a few times, "
                "slowly, then read the whole sentence again.", icon=":material/record_voice_over:")
        hear_it(missed.target, key=f"{key}.hear_missed", label=f"Hear “{missed.target}”")
    if result.percent >= SAY_IT_BACK_TO_MASTER:
        st.success(f"{result.percent:.0f}%: that reading counts toward mastering this chapter.",
                   icon=":material/check_circle:")


def say_it_back(chapter: Chapter, *, best: float | None = None,
                on_attempt: Callable[[str, Score], None] | None = None, key: str) -> Score | None:
    """Record (or type) a reading of the chapter's sentence; show its score and word diff.

    ``best`` is the best score stored so far (percent); ``on_attempt(text, score)`` is called
    once per scored attempt. Returns the latest attempt's score, if any.
    """
    k = f"{key}.say_it_back"
    st.markdown("**Say it back**")
    st.caption(f"Read the sentence above aloud. {SAY_IT_BACK_TO_MASTER:.0f}% or better counts toward "
               "mastery." + (f" Your best so far: {best:.0f}%." if best is not None else ""))
    _recorder(chapter, k, on_attempt)
    _typed(chapter, k, on_attempt)
    _online(chapter, k, on_attempt)
    if err := st.session_state.pop(f"{k}.error", None):
        st.warning(err, icon=":material/mic_off:")
    last = st.session_state.get(f"{k}.last")
    if last:
        _result(last, best, key=k)
        return last["score"]
    return None
