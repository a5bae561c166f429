"""core.typing against keystroke logs worked out by hand."""
import math

import pytest

from core.typing import (BACKSPACE, MAX_KEYS, MAX_WPM, MIN_KEY_GAP_MS, MIN_KEYS_FOR_WPM, SIMULTANEOUS_KEYS,
                         SIMULTANEOUS_SHARE, AttemptError, consistency, kogasa, parse_attempt, stats, target_id,
                         target_text)


def log(target, timed_keys):
    """(key, t) pairs -> (key, t, correct) as the browser marks them, by replaying the caret."""
    from core.typing import key_matches, replay
    out = []
    for key, t in timed_keys:
        out.append((key, t, False))
        k = replay(target, out)[0][-1]
        out[-1] = (key, t, key != BACKSPACE and k.expected is not None and key_matches(key, k.expected))
    return out


def test_a_perfect_run():
    target = "abcdef"
    s = stats(target, log(target, [(c, 400 * i) for i, c in enumerate(target)]))
    # 6 keys over 2.0 s: 6 / 5 per 1/30 minute = 36 WPM; two whole seconds of 3 keys each
    assert (s.chars, s.errors, s.correct, s.seconds) == (6, 0, 6, 2.0)
    assert s.wpm == pytest.approx(36) and s.raw_wpm == pytest.approx(36)
    assert s.accuracy == 1.0 and s.best_streak == 6 and s.streak == 6 and s.completed
    assert [raw for _, raw, _ in s.per_second] == [36, 36]
    assert s.consistency == pytest.approx(100) and s.missed == ()


def test_a_corrected_error_still_counts_against_accuracy():
    target = "ab"
    keys = log(target, [("a", 0), ("x", 100), (BACKSPACE, 300), ("b", 500)])
    assert keys == [("a", 0, True), ("x", 100, False), (BACKSPACE, 300, False), ("b", 500, True)]
    s = stats(target, keys)
    assert (s.chars, s.errors, s.correct) == (3, 1, 2)       # Backspace is not a character key
    assert s.accuracy == pytest.approx(2 / 3)
    assert s.wpm == pytest.approx(2 / 5 / (0.5 / 60))           # 48: correct characters left
    assert s.raw_wpm == pytest.approx(3 / 5 / (0.5 / 60))       # 72: every character key
    assert (s.best_streak, s.streak) == (1, 1) and s.completed
    assert s.missed == (("b", 1),)


def test_long_pauses_count_as_time_and_hurt_consistency():
    target = "abcd"
    s = stats(target, log(target, [("a", 0), ("b", 100), ("c", 10_100), ("d", 10_200)]))
    assert s.seconds == pytest.approx(10.2)
    assert s.wpm == pytest.approx(4 / 5 / (10.2 / 60))
    # ten buckets: second 1 has 2 keys (24 WPM), seconds 2-9 none, the last (1.2 s, the 0.2 s
    # tail folded in) has 2 keys: 2 * 12 / 1.2 = 20 WPM
    series = [raw for _, raw, _ in s.per_second]
    assert series == pytest.approx([24] + [0] * 8 + [20])
    mean = sum(series) / 10
    cov = math.sqrt(sum((x - mean) ** 2 for x in series) / 10) / mean
    assert s.consistency == pytest.approx(kogasa(cov)) and s.consistency < 1


def test_consistency_follows_monkeytype():
    assert kogasa(0) == 100
    assert kogasa(0.5) == pytest.approx(100 * (1 - math.tanh(0.5 + 0.125 / 3 + 0.03125 / 5)))
    target = "abcdefgh"   # 6 keys in the first second, 2 in the second: 72 and 24 WPM
    s = stats(target, log(target, [(c, t) for c, t in zip(target, [0, 150, 300, 450, 600, 750, 1400, 2000])]))
    assert [raw for _, raw, _ in s.per_second] == pytest.approx([72, 24])
    assert s.consistency == pytest.approx(kogasa(24 / 48))


def test_an_empty_attempt_gives_zeros():
    for keys in ([], [(BACKSPACE, 0, False)], [(BACKSPACE, 0, False), (BACKSPACE, 50, False)]):
        s = stats("abc", keys)
        assert (s.chars, s.errors, s.wpm, s.raw_wpm, s.accuracy, s.best_streak) == (0,) * 6
        assert s.consistency is None and not s.completed and s.per_second == ()


@pytest.mark.parametrize("times, buckets", [
    ([0, 200, 400], 1),                 # 0.4 s: one part-second
    ([0, 300, 990], 1),                 # just under a second
    ([0, 500, 1000], 1),                # exactly one second
    ([0, 600, 1200], 1),                # 1.2 s: the 0.2 s tail is folded into the first second
    ([0, 1000, 1499], 1),
])
def test_under_two_seconds_to_compare_there_is_no_consistency(times, buckets):
    target = "abc"
    s = stats(target, log(target, list(zip(target, times))))
    assert len(s.per_second) == buckets and s.wpm > 0
    assert s.consistency is None                 # not 100: one second has no spread to measure
    assert consistency([]) is None and consistency([40.0]) is None


def test_from_two_seconds_on_there_is_a_consistency():
    target = "abc"
    s = stats(target, log(target, [("a", 0), ("b", 400), ("c", 1500)]))    # a 0.5 s tail: its own
    assert [raw for _, raw, _ in s.per_second] == pytest.approx([24, 24])
    assert s.consistency == pytest.approx(100)


def test_a_paste_every_key_at_one_instant_is_finite():
    target = "import numpy as np"
    s = stats(target, [(c, 0, True) for c in target])
    figures = (s.wpm, s.raw_wpm, s.accuracy, s.seconds)
    assert all(math.isfinite(x) for x in figures)
    assert (s.wpm, s.raw_wpm, s.consistency, s.per_second) == (0, 0, None, ())
    assert s.chars == len(target) and s.completed


def test_enter_skips_indentation_and_tab_indents():
    target = target_text("def f(x):\n    return x\n\n    y  \n")
    assert target == "def f(x):\n    return x\n\n    y"
    keys = log(target, [(c, 10 * i) for i, c in enumerate("def f(x):\nreturn x\n\ny")])
    s = stats(target, keys)
    assert s.completed and s.errors == 0
    assert s.chars == len("def f(x):\nreturn x\n\ny")      # the 8 skipped spaces are never typed
    keys = log("    b", [("\t", 0), ("b", 100)])
    assert keys == [("\t", 0, True), ("b", 100, True)] and stats("    b", keys).completed
    # Enter in the middle of a line is a miss of that character, and skips nothing
    keys = log("ab\n  c", [("a", 0), ("\n", 10)])
    assert keys[-1] == ("\n", 10, False)
    # Backspace takes back the newline together with the indentation it skipped
    keys = log("a\n  b", [("a", 0), ("\n", 10), (BACKSPACE, 20), ("\n", 30), ("b", 40)])
    assert [k[2] for k in keys] == [True, True, False, True, True] and stats("a\n  b", keys).completed


def _value(target, keys, **extra):
    return {"id": "a1", "target_id": target_id(target), "keys": [list(k) for k in keys], **extra}


def test_parse_attempt_accepts_a_sound_value():
    target = "x = 1"
    a = parse_attempt(_value(target, log(target, [(c, 100 * i) for i, c in enumerate(target)])), target)
    assert a.stats.completed and a.stats.accuracy == 1.0 and a.kind == "chapter" and len(a.keystrokes) == 5


@pytest.mark.parametrize("value, says", [
    ("nonsense", "not an attempt"),
    ({"id": "a1", "target_id": "zzz", "keys": []}, "different text"),
    ({"id": "", "target_id": target_id("ab"), "keys": []}, "id"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": "ab"}, "no keystroke log"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", 0, True]] * (MAX_KEYS + 1)}, "at most"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", 0]]}, "malformed"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["ab", 0, True]]}, "not a character"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", float("nan"), True]]}, "impossible time"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", 50, True], ["b", 10, True]]}, "impossible time"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", 0, False]]}, "marked wrong"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["a", 0, True], ["b", 1, True], ["c", 2, True]]},
     "past the end"),
    ({"id": "a1", "target_id": target_id("ab"), "keys": [["Backspace", 0, False]]}, "Nothing was typed"),
])
def test_parse_attempt_rejects_malformed_values_with_a_reason(value, says):
    with pytest.raises(AttemptError, match=says):
        parse_attempt(value, "ab")


# -- forged attempts: a log no person could have typed is refused, and says why ---------

FORGED_TARGET = "def norm(v):\n    return sum(x * x for x in v) ** 0.5"    # 48 keys to type


def _typed(target, gaps):
    """A right log of ``target``, each key ``gaps(i)`` ms after the one before."""
    from core.typing import keys_to_type
    timed, t = [], 0.0
    for i, c in enumerate(keys_to_type(target)):
        t += gaps(i) if i else 0
        timed.append((c, t))
    return log(target, timed)


def _parse(keys):
    return parse_attempt(_value(FORGED_TARGET, keys), FORGED_TARGET)


@pytest.mark.parametrize("gap, says", [
    (0.001, "47 keys of that attempt came under 5 ms"),      # 12 million WPM
    (0, "47 keys of that attempt came under 5 ms"),          # all at once: no time, no WPM
    (4.9, "came under 5 ms after the one before, faster than anyone types"),
    (20, "613 WPM, above the 350 WPM no one types past"),     # each gap could be a rollover; not all
    (34, "360 WPM, above the 350 WPM"),
])
def test_a_perfect_log_faster_than_a_person_is_refused(gap, says):
    with pytest.raises(AttemptError, match=says):
        _parse(_typed(FORGED_TARGET, lambda i: gap))


def test_a_fast_human_and_a_few_keys_pressed_together_are_accepted():
    fast = _parse(_typed(FORGED_TARGET, lambda i: 36))
    assert fast.stats.completed and 340 < fast.stats.raw_wpm <= MAX_WPM
    rolled = _typed(FORGED_TARGET, lambda i: 0 if i in (5, 9, 20) else 120)    # three keys pressed together
    assert _parse(rolled).stats.completed
    burst = log(FORGED_TARGET, [("d", 0), ("e", 1), ("f", 2)])                  # then a reset: not 2,400 WPM
    assert not _parse(burst).stats.completed


def test_keys_together_are_allowed_in_proportion_to_a_long_attempt():
    target = "\n".join(["for x in v: total += x * x"] * 20)                   # 539 keys
    from core.typing import keys_to_type
    n = len(keys_to_type(target))
    allowed = int(SIMULTANEOUS_SHARE * (n - 1))
    assert allowed > SIMULTANEOUS_KEYS

    def attempt(together):
        return parse_attempt(_value(target, _typed(target, lambda i: 0 if i % 10 == 1 and i // 10 < together
                                                   else 150)), target)
    assert attempt(allowed).stats.completed
    with pytest.raises(AttemptError, match=f"^{allowed + 1} keys of that attempt came under"):
        attempt(allowed + 1)


@pytest.mark.parametrize("times", [[-1, 100, 200], [0, 200, 100], [0, 100, float("inf")], [0, 100, 3 * 3600_001]])
def test_negative_backward_or_endless_times_are_refused(times):
    keys = log("abc", list(zip("abc", times)))
    with pytest.raises(AttemptError, match="impossible time"):
        parse_attempt(_value("abc", keys), "abc")


def test_the_store_keeps_each_attempt_with_its_log(tmp_path):
    import duckdb

    from core.store import MIGRATIONS, migrate, open_store
    # a database from before 004: its typing rows count as finished chapter attempts
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for name, statements in [m for m in MIGRATIONS if m[0] < "004"]:
        for sql in statements:
            con.execute(sql)
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
    con.execute("INSERT INTO typing_attempts VALUES ('u', 'relu', now(), 100, 4, 60, 50)")
    assert "004_typing_attempt_log" in migrate(con)
    assert con.execute("SELECT correct, completed, kind FROM typing_attempts").fetchall() == [(96, True, "chapter")]
    con.close()

    store = open_store(path)
    target = "a = b @ c"
    keys = log(target, [(c, 100 * i) for i, c in enumerate("a = x")] + [(BACKSPACE, 600)]
               + [(c, 700 + 100 * i) for i, c in enumerate("b @ c")])
    attempt = parse_attempt(_value(target, keys), target)
    store.record_typing_attempt("u", "vectors", attempt)
    partial = parse_attempt(_value(target, keys[:3]), target)          # reset before the end
    store.record_typing_attempt("u", "softmax", partial)
    drill = parse_attempt(_value(target, keys), target, kind="drill")
    store.record_typing_attempt("u", "dot_product", drill)
    assert store.typing_history("u") == [(target, keys), (target, keys[:3]), (target, keys)]
    progress = store.chapter_progress("u")
    assert progress["vectors"].best_typing_accuracy == pytest.approx(9 / 10)
    assert progress["relu"].best_typing_accuracy == pytest.approx(0.96)
    assert "softmax" not in progress and "dot_product" not in progress      # unfinished; a drill
    row = store.query("SELECT chars, errors, correct, completed, kind FROM typing_attempts "
                      "WHERE slug = 'vectors'")
    assert row == [(10, 1, 9, True, "chapter")]


def test_the_store_keeps_no_consistency_as_null(tmp_path):
    from core.stats import header_stats
    from core.store import open_store
    store = open_store(tmp_path / "lab.duckdb")
    target = "x = np.dot(a, b)"
    quick = parse_attempt(_value(target, log(target, [(c, 50 * i) for i, c in enumerate(target)])), target)
    slow = parse_attempt(_value(target, log(target, [(c, 250 * i) for i, c in enumerate(target)])), target)
    assert quick.stats.seconds < 1 and quick.stats.consistency is None
    assert slow.stats.seconds > 3 and 0 < slow.stats.consistency < 100
    store.record_typing_attempt("u", "quick", quick)
    store.record_typing_attempt("u", "slow", slow)
    rows = store.query("SELECT slug, consistency FROM typing_attempts ORDER BY slug")
    assert rows == [("quick", None), ("slow", pytest.approx(slow.stats.consistency))]   # NULL: not 0 or 100
    header = header_stats(store, "u", ["quick", "slow"])                # a reader copes with it
    assert header.chars_typed == 2 * len(target) and header.accuracy == 1.0


def test_keys_to_type_skip_the_indentation_enter_fills_in():
    from core.typing import keys_to_type
    assert keys_to_type("def f(x):\n    if x:\n        return 1\n") == "def f(x):\nif x:\nreturn 1\n"
    assert keys_to_type("a  b") == "a  b" and keys_to_type("") == ""


# -- properties over random keystroke logs ---------------------------------------------

from hypothesis import assume, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from core.typing import Stats, key_matches, replay  # noqa: E402

_line = st.tuples(st.integers(0, 8), st.text("ab(x) =.:,", max_size=8))     # (indent, code)
_action = st.tuples(st.sampled_from(["right"] * 6 + ["wrong", "slip", "back", "enter"]),
                    st.integers(0, 900), st.booleans())                     # (what, gap ms, variant)


def _code(lines, indents=None):
    """A target from (indent, code) lines, the first one typed never indented; ``indents``
    overrides the lines' own."""
    pairs = list(zip(indents or [n for n, _ in lines], [c for _, c in lines]))
    while pairs and not pairs[0][1].strip():
        pairs.pop(0)                                    # target_text drops leading blank lines
    return target_text("\n".join((" " * n if i else "") + code for i, (n, code) in enumerate(pairs)))


def _browser(target, actions):
    """The log typing_trainer.js keeps for a run of actions, and how the attempt ended.

    right: the key the caret wants (Enter on a newline; with the variant, Tab on a space);
    wrong: a key it does not want (with the variant, Enter); slip: a wrong key then Backspace;
    back: Backspace; enter: Enter. As in the script: Backspace before the first key is dropped;
    past a wrong last character only Backspace and Enter do anything, Enter ending the attempt;
    a right last character ends it."""
    out, t = [], None

    def press(key, at):
        caret = replay(target, out)[1]
        correct = key != BACKSPACE and key_matches(key, target[caret])
        out.append((key, at, correct))
        return correct and replay(target, out)[1] >= len(target)

    for what, gap, variant in actions:
        t = 0.0 if t is None else t + gap
        caret = replay(target, out)[1]
        if not out and what in ("back", "slip"):
            t = None
            continue
        if caret >= len(target):
            if what == "enter":
                return out, "enter"
            if what not in ("back", "slip"):
                continue
        if what == "back" or (what == "slip" and caret >= len(target)):
            press(BACKSPACE, t)
            continue
        want = target[caret]
        if what == "right":
            key = "\t" if variant and want == " " else want
        elif what == "enter":
            key = "\n"
        else:
            key = "\n" if variant and want != "\n" else "#"
        if press(key, t):
            return out, "right"
        if what == "slip":
            t += 1 + gap // 3
            press(BACKSPACE, t)
    return out, None


def _lengths(s):
    """The bucket lengths per_second divides by: whole seconds, the last one what is left."""
    k = len(s.per_second)
    return [1.0] * (k - 1) + [s.seconds - (k - 1)] if k else []


@settings(max_examples=300, deadline=None)
@given(st.lists(_line, min_size=1, max_size=6), st.lists(_action, max_size=60))
@example([(0, "ab"), (4, "c")], [("right", 0, False), ("wrong", 600, True), ("right", 700, False),
                                 ("wrong", 800, False), ("right", 900, False), ("enter", 5000, False)])
def test_the_figures_hold_for_any_keystroke_log(lines, actions):
    target = _code(lines)
    assume(target)
    keys, ended = _browser(target, actions)
    s = stats(target, keys)
    typed = [k for k in keys if k[0] != BACKSPACE]
    if not typed:
        assert s == Stats()
        return
    try:                                                                    # the browser's log is sound,
        assert parse_attempt(_value(target, keys), target).stats == s
    except AttemptError as exc:                                             # unless faster than a person
        gaps = [b[1] - a[1] for a, b in zip(keys, keys[1:])]
        together = sum(g < MIN_KEY_GAP_MS for g in gaps)
        too_fast = s.chars >= MIN_KEYS_FOR_WPM and s.raw_wpm > MAX_WPM
        assert together > max(SIMULTANEOUS_KEYS, int(SIMULTANEOUS_SHARE * len(gaps))) or too_fast, exc
        assert "faster than anyone types" in str(exc) or "no one types past" in str(exc)
    # accuracy: right character keys over all of them, corrected misses included
    assert s.chars == len(typed) and s.errors == sum(not ok for _, _, ok in typed)
    assert s.accuracy == (s.chars - s.errors) / s.chars
    # WPM counts the right characters left standing, each one; raw WPM every character key
    assert 0 <= s.correct <= s.chars - s.errors
    assert s.seconds == keys[-1][1] / 1000
    if s.seconds > 0:
        assert s.wpm == pytest.approx(s.correct / 5 / (s.seconds / 60))
        assert s.raw_wpm == pytest.approx(s.chars / 5 / (s.seconds / 60)) and s.wpm <= s.raw_wpm
    else:
        assert s.wpm == s.raw_wpm == 0 and s.per_second == ()
    assert s.streak <= s.best_streak <= s.chars - s.errors
    # every key lands in some second, the last part-second included
    assert sum(raw * n / 12 for (_, raw, _), n in zip(s.per_second, _lengths(s))) == pytest.approx(
        s.chars if s.seconds > 0 else 0)
    assert sum(w for _, _, w in s.per_second) == (s.errors if s.seconds > 0 else 0)
    # consistency: none under two seconds to compare, else kogasa of the per-second spread
    if s.seconds < 1.5:
        assert len(s.per_second) <= 1 and s.consistency is None
    else:
        raws = [raw for _, raw, _ in s.per_second]
        mean = sum(raws) / len(raws)
        cov = math.sqrt(sum((x - mean) ** 2 for x in raws) / len(raws)) / mean
        assert len(raws) >= 2 and 0 <= s.consistency <= 100
        assert s.consistency == pytest.approx(kogasa(cov), abs=1e-9)
    assert all(math.isfinite(x) for x in (s.wpm, s.raw_wpm, s.accuracy, s.seconds))
    # an attempt ends on a right last character, or on Enter past a wrong one: either way complete
    if ended == "right":
        assert keys[-1][2] and s.completed
    if ended == "enter":
        assert s.completed and not [k for k in keys if k[0] != BACKSPACE][-1][2]


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, min_size=2, max_size=5), st.lists(st.integers(0, 8), min_size=5, max_size=5),
       st.lists(_action.filter(lambda a: a[0] in ("right", "slip", "back")).map(lambda a: (a[0], a[1], False)),
                max_size=50))
def test_indentation_never_counts(lines, other_indents, actions):
    """The same keys on the same code indented differently give the very same figures."""
    a, b = _code(lines), _code(lines, other_indents[:len(lines)])
    assume(a and a != b)
    assert stats(a, _browser(a, actions)[0]) == stats(b, _browser(b, actions)[0])


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, min_size=1, max_size=4), st.lists(st.integers(1, 700), min_size=1, max_size=8),
       st.integers(0, 10_000))
def test_one_miss_left_standing_costs_one_character(lines, gaps, pick):
    """WPM counts characters, not whole words: a miss costs its own character, however long
    the word it is in."""
    from core.typing import keys_to_type
    target = _code(lines)
    keys = keys_to_type(target)
    spots = [i for i, c in enumerate(keys[:-1]) if c != "\n"]
    assume(spots)
    i = spots[pick % len(spots)]
    times = [sum(gaps[k % len(gaps)] for k in range(j)) for j in range(len(keys))]
    clean = stats(target, log(target, list(zip(keys, times))))
    missed = stats(target, log(target, list(zip(keys[:i] + "#" + keys[i + 1:], times))))
    assert clean.completed and missed.completed and missed.errors == 1
    assert missed.correct == clean.correct - 1 == len(keys) - 1
    if clean.seconds > 0:
        assert clean.wpm - missed.wpm == pytest.approx(1 / 5 / (clean.seconds / 60))
        assert missed.raw_wpm == clean.raw_wpm
