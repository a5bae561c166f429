"""Study statistics for the header and the Progress page, from real queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.mastery import ChapterProgress, is_mastered, mastered_count
from core.store import Store


@dataclass(frozen=True)
class HeaderStats:
    today_seconds: float
    total_seconds: float
    streak_days: int
    mastered: int
    chapters: int
    chars_typed: int
    accuracy: float | None   # right character keys / all character keys, 0..1; None before any
    wpm: float               # correct characters / 5 per minute, over all attempts' typing time
    char_streak: int         # the longest run of right keys in one attempt


def day_streak(days: set[date], today: date) -> int:
    """Consecutive active days ending today (or yesterday, if today has none yet)."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


# A day counts toward the streak once the learner did something that day: studied for at least
# a minute (what the header's "Today" shows as 1m), answered a problem (a readable answer, right
# or wrong), typed, or said a formula back. A page left open for a few seconds does not count.
MIN_STUDY_SECONDS = 60


def active_days(store: Store, user: str) -> set[date]:
    rows = store.query(
        """SELECT CAST(ts AS DATE) FROM study_time WHERE user_id = ?
               GROUP BY 1 HAVING sum(seconds) >= ?
           UNION SELECT DISTINCT CAST(ts AS DATE) FROM practice_attempts
               WHERE user_id = ? AND verdict <> 'invalid'
           UNION SELECT DISTINCT CAST(ts AS DATE) FROM typing_attempts WHERE user_id = ? AND chars > 0
           UNION SELECT DISTINCT CAST(ts AS DATE) FROM pronunciation_attempts WHERE user_id = ?""",
        [user, MIN_STUDY_SECONDS, user, user, user])
    return {r[0] for r in rows}


def header_stats(store: Store, user: str, slugs: list[str], today: date | None = None) -> HeaderStats:
    today = today or datetime.now().date()
    total, today_s = store.query(
        "SELECT coalesce(sum(seconds), 0), coalesce(sum(seconds) FILTER (WHERE CAST(ts AS DATE) = ?), 0) "
        "FROM study_time WHERE user_id = ?", [today, user])[0]
    chars, errors, correct, seconds, streak = store.query(
        "SELECT coalesce(sum(chars), 0), coalesce(sum(errors), 0), coalesce(sum(correct), 0), "
        "coalesce(sum(seconds), 0), coalesce(max(best_streak), 0) FROM typing_attempts WHERE user_id = ?",
        [user])[0]
    return HeaderStats(
        today_seconds=float(today_s), total_seconds=float(total),
        streak_days=day_streak(active_days(store, user), today),
        mastered=mastered_count(store.chapter_progress(user), slugs), chapters=len(slugs),
        chars_typed=int(chars),
        accuracy=(chars - errors) / chars if chars else None,
        wpm=(correct / 5) / (seconds / 60) if seconds > 0 else 0.0,
        char_streak=int(streak),
    )


def chapter_rows(store: Store, user: str, chapters) -> list[dict]:
    """One row per chapter: what the learner has done there."""
    solved = store.solved(user)
    progress = store.chapter_progress(user)
    attempts = dict(((s, v), n) for s, v, n in store.query(
        "SELECT slug, verdict, count(*) FROM practice_attempts WHERE user_id = ? GROUP BY ALL", [user]))
    seconds = dict(store.query(
        "SELECT page, sum(seconds) FROM study_time WHERE user_id = ? GROUP BY page", [user]))
    notes = dict(store.query(
        "SELECT slug, arg_max(length(body), saved_at) FROM notes WHERE user_id = ? GROUP BY slug", [user]))
    rows = []
    for ch in chapters:
        right, wrong = attempts.get((ch.slug, "correct"), 0), attempts.get((ch.slug, "wrong"), 0)
        done = solved.get(ch.slug, set())
        rows.append({
            "number": ch.number, "slug": ch.slug, "title": ch.title,
            "solved": len(done), "attempts": right + wrong,
            "accuracy": right / (right + wrong) if right + wrong else None,
            "minutes": round(float(seconds.get(ch.slug, 0)) / 60, 1),
            "mastered": is_mastered(progress.get(ch.slug, ChapterProgress())), "note_chars": int(notes.get(ch.slug, 0)),
        })
    return rows


def daily_activity(store: Store, user: str, days: int = 30, today: date | None = None) -> list[dict]:
    """Study minutes, attempts and first solves per day for the last ``days`` days."""
    today = today or datetime.now().date()
    start = today - timedelta(days=days - 1)
    minutes = dict(store.query(
        "SELECT CAST(ts AS DATE), sum(seconds) / 60 FROM study_time WHERE user_id = ? AND ts >= ? GROUP BY 1",
        [user, start]))
    tries = dict(store.query(
        "SELECT CAST(ts AS DATE), count(*) FROM practice_attempts WHERE user_id = ? AND ts >= ? "
        "AND verdict <> 'invalid' GROUP BY 1", [user, start]))
    solves = dict(store.query(
        """SELECT day, count(*) FROM (
               SELECT CAST(min(ts) AS DATE) AS day FROM practice_attempts
               WHERE user_id = ? AND verdict = 'correct' GROUP BY slug, problem)
           WHERE day >= ? GROUP BY day""", [user, start]))
    return [{"day": start + timedelta(days=i),
             "minutes": round(float(minutes.get(start + timedelta(days=i), 0)), 1),
             "attempts": int(tries.get(start + timedelta(days=i), 0)),
             "solved": int(solves.get(start + timedelta(days=i), 0))}
            for i in range(days)]


def format_duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"
