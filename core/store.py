"""The progress store: one DuckDB database per process, a cursor per thread.

The schema is built by named migrations recorded in ``schema_migrations``;
every write runs in its own transaction. Tables are append-only (a note is a
new version, a study minute is a new row), so two sessions writing at once
never overwrite each other and a note, once saved, is never lost.

If the database file cannot be used (held by another program, unreadable,
corrupt), ``open_store`` falls back to read-only or in-memory storage and
explains why in ``Store.problem``; the app shows that and keeps working. A read
that fails on a damaged file later falls back the same way. A store that fell
back because the file was in use tries it again (``try_file``) and, once it is
free, moves onto it with what was saved in memory meanwhile.
"""
from __future__ import annotations

import atexit
import json
import os
import threading
import time
import weakref
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, NamedTuple

import duckdb

from core.mastery import ChapterProgress
from core.typing import MAX_KEYS, MAX_TARGET, Attempt

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "formula_lab.duckdb"
ENV_VAR = "FORMULA_LAB_DB"
NOTE_LIMIT = 100_000  # characters
# A store that fell back because its file was in use (or not writable) tries the file again at
# most this often: each page run asks, and a try costs a file open that fails while it is held.
RETRY_SECONDS = 5.0
# The tables of learners' rows, copied from memory into the file when a store moves onto it.
DATA_TABLES = ("study_time", "practice_attempts", "notes", "typing_attempts", "pronunciation_attempts")


class StoreError(RuntimeError):
    """A write could not be made; the message is fit to show a learner."""


class NoteTooLong(ValueError):
    pass


class SavedNote(NamedTuple):
    """What a note save did: when, which version it followed, and whether it will last."""
    at: datetime
    replaced: tuple[str, datetime] | None   # the latest version just before this save
    lasting: bool                           # False: kept in memory, for this server process only
    caveat: str | None = None               # why it will not last, fit to show a learner
    # For a save kept in memory: True while it still is (False once the store moved onto its file).
    in_memory: Callable[[], bool] | None = None


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
    # Local profile names are now trimmed, single-spaced, composed (NFC) and lower case ("Me "
    # and "me" are one profile, so are "José" typed two ways); rows saved under an old spelling
    # of a name made of letters, digits and . _ - follow it there.
    ("005_profile_names", [
        f"UPDATE {table} SET user_id = 'local:' || "
        "lower(nfc_normalize(regexp_replace(trim(substr(user_id, 7)), ' +', ' ', 'g'))) "
        "WHERE user_id LIKE 'local:%' AND regexp_full_match(substr(user_id, 7), '[\\p{L}\\p{M}0-9 ._-]+') "
        "AND trim(substr(user_id, 7)) <> ''"
        for table in DATA_TABLES
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


class _Gate:
    """Many reads and writes at once, or one change of connection with none of them running."""

    def __init__(self):
        self._cond = threading.Condition()
        self._users = 0
        self._changing = False

    @contextmanager
    def shared(self):
        with self._cond:
            while self._changing:
                self._cond.wait()
            self._users += 1
        try:
            yield
        finally:
            with self._cond:
                self._users -= 1
                self._cond.notify_all()

    @contextmanager
    def alone(self):
        with self._cond:
            while self._changing:
                self._cond.wait()
            self._changing = True
            while self._users:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._changing = False
                self._cond.notify_all()


class Store:
    """Reads and append-only writes of a learner's progress."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, path: str, mode: str, problem: str | None = None,
                 retry: bool = False, why_temporary: str | None = None):
        self._con, self.path, self.mode, self.problem = con, path, mode, problem
        self._retry = retry                    # the file was busy, not broken: try it again
        self._why_temporary = why_temporary    # what a save in memory says about itself
        self._next_try = time.monotonic() + RETRY_SECONDS
        self._gen = 0                          # bumped when the store changes connection
        self._gate = _Gate()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._note_lock = threading.Lock()     # a note's "latest version" read and its insert, together
        _OPEN.add(self)

    # -- plumbing -------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cur", None)
        if cur is None or self._local.gen != self._gen:
            with self._lock:
                if self._con is None:
                    raise StoreError("The progress database has been closed.")
                cur = self._local.cur = self._con.cursor()
                self._local.gen = self._gen
        return cur

    def query(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        """Rows of a read; a read the file cannot serve (damaged blocks) moves the store to memory."""
        with self._gate.shared():
            gen, mode = self._gen, self.mode
            try:
                return self.cursor().execute(sql, params).fetchall()
            except duckdb.Error as exc:
                if mode == "memory":
                    raise
                failure = exc
        self._fall_back(gen, failure)
        with self._gate.shared():
            return self.cursor().execute(sql, params).fetchall()

    def write(self, sql: str, params: list | tuple = ()) -> None:
        self._transaction(lambda cur: cur.execute(sql, params))

    def _transaction(self, work: Callable[[duckdb.DuckDBPyConnection], object]):
        """Run ``work`` in one transaction, retrying a conflict; return what it returns."""
        with self._gate.shared():
            if self.mode == "read-only":
                raise StoreError("Progress is read-only right now, so this was not saved. " + (self.problem or ""))
            cur = self.cursor()
            for attempt in range(5):
                try:
                    cur.execute("BEGIN TRANSACTION")
                    out = work(cur)
                    cur.execute("COMMIT")
                    return out
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

    def try_file(self, now: float | None = None) -> bool:
        """If this store fell back because its file was busy, and the last try was at least
        RETRY_SECONDS ago, try the file again; once it opens, copy what was saved in memory into it
        and use it from then on. True when the store moved onto the file now."""
        if self.mode == "file" or not self._retry:
            return False
        now = time.monotonic() if now is None else now
        with self._lock:
            if now < self._next_try or self._con is None:
                return False
            self._next_try = now + RETRY_SECONDS
        try:
            con = _open_file(self.path)
        except (duckdb.Error, OSError):
            return False                           # still busy: keep going in memory
        with self._gate.alone():
            try:
                if self.mode == "memory":
                    _copy_rows(self._con, con)
            except duckdb.Error:
                con.close()                        # the memory rows stay where they are
                return False
            old, self._con = self._con, con
            self._gen += 1
            self.mode, self.problem, self._retry, self._why_temporary = "file", None, False, None
            old.close()
        return True

    def _fall_back(self, gen: int, exc: duckdb.Error) -> None:
        """A read failed on the file: use memory from now on, and say why (once, for every thread)."""
        with self._gate.alone():
            if self._gen != gen or self._con is None:
                return                             # another thread already moved the store
            kind, reason = _diagnose(self.path, exc)
            if kind != "damaged":
                reason = f"The progress database {Path(self.path).name} could not be read " \
                         f"({_first_line(exc, self.path)}); it was left untouched."
            old, self._con = self._con, _connect(":memory:")
            self._gen += 1
            self.mode, self._retry = "memory", False
            self.problem = reason + _IN_MEMORY
            self._why_temporary = "the progress file could not be read, so this lives in memory and is lost " \
                                  "when the server stops"
            try:
                old.close()
            except duckdb.Error:
                pass

    def close(self):
        """Close the connection; every thread's cursor goes with it."""
        with self._gate.alone(), self._lock:
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

    def save_note(self, user: str, slug: str, body: str) -> SavedNote:
        """Append a version; say which version was the latest just before, so a page can tell
        that someone else saved since it loaded (both versions stay in the history)."""
        if len(body) > NOTE_LIMIT:
            raise NoteTooLong(
                f"This note is {len(body):,} characters; notes hold up to {NOTE_LIMIT:,}. "
                "It was not saved: shorten it and the saved version stays as it was until then."
            )
        at = datetime.now()

        def work(cur):
            rows = cur.execute("SELECT body, saved_at FROM notes WHERE user_id = ? AND slug = ? "
                               "ORDER BY saved_at DESC LIMIT 1", [user, slug]).fetchall()
            cur.execute("INSERT INTO notes VALUES (?, ?, ?, ?)", [user, slug, body, at])
            return (rows[0] if rows else None), self.mode, self._why_temporary

        with self._note_lock:
            replaced, mode, why = self._transaction(work)
        if mode == "file":
            return SavedNote(at, replaced, lasting=True)
        return SavedNote(at, replaced, lasting=False, caveat=why, in_memory=lambda: self.mode != "file")

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
    try:
        if path != ":memory:":
            _verify(con)
        if not read_only:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def _open_file(path: str) -> duckdb.DuckDBPyConnection:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return _connect(path)


def _verify(con: duckdb.DuckDBPyConnection) -> None:
    """Read every column of every table once, so a file damaged in its data blocks is found on
    opening (DuckDB checks a block's checksum when it reads it) and not by a page halfway through."""
    tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()
    for (table,) in tables:
        con.execute(f'SELECT bit_xor(hash(COLUMNS(*))) FROM "{table}"').fetchall()


def _copy_rows(src: duckdb.DuckDBPyConnection, dst: duckdb.DuckDBPyConnection) -> None:
    """Append every learner row of ``src`` to ``dst`` in one transaction. Rows are append-only and
    carry their own times, so adding them to the file loses nothing and overwrites nothing."""
    dst.execute("BEGIN TRANSACTION")
    try:
        for table in DATA_TABLES:
            columns = [row[0] for row in src.execute(f"DESCRIBE {table}").fetchall()]
            rows = src.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            if rows:
                dst.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                f"VALUES ({', '.join('?' * len(columns))})", rows)
        dst.execute("COMMIT")
    except BaseException:
        dst.execute("ROLLBACK")
        raise


_IN_MEMORY = " Using a temporary in-memory store: this session's progress will not be kept."
_IN_MEMORY_FOR_NOW = (f" Saving in memory for now and trying the file again every {RETRY_SECONDS:.0f} s: what is "
                      "saved meanwhile moves into it once it is free, and is lost only if this server stops first.")


def open_store(path: str | os.PathLike | None = None) -> Store:
    """Open the store at ``path``; never raises for a bad file, falls back instead."""
    path = str(path or configured_path())
    if path == ":memory:":
        return Store(_connect(":memory:"), path=path, mode="memory")
    try:
        return Store(_open_file(path), path=path, mode="file")
    except (duckdb.Error, OSError) as exc:
        kind, reason = _diagnose(path, exc)
    busy = kind in ("in use", "permission")          # worth trying again later; damage is not
    if os.path.exists(path) and kind != "in use":
        try:  # an unwritable but readable file: show progress, save nothing
            con = _connect(path, read_only=True)
            return Store(con, path=path, mode="read-only", problem=reason + " Showing saved progress read-only.",
                         retry=busy)
        except (duckdb.Error, OSError):
            pass
    if busy:
        return Store(_connect(":memory:"), path=path, mode="memory", problem=reason + _IN_MEMORY_FOR_NOW,
                     retry=True, why_temporary=_WHY[kind])
    return Store(_connect(":memory:"), path=path, mode="memory", problem=reason + _IN_MEMORY,
                 why_temporary=_WHY[kind])


# What a save kept only in memory says about itself, by what is wrong with the file.
_WHY = {
    "in use": "the progress file is in use by another program (perhaps a second server process). "
              "It moves into the file as soon as that is free, and is lost only if this server stops first",
    "permission": "the progress file cannot be written. It moves into the file once it can be, "
                  "and is lost only if this server stops first",
    "damaged": "the progress file is damaged, so this lives in memory and is lost when the server stops",
    "other": "the progress file could not be opened, so this lives in memory and is lost when the server stops",
}


def _first_line(exc: Exception, path: str) -> str:
    return (str(exc).replace(path, "<file>").splitlines() or [type(exc).__name__])[0][:200]


def _diagnose(path: str, exc: Exception) -> tuple[str, str]:
    """(what is wrong: "in use", "permission", "damaged" or "other"; a sentence saying so)."""
    text = str(exc).replace(path, "<file>").lower()
    name = Path(path).name
    if "could not set lock" in text or "conflicting lock" in text:
        return "in use", (f"The progress database {name} is in use by another program "
                          "(perhaps a second server process).")
    if isinstance(exc, PermissionError) or "permission" in text:
        return "permission", f"The progress database {name} cannot be written (permission denied)."
    if "not a valid" in text or "corrupt" in text or "checksum" in text or "serializ" in text:
        return "damaged", f"The progress database {name} is damaged or not a DuckDB file; it was left untouched."
    return "other", f"The progress database {name} could not be opened ({_first_line(exc, path)})."
