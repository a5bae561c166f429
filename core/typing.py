"""Typing figures from a keystroke log: monkeytype's accuracy and consistency, WPM by
character (docs/typing.md says where and why the figures differ from monkeytype's).

A log is a list of ``(key, t_ms, correct)``: ``key`` is the character typed (``"\\n"`` for
Enter, ``"\\t"`` for Tab) or ``"Backspace"``; ``t_ms`` is milliseconds since the first key;
``correct`` says whether the key matched the target where the caret stood.

The caret rules (the browser trainer follows the same ones, see ``replay``):
- a character fills one position of the target;
- Enter where the target has a newline also skips the next line's indentation, which is
  never typed, so it never counts toward any figure;
- Tab where the target has spaces fills them up to the next multiple of 4 columns;
- Backspace takes back the last key (with what it skipped); the wrong key it corrects still
  counts against accuracy;
- the attempt ends when the last character is typed right (wrong characters before it stay
  wrong), or with Enter once the caret is past the end; a wrong last character leaves the
  caret there, so it can still be corrected. Enter anywhere before that is a character.

Figures: accuracy = correct character keys / all character keys (Backspace is not one);
WPM = correct characters left at the end / 5 per minute; raw WPM = all character keys / 5
per minute; consistency = monkeytype's: 100 x (1 - tanh(cov + cov^3/3 + cov^5/5)) over the
raw WPM of each second, and None (no value) when there are fewer than two seconds to compare
(an attempt under 1.5 s: see per_second); char streak = the longest run of correct keys in a row.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field

BACKSPACE = "Backspace"
TAB_WIDTH = 4
MAX_KEYS = 4000              # keystrokes in one attempt's log, the cap for storing it
MAX_TARGET = 5000            # characters of code to type
MAX_MS = 3 * 60 * 60 * 1000  # an attempt longer than three hours is not a typing attempt
# Human bounds, so a log written by a script instead of typed is refused rather than scored:
MIN_KEY_GAP_MS = 5           # keys closer than this landed together (rollover, or events the browser
                             # delivered in one batch): the fastest typists' bursts are ~40 ms a key
SIMULTANEOUS_KEYS = 3        # a few such keys are allowed in any attempt...
SIMULTANEOUS_SHARE = 0.05    # ...and one gap in twenty in a long one
MAX_WPM = 350                # raw WPM above this is refused, as monkeytype refuses it: past any record
MIN_KEYS_FOR_WPM = 10        # fewer character keys are a burst, not a speed (two keys rolled 30 ms
                             # apart read as 400 WPM); the gap bound guards those


def target_text(source: str) -> str:
    """The text a learner types for a snippet: tabs as spaces, no trailing blanks."""
    lines = [line.rstrip() for line in source.expandtabs(TAB_WIDTH).split("\n")]
    return "\n".join(lines).strip("\n")


def keys_to_type(target: str) -> str:
    """The keys a learner presses for a target: every character but the indentation that
    Enter skips at the start of each new line."""
    out, i = [], 0
    while i < len(target):
        out.append(target[i])
        i += 1
        if target[i - 1] == "\n":
            while i < len(target) and target[i] == " ":
                i += 1
    return "".join(out)


def target_id(target: str) -> str:
    """A short fingerprint, so an attempt is only scored against the text it was typed on."""
    return hashlib.sha1(target.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Key:
    """One keystroke replayed against the target."""
    key: str
    t_ms: float
    correct: bool
    pos: int | None         # target position it filled; None for Backspace or past the end
    expected: str | None    # the target character there


def replay(target: str, keystrokes) -> tuple[list[Key], int]:
    """Replay a log against the target: each key with its position, and the final caret."""
    pos, stack, out = 0, [], []
    for key, t, correct in keystrokes:
        if key == BACKSPACE:
            if stack:
                pos = stack.pop()
            out.append(Key(key, t, bool(correct), None, None))
            continue
        if pos >= len(target):
            out.append(Key(key, t, bool(correct), None, None))
            continue
        expected, end = target[pos], pos + 1
        if key == "\n" and expected == "\n":
            while end < len(target) and target[end] == " ":
                end += 1
        elif key == "\t" and expected == " ":
            column = pos - (target.rfind("\n", 0, pos) + 1)
            stop = pos + TAB_WIDTH - column % TAB_WIDTH
            while end < min(stop, len(target)) and target[end] == " ":
                end += 1
        out.append(Key(key, t, bool(correct), pos, expected))
        stack.append(pos)
        pos = end
    return out, pos


def key_matches(key: str, expected: str) -> bool:
    return key == expected or (key == "\t" and expected == " ")


@dataclass(frozen=True)
class Stats:
    chars: int = 0              # character keys (Backspace is not one)
    errors: int = 0             # character keys that did not match
    correct: int = 0            # correct characters left at the end (what WPM counts)
    seconds: float = 0.0        # first key to last key
    wpm: float = 0.0
    raw_wpm: float = 0.0
    accuracy: float = 0.0       # 0..1
    consistency: float | None = None   # 0..100; None with under two seconds to compare
    best_streak: int = 0
    streak: int = 0             # the run of correct keys at the end
    completed: bool = False     # the caret reached the end of the target
    per_second: tuple = ()      # (second, raw WPM, wrong keys) for each second
    missed: tuple = ()          # (target character, times missed), most missed first


def kogasa(cov: float) -> float:
    """monkeytype's map from a coefficient of variation to a 0..100 consistency."""
    return 100 * (1 - math.tanh(cov + cov ** 3 / 3 + cov ** 5 / 5))


def per_second(keys: list[Key], seconds: float) -> list[tuple[int, float, int]]:
    """Raw WPM and wrong keys for each second from the first key. A last part-second of half a
    second or more is a bucket of its own, its rate taken over its real length; a shorter one
    is folded into the second before. Either way every key is in some bucket."""
    if seconds <= 0:
        return []
    t0 = keys[0].t_ms
    full = int(seconds)
    lengths = [1.0] * full + [seconds - full]
    if lengths[-1] < 0.5 and full >= 1:
        tail = lengths.pop()
        lengths[-1] += tail
    counts, wrong = [0] * len(lengths), [0] * len(lengths)
    for k in keys:
        if k.key == BACKSPACE:
            continue
        b = min(int((k.t_ms - t0) / 1000), len(lengths) - 1)
        counts[b] += 1
        wrong[b] += not k.correct
    return [(i + 1, n * 12 / length, w) for i, (n, length, w) in enumerate(zip(counts, lengths, wrong))]


def consistency(raw_per_second: list[float]) -> float | None:
    """monkeytype's consistency of the per-second raw WPM; None for fewer than two seconds,
    whose spread is zero by construction and says nothing (it would read 100)."""
    if len(raw_per_second) < 2:
        return None
    mean = sum(raw_per_second) / len(raw_per_second)
    if mean <= 0:
        return 0.0
    std = math.sqrt(sum((x - mean) ** 2 for x in raw_per_second) / len(raw_per_second))
    return max(0.0, min(100.0, kogasa(std / mean)))


def stats(target: str, keystrokes) -> Stats:
    """Every figure of one attempt, from its keystroke log."""
    keys, caret = replay(target, keystrokes)
    typed = [k for k in keys if k.key != BACKSPACE]
    if not typed:
        return Stats()
    errors = sum(not k.correct for k in typed)
    left = []                       # correctness of each key still standing
    run = best = 0
    for k in keys:
        if k.key == BACKSPACE:
            if left:
                left.pop()
            continue
        left.append(k.correct)
        run = run + 1 if k.correct else 0
        best = max(best, run)
    seconds = max(0.0, (keys[-1].t_ms - keys[0].t_ms) / 1000)
    minutes = seconds / 60
    correct = sum(left)
    series = per_second(keys, seconds)
    missed = Counter(k.expected for k in typed if not k.correct and k.expected is not None)
    return Stats(
        chars=len(typed), errors=errors, correct=correct, seconds=seconds,
        wpm=correct / 5 / minutes if minutes > 0 else 0.0,
        raw_wpm=len(typed) / 5 / minutes if minutes > 0 else 0.0,
        accuracy=(len(typed) - errors) / len(typed),
        consistency=consistency([raw for _, raw, _ in series]),
        best_streak=best, streak=run, completed=caret >= len(target) > 0,
        per_second=tuple(series), missed=tuple(missed.most_common()),
    )


def symbol_name(ch: str) -> str:
    """How a target character is shown in a list of misses."""
    return {" ": "space", "\n": "newline (Enter)"}.get(ch, ch)


# -- the value the browser sends ------------------------------------------------------

class AttemptError(ValueError):
    """The browser's value is not a well-formed attempt; the message says why."""


@dataclass(frozen=True)
class Attempt:
    """One validated attempt: what was typed on which text, and its figures."""
    id: str
    target: str
    keystrokes: tuple = ()
    kind: str = "chapter"           # "chapter" or "drill"
    stats: Stats = field(default_factory=Stats)


def parse_attempt(value, target: str, *, kind: str = "chapter") -> Attempt:
    """Check everything the browser sent; raise AttemptError with a plain reason if not sound."""
    if not isinstance(value, dict):
        raise AttemptError("The typing trainer sent something that is not an attempt; it was not saved.")
    aid, tid, keys = value.get("id"), value.get("target_id"), value.get("keys")
    if not isinstance(aid, str) or not 0 < len(aid) <= 64:
        raise AttemptError("The typing attempt had no valid id; it was not saved.")
    if tid != target_id(target):
        raise AttemptError("That attempt was typed on a different text than the one shown now; "
                           "it was not saved. Type the text shown.")
    if not isinstance(keys, list):
        raise AttemptError("The typing attempt had no keystroke log; it was not saved.")
    if len(keys) > MAX_KEYS:
        raise AttemptError(f"The attempt's keystroke log has {len(keys):,} keys; at most {MAX_KEYS:,} "
                           "are kept, so it was not saved. Reset (Esc Esc) and type the text again.")
    log, last = [], 0.0
    for i, entry in enumerate(keys):
        if not (isinstance(entry, (list, tuple)) and len(entry) == 3):
            raise AttemptError(f"Keystroke {i + 1} of the attempt is malformed; it was not saved.")
        key, t, ok = entry
        if not (isinstance(key, str) and (key == BACKSPACE or len(key) == 1)):
            raise AttemptError(f"Keystroke {i + 1} is not a character or Backspace; the attempt was not saved.")
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t) \
                or not last <= t <= MAX_MS:
            raise AttemptError(f"Keystroke {i + 1} has an impossible time; the attempt was not saved.")
        if not isinstance(ok, bool):
            raise AttemptError(f"Keystroke {i + 1} is malformed; the attempt was not saved.")
        log.append((key, float(t), ok))
        last = t
    replayed, _ = replay(target, log)
    for i, k in enumerate(replayed):
        if k.key == BACKSPACE:
            continue
        if k.pos is None:
            raise AttemptError("The attempt goes on past the end of the text; it was not saved.")
        if k.correct != key_matches(k.key, k.expected):
            raise AttemptError(f"Keystroke {i + 1} is marked {'right' if k.correct else 'wrong'} but is not; "
                               "the attempt was not saved.")
    figures = stats(target, log)
    if figures.chars == 0:
        raise AttemptError("Nothing was typed in that attempt, so there is nothing to save.")
    _within_human_bounds(log, figures)
    return Attempt(id=aid, target=target, keystrokes=tuple(log), kind=kind, stats=figures)


def _within_human_bounds(log: list, figures: Stats) -> None:
    """Refuse a log no person could have typed: keys together too often, or too fast overall."""
    together = sum(b[1] - a[1] < MIN_KEY_GAP_MS for a, b in zip(log, log[1:]))
    if together > max(SIMULTANEOUS_KEYS, int(SIMULTANEOUS_SHARE * (len(log) - 1))):
        raise AttemptError(f"{together} keys of that attempt came under {MIN_KEY_GAP_MS} ms after the one "
                           "before, faster than anyone types; it was not saved.")
    if figures.chars >= MIN_KEYS_FOR_WPM and figures.raw_wpm > MAX_WPM:
        raise AttemptError(f"That attempt reads as {figures.raw_wpm:,.0f} WPM, above the {MAX_WPM} WPM no one "
                           "types past; it was not saved.")
