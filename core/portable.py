"""A learner's progress as one JSON file: export it, check it, import it (merged, never twice).

The file is validated whole before anything is written, and rows are written under the
importing learner's id, so a file can never put progress into someone else's account.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import datetime

from core.store import NOTE_LIMIT
from core.typing import MAX_KEYS, MAX_TARGET

FORMAT = "formula-lab-progress"
VERSION = 1
# The largest realistic export: ~200 typing attempts a chapter x 17 chapters with full
# keystroke logs (~4000 keys x ~20 bytes) would be far beyond real use; a very busy learner's
# file is a few MB. 32 MB leaves room for years of study yet refuses a file that would
# exhaust memory while parsing.
MAX_IMPORT_BYTES = 32 * 1024 * 1024
MAX_TEXT = 2000           # answers, transcripts, slugs, pages, targets
MAX_NUMBER = 1e9
YEARS = (2000, 2200)

# column -> kind; order is the file's and the table's (user_id aside)
COLUMNS: dict[str, dict[str, str]] = {
    "study_time": {"page": "text", "ts": "time", "seconds": "number"},
    "practice_attempts": {"slug": "text", "problem": "int", "answer_text": "text", "verdict": "text",
                          "ts": "time"},
    "notes": {"slug": "text", "body": "note", "saved_at": "time"},
    "typing_attempts": {"slug": "text", "ts": "time", "chars": "int", "errors": "int", "seconds": "number",
                        "best_streak": "int", "correct": "int", "consistency": "number",
                        "completed": "bool", "kind": "text", "target": "target", "keystrokes": "keys"},
    "pronunciation_attempts": {"slug": "text", "ts": "time", "transcript": "text", "score": "number"},
}
# What each table's rows are called in a sentence: (one, many).
LABELS = {"study_time": ("study session", "study sessions"),
          "practice_attempts": ("practice attempt", "practice attempts"),
          "notes": ("note version", "note versions"), "typing_attempts": ("typing attempt", "typing attempts"),
          "pronunciation_attempts": ("Say-it-back score", "Say-it-back scores")}


class PortableError(ValueError):
    """A progress file that cannot be imported; the message says why in plain words."""


def export_user(store, user: str) -> dict:
    """Everything kept for ``user``, one list per table, every column but the user id."""
    doc = {"format": FORMAT, "version": VERSION, "exported_at": datetime.now().isoformat(), "user": user}
    for table, cols in COLUMNS.items():
        names = list(cols)
        rows = store.query(f"SELECT {', '.join(names)} FROM {table} WHERE user_id = ? ORDER BY {', '.join(names)}",
                           [user])
        doc[table] = [{n: _out(v, cols[n]) for n, v in zip(names, row)} for row in rows]
    return doc


def _out(value, kind):
    if kind == "time":
        return value.isoformat()
    if kind == "keys":
        return json.loads(value or "[]")
    return value


def dumps(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1)


def parse(raw: bytes) -> dict:
    """The file checked whole (size first, then JSON, format, version, every field)."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise PortableError(f"This file is {len(raw):,} bytes; a progress file holds at most "
                            f"{MAX_IMPORT_BYTES:,}.")
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PortableError("This is not a progress file: it is not readable JSON text.") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PortableError("This is not a Formula Lab progress file.")
    if doc.get("version") != VERSION or isinstance(doc.get("version"), bool):
        raise PortableError(f"This progress file has version {doc.get('version')!r}; this app reads version "
                            f"{VERSION}.")
    for table, cols in COLUMNS.items():
        rows = doc.get(table, [])
        if not isinstance(rows, list):
            raise PortableError(f"The {table} part of this file is not a list.")
        for i, row in enumerate(rows, 1):
            where = f"Line {i} of {table}"
            if not isinstance(row, dict) or set(row) != set(cols):
                raise PortableError(f"{where} does not have exactly the fields {', '.join(cols)}.")
            for name, kind in cols.items():
                _check(row[name], kind, f"{where}: {name}")
    return doc


def _no_constant(name):
    raise ValueError(name)


def _check(v, kind, where):
    if kind in ("text", "note", "target"):
        limit = {"note": NOTE_LIMIT, "target": MAX_TARGET}.get(kind, MAX_TEXT)
        if not isinstance(v, str):
            raise PortableError(f"{where} is not text.")
        if len(v) > limit:
            raise PortableError(f"{where} is longer than {limit:,} characters.")
        if "\x00" in v:
            raise PortableError(f"{where} contains a null character.")
    elif kind == "int":
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_NUMBER:
            raise PortableError(f"{where} is not a whole number from 0 to {MAX_NUMBER:,.0f}.")
    elif kind == "number":
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) \
                or not 0 <= v <= MAX_NUMBER:
            raise PortableError(f"{where} is not a number from 0 to {MAX_NUMBER:,.0f}.")
    elif kind == "bool":
        if not isinstance(v, bool):
            raise PortableError(f"{where} is not true or false.")
    elif kind == "time":
        try:
            t = datetime.fromisoformat(v) if isinstance(v, str) and len(v) <= 40 else None
        except ValueError:
            t = None
        if t is None or t.tzinfo is not None or not YEARS[0] <= t.year <= YEARS[1]:
            raise PortableError(f"{where} is not a date.")
    elif kind == "keys":
        if not isinstance(v, list) or len(v) > MAX_KEYS:
            raise PortableError(f"{where} is not a keystroke log of at most {MAX_KEYS:,} keys.")
        for k in v:
            if not (isinstance(k, list) and len(k) == 3 and isinstance(k[0], str) and len(k[0]) <= 16
                    and isinstance(k[1], (int, float)) and not isinstance(k[1], bool) and math.isfinite(k[1])
                    and 0 <= k[1] <= MAX_NUMBER and isinstance(k[2], bool)):
                raise PortableError(f"{where} has a keystroke that is not [key, time, correct].")


def _key(row: tuple) -> tuple:
    return tuple(v.isoformat() if isinstance(v, datetime) else v for v in row)


def import_user(store, user: str, doc: dict) -> dict[str, int]:
    """Add the file's rows not already there, under ``user``, in one transaction."""
    def work(cur):
        added = {}
        for table, cols in COLUMNS.items():
            names = list(cols)
            have = {_key(r) for r in cur.execute(f"SELECT {', '.join(names)} FROM {table} WHERE user_id = ?",
                                                 [user]).fetchall()}
            n = 0
            for row in doc.get(table, []):
                values = [_in(row[c], cols[c]) for c in names]
                k = _key(tuple(values))
                if k in have:
                    continue
                have.add(k)
                cur.execute(f"INSERT INTO {table} (user_id, {', '.join(names)}) VALUES "
                            f"({', '.join('?' * (len(names) + 1))})", [user, *values])
                n += 1
            added[table] = n
        return added
    run = getattr(store, "transaction", None) or store._transaction
    return run(work)


def _in(v, kind):
    if kind == "time":
        return datetime.fromisoformat(v)
    if kind == "keys":
        return json.dumps(v, separators=(",", ":"))
    if kind == "number":
        return float(v)
    return v


def summary(added: dict[str, int]) -> str:
    """What an import added, in a sentence for the learner."""
    parts = [f"{n:,} {LABELS[t][n != 1]}" for t, n in added.items() if n]
    if not parts:
        return "Nothing new: everything in this file was already in your progress."
    return "Added " + ", ".join(parts) + "; nothing was added twice."


def cli(argv: list[str] | None = None) -> int:
    from core.store import StoreError, open_store
    p = argparse.ArgumentParser(prog="python -m core.portable")
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("export", "import"):
        s = sub.add_parser(name)
        s.add_argument("--db", required=True)
        s.add_argument("--user", required=True)
        if name == "import":
            s.add_argument("file")
    a = p.parse_args(argv)
    try:
        store = open_store(a.db)
        if a.cmd == "export":
            sys.stdout.write(dumps(export_user(store, a.user)) + "\n")
        else:
            with open(a.file, "rb") as f:
                raw = f.read(MAX_IMPORT_BYTES + 1)
            print(summary(import_user(store, a.user, parse(raw))))
    except (PortableError, StoreError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli())
