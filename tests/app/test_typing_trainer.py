"""The typing trainer on a chapter page and on Progress, with the component's value injected."""
import re

from core.content import chapter_by_slug
from core.typing import BACKSPACE, MAX_KEYS, key_matches, replay, target_id, target_text

SLUG = "vectors"


def _keys(target, typed, gap=120.0):
    """A keystroke log of ``typed`` (BACKSPACE allowed), marked right or wrong as the browser does."""
    out = []
    for i, key in enumerate(typed):
        out.append([key, i * gap, False])
        k = replay(target, out)[0][-1]
        out[-1][2] = key != BACKSPACE and k.expected is not None and key_matches(key, k.expected)
    return out


def _typed_through(target):
    """What a learner types for ``target``: every character except indentation Enter skips."""
    typed, i = [], 0
    while i < len(target):
        typed.append(target[i])
        if target[i] == "\n":
            i += 1
            while i < len(target) and target[i] == " ":
                i += 1
        else:
            i += 1
    return typed


def _inject(at, key, target, typed, aid, gap=120.0, completed=True):
    at.session_state[key] = {"attempt": {"id": aid, "target_id": target_id(target), "completed": completed,
                                         "keys": _keys(target, typed, gap)}}
    return at.run()


def _result(at):
    return next(m.value for m in at.markdown if "fl-typing-result" in m.value)


def _header(at):
    return next(m.value for m in at.markdown if 'data-testid="fl-stats"' in m.value)


def test_an_attempt_is_stored_shown_and_masters_only_at_95_percent(app, db):
    at = app
    at.switch_page(chapter_by_slug(SLUG).page_file).run()
    assert not at.exception, at.exception
    assert "Accuracy<b>—</b>" in _header(at)          # nothing typed yet
    user, box = at.session_state["user"], f"{SLUG}.typing.box"
    target = target_text(chapter_by_slug(SLUG).code.source)
    assert at.get_by_key(box) is not None

    # A finished run with one miss, corrected: 'i' typed as 'u', then Backspace.
    typed = ["u", BACKSPACE] + _typed_through(target)
    _inject(at, box, target, typed, "first")
    assert not at.exception, at.exception
    chars = len(typed) - 1
    row = db.query("SELECT chars, errors, correct, completed, kind, target, length(keystrokes) > 10 "
                   "FROM typing_attempts WHERE user_id = ?", [user])
    assert row == [(chars, 1, chars - 1, True, "chapter", target, True)]
    header = _header(at)
    assert f"Chars<b>{chars:,}</b>" in header and f"Accuracy<b>{(chars - 1) / chars:.0%}</b>" in header
    assert "Char streak<b>" + str(chars - 1) + "</b>" in header
    result = next(m.value for m in at.markdown if "fl-typing-result" in m.value)
    assert "Errors<b>1</b>" in result and "**Missed most:** `i` ×1" in [m.value for m in at.markdown]
    assert at.get("plotly_chart")
    assert db.chapter_progress(user)[SLUG].best_typing_accuracy >= 0.95

    # The same value again (any rerun) is not stored twice.
    at.run()
    assert db.query("SELECT count(*) FROM typing_attempts WHERE user_id = ?", [user]) == [(1,)]


def test_an_attempt_under_two_seconds_shows_and_stores_no_consistency(app, db):
    at = app
    at.switch_page(chapter_by_slug(SLUG).page_file).run()
    user, box = at.session_state["user"], f"{SLUG}.typing.box"
    target = target_text(chapter_by_slug(SLUG).code.source)
    typed = _typed_through(target)
    # A human cannot type the whole code in under two seconds (that would be past 350 WPM,
    # refused as forged), so the short attempt is one reset after 12 keys, 75 ms apart.
    _inject(at, box, target, list(target[:12]), "quick", gap=75, completed=False)
    assert not at.exception, at.exception
    assert "Consistency<b>—</b>" in _result(at), _result(at)             # not 100%
    assert db.query("SELECT consistency FROM typing_attempts WHERE user_id = ?", [user]) == [(None,)]
    _inject(at, box, target, typed, "steady")                            # 120 ms a key: seconds of typing
    assert not at.exception, at.exception
    assert re.search(r"Consistency<b>\d+%</b>", _result(at))
    stored = db.query("SELECT consistency FROM typing_attempts WHERE user_id = ? ORDER BY ts", [user])
    assert stored[0] == (None,) and 0 <= stored[1][0] <= 100
    at.switch_page("app_pages/progress.py").run()                        # its readers cope with none
    assert not at.exception, at.exception
    assert f"Chars<b>{12 + len(typed):,}</b>" in _header(at)


def test_a_reset_attempt_is_kept_but_does_not_master(app, db):
    at = app
    at.switch_page(chapter_by_slug(SLUG).page_file).run()
    user, box = at.session_state["user"], f"{SLUG}.typing.box"
    target = target_text(chapter_by_slug(SLUG).code.source)
    _inject(at, box, target, list(target[:10]), "partial")
    assert not at.exception, at.exception
    assert db.query("SELECT completed FROM typing_attempts WHERE user_id = ?", [user]) == [(False,)]
    assert SLUG not in db.chapter_progress(user)
    assert any("Reset before the end" in c.value for c in at.caption)


def test_a_malformed_or_oversized_value_gets_a_message_and_is_not_stored(app, db):
    at = app
    at.switch_page(chapter_by_slug(SLUG).page_file).run()
    box = f"{SLUG}.typing.box"
    target = target_text(chapter_by_slug(SLUG).code.source)
    bad = [
        ({"id": "x1", "target_id": target_id(target), "keys": [["i", 0, True]] * (MAX_KEYS + 1)}, "at most"),
        ({"id": "x2", "target_id": target_id(target), "keys": [["i", "soon", True]]}, "impossible time"),
        ({"id": "x3", "target_id": target_id(target), "keys": [["i", 0, False]]}, "marked wrong"),
        ({"id": "x4", "target_id": "elsewhere", "keys": []}, "different text"),
        ("not a dict", "not an attempt"),
    ]
    for value, says in bad:
        at.session_state[box] = {"attempt": value}
        at.run()
        assert not at.exception, at.exception
        assert any(says in e.value for e in at.error), (says, [e.value for e in at.error])
    assert db.query("SELECT count(*) FROM typing_attempts") == [(0,)]


def test_drill_from_the_chapter_and_from_progress(app, db):
    at = app
    at.switch_page(chapter_by_slug(SLUG).page_file).run()
    user, box = at.session_state["user"], f"{SLUG}.typing.box"
    target = target_text(chapter_by_slug(SLUG).code.source)
    # Miss every '(' on the way through: '(' typed as '9', then corrected.
    typed = []
    for ch in _typed_through(target):
        typed += ["9", BACKSPACE, ch] if ch == "(" else [ch]
    _inject(at, box, target, typed, "with-misses")
    at.button(key=f"{SLUG}.typing.drill_button").click().run()
    assert not at.exception, at.exception
    drill = at.session_state[f"{SLUG}.typing.drill"]
    assert drill.from_history and "(" in drill.symbols[:2] and "(" in drill.text
    assert any("Drill on your weakest symbols" in c.value for c in at.caption)
    # A drill attempt is stored as a drill and does not count toward the chapter.
    _inject(at, box, drill.text, _typed_through(drill.text), "drill-1")
    assert not at.exception, at.exception
    assert db.query("SELECT kind, slug FROM typing_attempts WHERE user_id = ? ORDER BY ts", [user])[-1] == \
        ("drill", SLUG)
    at.button(key=f"{SLUG}.typing.back_button").click().run()
    assert f"{SLUG}.typing.drill" not in at.session_state

    at.switch_page("app_pages/progress.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[1].value                      # after the chapter table
    assert "(" in table["Symbol"].iloc[0] and table["Error rate"].iloc[0] > 20   # '(' or a pair ending in it
    at.button(key="progress.typing.drill_button").click().run()
    assert not at.exception, at.exception
    assert at.get_by_key("progress.typing.box") is not None
    assert "(" in at.session_state["progress.typing.drill"].text
