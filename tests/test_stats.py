"""Header and progress statistics, from a real store."""
from datetime import date, datetime, timedelta

import pytest

from core.mastery import ChapterProgress, is_mastered
from core.stats import chapter_rows, daily_activity, day_streak, format_duration, header_stats
from core.store import open_store
from core.studyclock import IDLE_AFTER, MAX_GAP, StudyClock


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "lab.duckdb")


def test_day_streak():
    today = date(2026, 5, 10)
    days = {today, today - timedelta(1), today - timedelta(2), today - timedelta(5)}
    assert day_streak(days, today) == 3
    assert day_streak(days - {today}, today) == 2      # yesterday still counts
    assert day_streak({today - timedelta(3)}, today) == 0
    assert day_streak(set(), today) == 0


def test_mastery_rule():
    # solve it (8 of 10), say it (80%) and type it (95%): all three, each at its threshold
    done = ChapterProgress(solved=frozenset(range(1, 9)), best_say_back=80.0, best_typing_accuracy=0.95)
    assert is_mastered(done) and done.missing() == []
    assert not is_mastered(ChapterProgress(solved=frozenset(range(1, 8)), best_say_back=100,
                                           best_typing_accuracy=1.0))
    assert not is_mastered(ChapterProgress(solved=frozenset(range(1, 11)), best_say_back=79.9,
                                           best_typing_accuracy=1.0))
    assert not is_mastered(ChapterProgress(solved=frozenset(range(1, 11)), best_say_back=100,
                                           best_typing_accuracy=0.949))
    assert ChapterProgress().missing() == [
        "solve 8 more practice problems", "say the formula back at 80% or better",
        "type its code at 95% accuracy or better"]
    assert ChapterProgress(solved=frozenset(range(1, 8))).missing()[0] == "solve 1 more practice problem"



def test_header_stats(store):
    now = datetime.now()
    store.record_study("u", "vectors", 120, at=now)
    store.record_study("u", "vectors", 60, at=now - timedelta(days=1))
    store.record_study("u", "vectors", 999, at=now - timedelta(days=9))
    for n in range(1, 9):
        store.record_attempt("u", "vectors", n, "x", "correct")
    store.record_attempt("u", "relu", 1, "x", "correct")
    store.record_attempt("v", "relu", 1, "x", "correct")
    h = header_stats(store, "u", ["vectors", "relu"])
    assert (h.today_seconds, h.total_seconds, h.streak_days) == (120, 1179, 2)
    assert (h.mastered, h.chapters) == (0, 2)      # solved, but not yet said or typed
    assert (h.chars_typed, h.accuracy, h.wpm, h.char_streak) == (0, None, 0.0, 0)
    store.record_pronunciation("u", "vectors", "heard", 85.0)
    store.record_typing("u", "vectors", chars=100, errors=5, seconds=60, best_streak=40)
    store.record_typing("u", "relu", chars=50, errors=0, seconds=30, best_streak=50)
    h = header_stats(store, "u", ["vectors", "relu"])
    assert h.mastered == 1
    assert h.chars_typed == 150 and h.accuracy == pytest.approx(145 / 150)
    assert h.wpm == pytest.approx(145 / 5 / 1.5) and h.char_streak == 50


def test_a_day_counts_for_the_streak_once_the_learner_did_something(store):
    """A new profile whose page was open a few seconds shows Today 0m and Day streak 0."""
    today = datetime.now().date()
    store.record_study("u", "home", 20)             # the heartbeat's first seconds
    h = header_stats(store, "u", ["relu"])
    assert (format_duration(h.today_seconds), h.streak_days) == ("0m", 0)
    store.record_study("u", "relu", 40)             # a minute in all today: the header says 1m
    h = header_stats(store, "u", ["relu"])
    assert (format_duration(h.today_seconds), h.streak_days) == ("1m", 1)

    def streak_after(record) -> int:
        record()
        return header_stats(store, "v", ["relu"], today=today).streak_days

    assert streak_after(lambda: store.record_attempt("v", "relu", 1, "?", "invalid")) == 0  # unreadable
    assert streak_after(lambda: store.record_typing("v", "relu", chars=0, errors=0, seconds=1,
                                                    best_streak=0)) == 0              # nothing typed
    assert streak_after(lambda: store.record_attempt("v", "relu", 1, "1", "wrong")) == 1    # answered
    y = datetime.now() - timedelta(days=1)
    assert streak_after(lambda: store.record_typing("v", "relu", chars=5, errors=0, seconds=3,
                                                    best_streak=5, at=y)) == 2        # typed yesterday
    assert streak_after(lambda: store.record_pronunciation("v", "relu", "heard", 50.0,
                                                           at=y - timedelta(days=1))) == 3  # said it back


class Ch:
    def __init__(self, number, slug):
        self.number, self.slug, self.title = number, slug, slug.title()


def test_chapter_rows_and_daily_activity(store):
    store.record_attempt("u", "relu", 1, "1", "wrong")
    store.record_attempt("u", "relu", 1, "0", "correct")
    store.record_attempt("u", "relu", 1, "0", "correct")
    store.record_attempt("u", "relu", 2, "?", "invalid")
    store.record_study("u", "relu", 90)
    store.save_note("u", "relu", "short")
    store.save_note("u", "relu", "a longer note")
    rows = chapter_rows(store, "u", [Ch(1, "vectors"), Ch(2, "relu")])
    assert rows[0]["solved"] == 0 and rows[0]["accuracy"] is None
    assert rows[1] | {} == rows[1] and rows[1]["solved"] == 1 and rows[1]["attempts"] == 3
    assert rows[1]["accuracy"] == pytest.approx(2 / 3) and rows[1]["minutes"] == 1.5
    assert rows[1]["note_chars"] == len("a longer note")
    days = daily_activity(store, "u", days=7)
    assert len(days) == 7 and days[-1]["day"] == datetime.now().date()
    assert days[-1]["attempts"] == 3 and days[-1]["solved"] == 1 and days[-1]["minutes"] == 1.5


def test_study_clock_counts_active_time_only():
    c = StudyClock()
    assert c.tick(0, "vectors", interaction=True) is None
    assert c.tick(20, "vectors", interaction=False) == ("vectors", 20)
    assert c.tick(20 + 5 * MAX_GAP, "vectors", interaction=False) == ("vectors", MAX_GAP)  # capped
    assert c.tick(IDLE_AFTER + 400, "vectors", interaction=False) is None                  # idle
    assert c.tick(IDLE_AFTER + 410, "relu", interaction=True) is None                      # still idle gap
    assert c.tick(IDLE_AFTER + 430, "relu", interaction=False) == ("relu", 20)


def test_format_duration():
    assert format_duration(59) == "0m" and format_duration(61) == "1m" and format_duration(3720) == "1h 02m"


def test_study_clock_folds_tiny_gaps_into_the_next_tick():
    c = StudyClock()
    c.tick(100.0, "relu", interaction=True)
    assert c.tick(100.2, "relu", interaction=False) is None     # same run's heartbeat: too short
    assert c.tick(110.0, "relu", interaction=False) == ("relu", 10.0)
