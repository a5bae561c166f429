"""core.typing against keystroke logs worked out by hand."""
import math

import pytest

from core.typing import (BACKSPACE, MAX_KEYS, AttemptError, kogasa, parse_attempt, stats, target_id,
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
        assert (s.chars, s.errors, s.wpm, s.raw_wpm, s.accuracy, s.consistency, s.best_streak) == (0,) * 7
        assert not s.completed and s.per_second == ()


def test_a_paste_every_key_at_one_instant_is_finite():
    target = "import numpy as np"
    s = stats(target, [(c, 0, True) for c in target])
    figures = (s.wpm, s.raw_wpm, s.accuracy, s.consistency, s.seconds)
    assert all(math.isfinite(x) for x in figures)
    assert (s.wpm, s.raw_wpm, s.consistency, s.per_second) == (0, 0, 0, ())
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


def test_keys_to_type_skip_the_indentation_enter_fills_in():
    from core.typing import keys_to_type
    assert keys_to_type("def f(x):\n    if x:\n        return 1\n") == "def f(x):\nif x:\nreturn 1\n"
    assert keys_to_type("a  b") == "a  b" and keys_to_type("") == ""
