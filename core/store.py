"""The progress store: one DuckDB database per process, a cursor per thread.

The schema is built by named migrations recorded in ``schema_migrations``;
every write runs in its own transaction. Tables are append-only (a note is a
new version, a study minute is a new row), so two sessions writing at once
never overwrite each other and a note, once saved, is never lost.

If the database file cannot be used (held by another program, unreadable,
corrupt), ``open_store`` falls back to read-only or in-memory storage and
explains why in ``Store.problem``; the app shows that and keeps working.
"""
from __future__ import annotations

import atexit
import json
import os
import threading
import time
import weakref
from datetime import datetime
from pathlib import Path

import duckdb

from core.mastery import ChapterProgress
from core.typing import MAX_KEYS, MAX_TARGET, Attempt

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "formula_lab.duckdb"
ENV_VAR = "FORMULA_LAB_DB"
NOTE_LIMIT = 100_000  # characters


class StoreError(RuntimeError):
    """A write could not be made; the message is fit to show a learner."""


class NoteTooLong(ValueError):
    pass


MIGRATIONS: list[tuple[str, list[str]]] = [
    ("001_core_tables", [
        """CREATE TABLE study_time (
               user_id VARCHAR NOT NULL, page VARCHAR NOT NULL,
               ts TIMESTAMP NOT NULL, seconds DOUBLE NOT NULL)""",
        """CREATE TABLE practice_attempts (
               user_id VARCHAR NOT NULL, slug VARCHAR NOT NULL, problem INTEGER NOT NULL,
               answer_text VARCHAR NOT NULL, verdict VARCHAR NOT NULL, ts TIMESTAMP NOT NULL)""",
        """CREATE TABLE notes (
               user_id VARCHAR NOT NULL, slug VARCHAR NOT NULL,
               body VARCHAR NOT NULL, saved_at TIMESTAMP NOT NULL)""",
    ]),
    ("002_typing_and_pronunciation", [
        """CREATE TABLE typing_attempts (
               user_id VARCHAR NOT NULL, slug VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
               chars INTEGER NOT NULL, errors INTEGER NOT NULL, seconds DOUBLE NOT NULL,
               best_streak INTEGER NOT NULL)""",
        """CREATE TABLE pronunciation_attempts (
               user_id VARCHAR NOT NULL, slug VARCHAR NOT NULL, ts TIMESTAMP NOT NULL,
               transcript VARCHAR NOT NULL, score DOUBLE NOT NULL)""",
    ]),
    ("003_indexes", [
        "CREATE INDEX study_user ON study_time (user_id, ts)",
        "CREATE INDEX attempts_user ON practice_attempts (user_id, slug)",
        "CREATE INDEX notes_user ON notes (user_id, slug, saved_at)",
    ]),
    # Each typing attempt keeps its keystroke log and what it was typed on, so its figures
    # (and weak-symbol drills) are recomputed from the log. Rows from before: complete.
    ("004_typing_attempt_log", [
        "ALTER TABLE typing_attempts ADD COLUMN correct INTEGER",
        "UPDATE typing_attempts SET correct = chars - errors",
        "ALTER TABLE typing_attempts ADD COLUMN consistency DOUBLE DEFAULT 0",
        "ALTER TABLE typing_attempts ADD COLUMN completed BOOLEAN DEFAULT TRUE",
        "ALTER TABLE typing_attempts ADD COLUMN kind VARCHAR DEFAULT 'chapter'",
        "ALTER TABLE typing_attempts ADD COLUMN target VARCHAR DEFAULT ''",
        "ALTER TABLE typing_attempts ADD COLUMN keystrokes VARCHAR DEFAULT '[]'",
        "CREATE INDEX typing_user ON typing_attempts (user_id, ts)",
    ]),
]


def configured_path(secret: str | None = None) -> str:
    """Where the database lives: $FORMULA_LAB_DB, else a secret, else data/."""
    return os.environ.get(ENV_VAR) or secret or str(DEFAULT_PATH)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied now."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name, statements in MIGRATIONS:
        if name in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in statements:
                con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [name, datetime.now()])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied


class Store:
    """Reads and append-only writes of a learner's progress."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, path: str, mode: str, problem: str | None = None):
        self._con, self.path, self.mode, self.problem = con, path, mode, problem
        self._local = threading.local()
        self._lock = threading.Lock()
        _OPEN.add(self)

    # -- plumbing -------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cur", None)
        if cur is None:
            with self._lock:
                if self._con is None:
                    raise StoreError("The progress database has been closed.")
                cur = self._local.cur = self._con.cursor()
        return cur

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        return self.cursor().execute(sql, params).fetchall()

    def write(self, sql: str, params: list | tuple = ()) -> None:
        if self.mode == "read-only":
            raise StoreError("Progress is read-only right now, so this was not saved. " + (self.problem or ""))
        cur = self.cursor()
        for attempt in range(5):
            try:
                cur.execute("BEGIN TRANSACTION")
                cur.execute(sql, params)
                cur.execute("COMMIT")
                return
            except duckdb.TransactionException:
                cur.execute("ROLLBACK")
                time.sleep(0.01 * (attempt + 1))
            except duckdb.Error as exc:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                raise StoreError(f"Could not save to the progress database: {exc}") from exc
        raise StoreError("The progress database was too busy to save this; please try again.")

    def close(self):
        """Close the connection; every thread's cursor goes with it."""
        with self._lock:
            self._local = threading.local()
            if self._con is not None:
                self._con.close()
                self._con = None

    # -- writes ---------------------------------------------------------------
    def record_study(self, user: str, page: str, seconds: float, at: datetime | None = None):
        if seconds > 0:
            self.write("INSERT INTO study_time VALUES (?, ?, ?, ?)", [user, page, at or datetime.now(), seconds])

    def record_attempt(self, user: str, slug: str, problem: int, text: str, verdict: str,
                       at: datetime | None = None):
        self.write("INSERT INTO practice_attempts VALUES (?, ?, ?, ?, ?, ?)",
                   [user, slug, problem, text[:2000], verdict, at or datetime.now()])

    def save_note(self, user: str, slug: str, body: str) -> datetime:
        if len(body) > NOTE_LIMIT:
            raise NoteTooLong(
                f"This note is {len(body):,} characters; notes hold up to {NOTE_LIMIT:,}. "
                "It was not saved: shorten it and the saved version stays as it was until then."
            )
        at = datetime.now()
        self.write("INSERT INTO notes VALUES (?, ?, ?, ?)", [user, slug, body, at])
        return at

    def record_typing(self, user: str, slug: str, chars: int, errors: int, seconds: float,
                      best_streak: int, at: datetime | None = None, *, correct: int | None = None,
                      consistency: float = 0.0, completed: bool = True, kind: str = "chapter",
                      target: str = "", keystrokes=()):
        """One typing attempt: its figures, and the log they come from (capped in size)."""
        log = list(keystrokes)[:MAX_KEYS]
        self.write("INSERT INTO typing_attempts (user_id, slug, ts, chars, errors, seconds, best_streak, "
                   "correct, consistency, completed, kind, target, keystrokes) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [user, slug, at or datetime.now(), chars, errors, seconds, best_streak,
                    chars - errors if correct is None else correct, consistency, completed, kind,
                    target[:MAX_TARGET], json.dumps([[k, round(t, 1), ok] for k, t, ok in log],
                                                    separators=(",", ":"))])

    def record_typing_attempt(self, user: str, slug: str, attempt: Attempt, at: datetime | None = None):
        s = attempt.stats
        self.record_typing(user, slug, s.chars, s.errors, s.seconds, s.best_streak, at,
                           correct=s.correct, consistency=s.consistency, completed=s.completed,
                           kind=attempt.kind, target=attempt.target, keystrokes=attempt.keystrokes)

    def record_pronunciation(self, user: str, slug: str, transcript: str, score: float,
                             at: datetime | None = None):
        """One Say-it-back attempt: what was heard and its score in percent (0-100)."""
        self.write("INSERT INTO pronunciation_attempts VALUES (?, ?, ?, ?, ?)",
                   [user, slug, at or datetime.now(), transcript, score])

    # -- reads ----------------------------------------------------------------
    def note(self, user: str, slug: str) -> tuple[str, datetime] | None:
        rows = self.query("SELECT body, saved_at FROM notes WHERE user_id = ? AND slug = ? "
                          "ORDER BY saved_at DESC LIMIT 1", [user, slug])
        return rows[0] if rows else None

    def solved(self, user: str) -> dict[str, set[int]]:
        """Problems answered correctly at least once, by chapter slug."""
        out: dict[str, set[int]] = {}
        for slug, problem in self.query("SELECT DISTINCT slug, problem FROM practice_attempts "
                                        "WHERE user_id = ? AND verdict = 'correct'", [user]):
            out.setdefault(slug, set()).add(problem)
        return out

    def chapter_progress(self, user: str) -> dict[str, ChapterProgress]:
        """Everything the mastery rule looks at, by chapter slug."""
        say = dict(self.query("SELECT slug, max(score) FROM pronunciation_attempts WHERE user_id = ? "
                              "GROUP BY slug", [user]))
        # accuracy = right character keys / all character keys, over completed chapter attempts
        typed = dict(self.query("SELECT slug, max((chars - errors) / chars) FROM typing_attempts "
                                "WHERE user_id = ? AND chars > 0 AND completed AND kind = 'chapter' "
                                "GROUP BY slug", [user]))
        solved = self.solved(user)
        return {slug: ChapterProgress(solved=frozenset(solved.get(slug, ())), best_say_back=say.get(slug),
                                      best_typing_accuracy=typed.get(slug))
                for slug in set(solved) | set(say) | set(typed)}

    def typing_history(self, user: str, limit: int = 200) -> list[tuple[str, list]]:
        """The last ``limit`` typing attempts as (target, keystrokes), oldest first."""
        rows = self.query("SELECT target, keystrokes FROM typing_attempts WHERE user_id = ? AND target <> '' "
                          "ORDER BY ts DESC LIMIT ?", [user, limit])
        out = []
        for target, log in reversed(rows):
            try:
                out.append((target, [(k, t, ok) for k, t, ok in json.loads(log)]))
            except (ValueError, TypeError):
                continue   # a damaged log is skipped, never fatal
        return out

    def wrong_tries(self, user: str, slug: str) -> dict[int, int]:
        rows = self.query("SELECT problem, count(*) FROM practice_attempts WHERE user_id = ? AND slug = ? "
                          "AND verdict = 'wrong' GROUP BY problem", [user, slug])
        return dict(rows)

    def last_page(self, user: str) -> str | None:
        rows = self.query("SELECT page FROM study_time WHERE user_id = ? AND page <> 'home' "
                          "ORDER BY ts DESC LIMIT 1", [user])
        return rows[0][0] if rows else None


# Every store still open when the interpreter exits is closed first: DuckDB's bindings
# report connections alive at shutdown as leaks, a screenful of "nanobind: leaked ..."
# after the tests or on stopping the app.
_OPEN: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    for store in list(_OPEN):
        store.close()


def _connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    if not read_only:
        migrate(con)
    return con


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open the store at ``path``; never raises for a bad file, falls back instead."""
    path = str(path or configured_path())
    if path == ":memory:":
        return Store(_connect(":memory:"), path=path, mode="memory")
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return Store(_connect(path), path=path, mode="file")
    except (duckdb.Error, OSError) as exc:
        reason = _explain(path, exc)
    if os.path.exists(path) and "in use" not in reason:
        try:  # an unwritable but readable file: show progress, save nothing
            con = _connect(path, read_only=True)
            con.execute("SELECT count(*) FROM notes").fetchall()
            return Store(con, path=path, mode="read-only", problem=reason + " Showing saved progress read-only.")
        except (duckdb.Error, OSError):
            pass
    return Store(_connect(":memory:"), path=path, mode="memory",
                 problem=reason + " Using a temporary in-memory store: this session's progress will not be kept.")


def _explain(path: str, exc: Exception) -> str:
    text = str(exc).replace(path, "<file>")
    name = Path(path).name
    if "could not set lock" in text.lower() or "conflicting lock" in text.lower():
        return f"The progress database {name} is in use by another program."
    if isinstance(exc, PermissionError) or "permission" in text.lower():
        return f"The progress database {name} cannot be written (permission denied)."
    if "not a valid" in text.lower() or "corrupt" in text.lower() or "serializ" in text.lower():
        return f"The progress database {name} is damaged or not a DuckDB file; it was left untouched."
    return f"The progress database {name} could not be opened ({text.splitlines()[0][:200]})."
