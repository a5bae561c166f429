"""Weak-symbol drills: keybr's idea applied to code.

From every attempt a learner has typed, find the characters and two-character sequences
they miss or slow down on most, then build a short drill out of real lines of the
chapters' code that contain them.

A *symbol* is one non-blank character (``@``) or two in a row (``**``, ``_k``, ``()``).
Each character key of an attempt is scored against the target character where the caret
stood: a miss if it was wrong, and, when it was right and the key before it was the right
key at the position before, its time since that key (pauses over 2 s left out).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from core.typing import BACKSPACE, replay

MIN_SEEN = 3            # a symbol needs this many tries before it can be called weak
PAUSE_MS = 2000         # a gap longer than this is a pause, not typing speed
RECENT = 5              # "recent" means the last five attempts
SLOW_WEIGHT = 0.5       # how much being slow counts against being wrong
DEFAULT_SYMBOLS = ("@", "**", "[:", "()", "_", "],", "/")   # before there is any history


@dataclass
class _Tally:
    seen: int = 0
    errors: int = 0
    ms_total: float = 0.0
    ms_count: int = 0

    def add(self, wrong: bool, ms: float | None):
        self.seen += 1
        self.errors += wrong
        if ms is not None:
            self.ms_total += ms
            self.ms_count += 1

    @property
    def rate(self) -> float | None:
        return self.errors / self.seen if self.seen else None

    @property
    def ms(self) -> float | None:
        return self.ms_total / self.ms_count if self.ms_count else None


@dataclass(frozen=True)
class SymbolStat:
    symbol: str
    seen: int
    errors: int
    error_rate: float             # 0..1 over all attempts
    mean_ms: float | None         # mean time to type it when right
    score: float                  # higher is weaker
    recent_error_rate: float | None   # over the last RECENT attempts
    before_error_rate: float | None   # over the attempts before those
    recent_ms: float | None
    before_ms: float | None


def _tally(history, into: dict[str, _Tally]) -> None:
    for target, keystrokes in history:
        keys, _ = replay(target, keystrokes)
        prev = None                      # the previous key, if it was a right character key
        for k in keys:
            if k.key == BACKSPACE or k.pos is None:
                prev = None
                continue
            ch = k.expected
            ms = None
            if k.correct and prev is not None and prev.pos == k.pos - 1 and k.t_ms - prev.t_ms <= PAUSE_MS:
                ms = k.t_ms - prev.t_ms
            if not ch.isspace():
                into.setdefault(ch, _Tally()).add(not k.correct, ms)
                before = target[k.pos - 1] if k.pos > 0 else ""
                if before and not before.isspace():
                    into.setdefault(before + ch, _Tally()).add(not k.correct, ms)
            prev = k if k.correct else None


def weakest(history, n: int = 10, recent: int = RECENT) -> list[SymbolStat]:
    """The ``n`` weakest symbols over ``history``, a list of (target, keystrokes), oldest first.

    Score = error rate + SLOW_WEIGHT x how much slower than the learner's median symbol
    (0 when not slower). A pair is left out when one of its characters is already listed:
    it would only repeat that character's misses.
    """
    everything: dict[str, _Tally] = defaultdict(_Tally)
    _tally(history, everything)
    late: dict[str, _Tally] = {}
    early: dict[str, _Tally] = {}
    _tally(history[-recent:], late)
    _tally(history[:-recent] if len(history) > recent else [], early)
    speeds = [t.ms for t in everything.values() if t.ms is not None and t.seen >= MIN_SEEN]
    typical = median(speeds) if speeds else None
    scored = []
    for sym, t in everything.items():
        if t.seen < MIN_SEEN:
            continue
        slow = max(0.0, t.ms / typical - 1) if (t.ms is not None and typical) else 0.0
        score = t.rate + SLOW_WEIGHT * slow
        if score <= 0:
            continue
        r, b = late.get(sym), early.get(sym)
        scored.append(SymbolStat(sym, t.seen, t.errors, t.rate, t.ms, score,
                                 r.rate if r else None, b.rate if b else None,
                                 r.ms if r else None, b.ms if b else None))
    scored.sort(key=lambda s: (-s.score, -s.seen, s.symbol))
    out: list[SymbolStat] = []
    for s in scored:
        if len(s.symbol) == 2 and any(o.symbol in s.symbol for o in out if len(o.symbol) == 1):
            continue
        out.append(s)
        if len(out) == n:
            break
    return out


@dataclass(frozen=True)
class Drill:
    text: str                  # what the learner types
    symbols: tuple[str, ...]   # the symbols it trains
    slugs: tuple[str, ...]     # the chapters its lines come from
    from_history: bool         # False: no history yet, so common trouble symbols


_COMMENT = re.compile(r"\s+#.*$")


def _code_part(line: str) -> str:
    """A line without its indentation and without a trailing comment (if outside quotes)."""
    line = line.strip()
    m = _COMMENT.search(line)
    if m and line[:m.start()].count('"') % 2 == 0 and line[:m.start()].count("'") % 2 == 0:
        line = line[:m.start()]
    return line


def build_drill(symbols, sources, *, max_lines: int = 6, max_chars: int = 320,
                from_history: bool = True) -> Drill:
    """A drill of real code lines rich in ``symbols`` (weakest first).

    ``sources`` is a list of (slug, code). Lines are picked greedily: the line that holds
    the most weight of still-uncovered symbols, where a symbol's weight halves each time a
    picked line holds it, so the drill spreads over all the symbols. Ties go to the earlier
    chapter and line, so the same history always gives the same drill.
    """
    symbols = tuple(dict.fromkeys(s for s in symbols if s))
    weight = {s: 1.0 / (1 + i * 0.25) for i, s in enumerate(symbols)}
    candidates = []
    for ci, (slug, code) in enumerate(sources):
        for li, raw in enumerate(code.split("\n")):
            line = _code_part(raw)
            if 8 <= len(line) <= 72 and not line.startswith("#"):
                candidates.append((ci, li, slug, line))
    picked, used = [], set()
    while len(picked) < max_lines:
        best, best_score = None, 0.0
        for c in candidates:
            if c[3] in used:
                continue
            score = sum(weight[s] * min(c[3].count(s), 3) for s in symbols)
            if score > best_score:
                best, best_score = c, score
        if best is None or (picked and sum(len(p[3]) + 1 for p in picked) + len(best[3]) > max_chars):
            break
        picked.append(best)
        used.add(best[3])
        for s in symbols:
            if s in best[3]:
                weight[s] /= 2
    text = "\n".join(p[3] for p in picked)
    trained = tuple(s for s in symbols if s in text)
    return Drill(text=text, symbols=trained, slugs=tuple(dict.fromkeys(p[2] for p in picked)),
                 from_history=from_history)


def drill_for(history, sources, n: int = 8) -> Drill:
    """The drill for a learner: their weakest symbols, or common trouble ones before any history."""
    weak = [s.symbol for s in weakest(history, n=n)]
    if weak:
        drill = build_drill(weak, sources)
        if drill.text:
            return drill
    return build_drill(DEFAULT_SYMBOLS, sources, from_history=False)
