"""What a team lead sees: every learner's progress from a few grouped queries, never their notes.

Each figure is one query over all learners (not one per learner), so a team of hundreds renders
quickly. SQL here runs on DuckDB and PostgreSQL alike: ratios of integer columns are cast first.
Notes are read only as "has notes": a lead never sees a note's text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.mastery import (PROBLEMS_TO_MASTER, SAY_IT_BACK_TO_MASTER, TYPING_ACCURACY_TO_MASTER,
                          ChapterProgress, is_mastered)

LEADS_ENV = "FORMULA_LAB_LEADS"
MAX_ANSWER_SHOWN = 80      # characters of a wrong answer shown to a lead
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class LearnerRow:
    user: str
    name: str                       # the readable part of the id: the store keeps no names
    last_active: datetime | None
    week_seconds: float
    mastered: int
    in_progress: int
    accuracy: float | None          # correct / (correct + wrong) practice answers, 0..1
    best_say_back: float | None     # percent
    wpm: float                      # correct characters / 5 per minute of typing, as the header's
    has_notes: bool


def leads_from(secrets_value, env_value: str | None) -> frozenset[str]:
    """Lead emails from FORMULA_LAB_LEADS ("a@x, b@y") or secrets ``leads = [...]``; lower case."""
    raw: list = []
    if env_value:
        raw = str(env_value).split(",")
    elif isinstance(secrets_value, str):
        raw = secrets_value.split(",")
    elif secrets_value:
        try:
            raw = [str(v) for v in secrets_value]
        except TypeError:
            raw = []
    return frozenset(e.strip().lower() for e in raw if isinstance(e, str) and "@" in e.strip())


def display_name(user: str) -> str:
    """A readable name from an id: a local profile's name, or a signed-in id's subject."""
    if user.startswith("local:"):
        return user[6:] or user
    return user.rsplit("|", 1)[-1] or user


def _progress(store) -> dict[tuple[str, str], ChapterProgress]:
    """Everything the mastery rule looks at, by (learner, chapter), for all learners at once."""
    solved = {(u, s): int(n) for u, s, n in store.query(
        "SELECT user_id, slug, count(DISTINCT problem) FROM practice_attempts "
        "WHERE verdict = 'correct' GROUP BY user_id, slug")}
    say = {(u, s): float(v) for u, s, v in store.query(
        "SELECT user_id, slug, max(score) FROM pronunciation_attempts GROUP BY user_id, slug")}
    typed = {(u, s): float(v) for u, s, v in store.query(
        "SELECT user_id, slug, max(CAST(chars - errors AS DOUBLE PRECISION) / chars) FROM typing_attempts "
        "WHERE chars > 0 AND completed AND kind = 'chapter' GROUP BY user_id, slug")}
    # The rule counts solved problems; their numbers are not needed here, only how many.
    return {key: ChapterProgress(solved=frozenset(range(solved.get(key, 0))), best_say_back=say.get(key),
                                 best_typing_accuracy=typed.get(key))
            for key in set(solved) | set(say) | set(typed)}


def chapter_share(p: ChapterProgress) -> float:
    """How far along a chapter is, 0..1: the three parts of mastery, each capped, equally weighted."""
    if is_mastered(p):
        return 1.0
    parts = (min(len(p.solved) / PROBLEMS_TO_MASTER, 1.0),
             min((p.best_say_back or 0.0) / SAY_IT_BACK_TO_MASTER, 1.0),
             min((p.best_typing_accuracy or 0.0) / TYPING_ACCURACY_TO_MASTER, 1.0))
    return round(sum(parts) / 3, 4)


def learners(store) -> list[str]:
    return sorted(r[0] for r in store.query(
        "SELECT user_id FROM study_time UNION SELECT user_id FROM practice_attempts "
        "UNION SELECT user_id FROM typing_attempts UNION SELECT user_id FROM pronunciation_attempts "
        "UNION SELECT user_id FROM notes"))


def roster(store, now: datetime | None = None) -> list[LearnerRow]:
    """One row per learner, from a handful of grouped queries."""
    now = now or datetime.now()
    last = dict(store.query(
        "SELECT user_id, max(ts) FROM (SELECT user_id, ts FROM study_time "
        "UNION ALL SELECT user_id, ts FROM practice_attempts UNION ALL SELECT user_id, ts FROM typing_attempts "
        "UNION ALL SELECT user_id, ts FROM pronunciation_attempts) AS a GROUP BY user_id"))
    week = dict(store.query("SELECT user_id, sum(seconds) FROM study_time WHERE ts >= ? GROUP BY user_id",
                            [now - WEEK]))
    answers = {u: (int(r), int(w)) for u, r, w in store.query(
        "SELECT user_id, sum(CASE WHEN verdict = 'correct' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN verdict = 'wrong' THEN 1 ELSE 0 END) FROM practice_attempts GROUP BY user_id")}
    say = dict(store.query("SELECT user_id, max(score) FROM pronunciation_attempts GROUP BY user_id"))
    typing = {u: (float(c or 0), float(s or 0)) for u, c, s in store.query(
        "SELECT user_id, sum(correct), sum(seconds) FROM typing_attempts GROUP BY user_id")}
    noted = {r[0] for r in store.query("SELECT DISTINCT user_id FROM notes")}
    mastered: dict[str, int] = {}
    started: dict[str, int] = {}
    for (user, _slug), p in _progress(store).items():
        target = mastered if is_mastered(p) else started
        target[user] = target.get(user, 0) + 1
    rows = []
    for user in learners(store):
        right, wrong = answers.get(user, (0, 0))
        chars, seconds = typing.get(user, (0.0, 0.0))
        rows.append(LearnerRow(
            user=user, name=display_name(user), last_active=last.get(user),
            week_seconds=float(week.get(user) or 0.0),
            mastered=mastered.get(user, 0), in_progress=started.get(user, 0),
            accuracy=right / (right + wrong) if right + wrong else None,
            best_say_back=None if say.get(user) is None else float(say[user]),
            wpm=(chars / 5) / (seconds / 60) if seconds > 0 else 0.0,
            has_notes=user in noted))
    return rows


def heatmap(store, slugs: list[str] | None = None) -> tuple[list[str], list[str], list[list[float]]]:
    """Learners × chapters, each cell how far along (0..1). Chapters: ``slugs`` or those with any work."""
    progress = _progress(store)
    users = learners(store)
    chapters = list(slugs) if slugs is not None else sorted({s for _u, s in progress})
    return users, chapters, [[chapter_share(progress.get((u, s), ChapterProgress())) for s in chapters]
                             for u in users]


@dataclass(frozen=True)
class Miss:
    problem: int
    wrong: int                          # wrong answers to it, all learners together
    answers: list[tuple[str, int]]      # its most common wrong answers, with how often


def misses(store, top: int = 3) -> dict[str, list[Miss]]:
    """Per chapter, the ``top`` problems the team gets wrong most, each with its commonest wrong answers."""
    counts: dict[str, list[tuple[int, int]]] = {}
    for slug, problem, n in store.query(
            "SELECT slug, problem, count(*) FROM practice_attempts WHERE verdict = 'wrong' "
            "GROUP BY slug, problem ORDER BY slug, count(*) DESC, problem"):
        counts.setdefault(slug, []).append((int(problem), int(n)))
    texts: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for slug, problem, text, n in store.query(
            "SELECT slug, problem, answer_text, count(*) FROM practice_attempts WHERE verdict = 'wrong' "
            "GROUP BY slug, problem, answer_text ORDER BY slug, problem, count(*) DESC, answer_text"):
        texts.setdefault((slug, int(problem)), []).append((str(text)[:MAX_ANSWER_SHOWN], int(n)))
    return {slug: [Miss(p, n, texts.get((slug, p), [])[:top]) for p, n in rows[:top]]
            for slug, rows in counts.items()}
