"""Weak symbols and drills on a made-up history."""
import pytest

from core.drills import DEFAULT_SYMBOLS, build_drill, drill_for, weakest
from core.typing import BACKSPACE, key_matches, replay

SOURCES = [
    ("matmul", "import numpy as np\n\nA = np.ones((2, 3))\nB = A @ A.T    # a comment\nprint(A @ B)\n"),
    ("norm", "import numpy as np\n\ndef norm(v):\n    return np.sqrt((v ** 2).sum())\n\nx = v[:, None] ** 2\n"),
    ("plain", "total = 0\nfor value in values:\n    total = total + value\n"),
]


def attempt(target, typed, gap=100, slow=None):
    """A log for ``typed`` on ``target``; keys in ``slow`` take 600 ms instead of ``gap``."""
    out, t = [], 0.0
    for key in typed:
        t += 600 if slow and key in slow else gap
        out.append((key, t, False))
        k = replay(target, out)[0][-1]
        out[-1] = (key, t, key != BACKSPACE and k.expected is not None and key_matches(key, k.expected))
    return target, out


def through(target, miss=""):
    """Type ``target``, missing each character in ``miss`` once (a wrong key, then Backspace)."""
    keys, i = [], 0
    while i < len(target):
        ch = target[i]
        if ch in miss:
            keys += ["#", BACKSPACE]
        keys.append(ch)
        i += 1
        if ch == "\n":
            while i < len(target) and target[i] == " ":
                i += 1
    return keys


def test_the_symbol_missed_most_is_the_weakest():
    line = "y = a @ b + c @ d @ e"
    history = [attempt(line, through(line, miss="@")) for _ in range(3)]
    weak = weakest(history)
    assert weak[0].symbol == "@"
    assert (weak[0].seen, weak[0].errors) == (18, 9)       # 3 attempts x 3 '@' x (wrong + right)
    assert weak[0].error_rate == pytest.approx(0.5)
    # pairs ending in '@' only repeat its misses, so they are not listed beside it
    assert all("@" not in w.symbol for w in weak[1:])


def test_a_slow_pair_is_weak_even_without_misses():
    line = "z = x ** 2 + y ** 3 + w ** 4"
    history = [attempt(line, through(line), slow="*") for _ in range(3)]
    weak = weakest(history)
    assert weak and weak[0].symbol in {"*", "**"} and weak[0].errors == 0
    assert weak[0].mean_ms == pytest.approx(600)


def test_recent_attempts_are_compared_with_the_earlier_ones():
    line = "p = q[:, None]"
    history = [attempt(line, through(line, miss="[")) for _ in range(5)] + \
              [attempt(line, through(line)) for _ in range(5)]
    by_symbol = {w.symbol: w for w in weakest(history, n=50)}
    w = by_symbol["["]
    assert w.before_error_rate == pytest.approx(0.5) and w.recent_error_rate == 0
    assert weakest(history[:2], n=50, recent=5)[0].before_error_rate is None   # nothing before


def test_the_drill_is_built_from_real_lines_holding_the_symbols():
    drill = build_drill(["@", "**"], SOURCES)
    lines = drill.text.split("\n")
    assert "B = A @ A.T" in lines and "print(A @ B)" in lines      # comment and indentation gone
    assert "return np.sqrt((v ** 2).sum())" in lines
    assert "import numpy as np" not in lines and "total = 0" not in lines
    assert drill.symbols == ("@", "**") and drill.slugs == ("matmul", "norm")
    assert drill == build_drill(["@", "**"], SOURCES)                # same history, same drill
    assert len(build_drill(["@", "**", "(", "["], SOURCES, max_lines=2).text.split("\n")) == 2


def test_drill_for_a_history_and_for_none():
    line = "x = v[:, None] ** 2"
    history = [attempt(line, through(line, miss=":")) for _ in range(3)]
    drill = drill_for(history, SOURCES)
    assert drill.from_history and ":" in drill.symbols and "x = v[:, None] ** 2" in drill.text.split("\n")
    fresh = drill_for([], SOURCES)
    assert not fresh.from_history and fresh.text and set(fresh.symbols) <= set(DEFAULT_SYMBOLS)
