"""Progress files: a round trip keeps every row, a second import adds nothing, bad files are refused."""
import json
from datetime import datetime

import pytest
from hypothesis import given, settings, strategies as st

from core import portable
from core.portable import PortableError, export_user, import_user, parse
from core.store import open_store


def _fill(store, user="ann"):
    t = datetime(2026, 3, 1, 9, 30, 0, 123456)
    store.record_study(user, "dot_product", 61.5, at=t)
    store.write("INSERT INTO practice_attempts VALUES (?, ?, ?, ?, ?, ?)", [user, "dot_product", 1, "3", "wrong", t])
    store.write("INSERT INTO notes VALUES (?, ?, ?, ?)", [user, "dot_product", "first", t])
    store.write("INSERT INTO notes VALUES (?, ?, ?, ?)", [user, "dot_product", "second", datetime(2026, 3, 2)])
    store.record_typing(user, "sigmoid", 10, 1, 4.0, 5, t, keystrokes=[("a", 0.0, True), ("b", 120.5, False)])
    store.record_pronunciation(user, "sigmoid", "one over one plus e", 87.5, t)


def _rows(store, user):
    return {t: sorted(map(repr, store.query(f"SELECT {', '.join(c)} FROM {t} WHERE user_id = ?", [user])))
            for t, c in portable.COLUMNS.items()}


def test_round_trip_and_twice_adds_nothing(tmp_path):
    src = open_store(str(tmp_path / "a.duckdb"))
    _fill(src)
    raw = portable.dumps(export_user(src, "ann")).encode()
    dst = open_store(str(tmp_path / "b.duckdb"))
    added = import_user(dst, "bob", parse(raw))
    assert added["notes"] == 2 and added["typing_attempts"] == 1
    assert _rows(dst, "bob") == _rows(src, "ann")
    assert _rows(dst, "ann") == {t: [] for t in portable.COLUMNS}      # under the importer, not the file's user
    assert sum(import_user(dst, "bob", parse(raw)).values()) == 0


def _doc(**tables):
    return {"format": portable.FORMAT, "version": 1, "exported_at": "2026-01-01T00:00:00", "user": "x", **tables}


@pytest.mark.parametrize("raw, words", [
    (b"\xff\xfe", "not readable JSON"),
    (b"[1, 2", "not readable JSON"),
    (json.dumps({"format": "other"}).encode(), "not a Formula Lab"),
    (json.dumps(_doc(version=2)).encode(), "version 2"),
    (json.dumps(_doc(notes=[{"slug": "a", "body": "x", "saved_at": "soon"}])).encode(), "Line 1 of notes: saved_at"),
    (json.dumps(_doc(notes=[{"slug": "a", "body": "x" * 100_001, "saved_at": "2026-01-01"}])).encode(), "longer"),
    (json.dumps(_doc(study_time=[{"page": "a", "ts": "2026-01-01", "seconds": -1}])).encode(), "seconds"),
    (b'{"format": "formula-lab-progress", "version": 1, "study_time": [{"page": "a", "ts": "2026-01-01", '
     b'"seconds": NaN}]}', "not readable JSON"),
])
def test_each_refusal(raw, words):
    with pytest.raises(PortableError, match=words):
        parse(raw)


def test_too_large_refused_before_parsing():
    with pytest.raises(PortableError, match="at most"):
        parse(b"{" * (portable.MAX_IMPORT_BYTES + 1))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=20),
                              lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
                              max_leaves=20).map(lambda d: json.dumps(d).encode())))
def test_parse_never_crashes(raw):
    try:
        parse(raw)
    except PortableError:
        pass


def test_cli_export_then_import(tmp_path, capsys):
    src = open_store(str(tmp_path / "a.duckdb"))
    _fill(src)
    src.close()
    assert portable.cli(["export", "--db", str(tmp_path / "a.duckdb"), "--user", "ann"]) == 0
    path = tmp_path / "p.json"
    path.write_text(capsys.readouterr().out)
    assert portable.cli(["import", "--db", str(tmp_path / "b.duckdb"), "--user", "bob", str(path)]) == 0
    assert "Added" in capsys.readouterr().out
    path.write_text("not json")
    assert portable.cli(["import", "--db", str(tmp_path / "b.duckdb"), "--user", "bob", str(path)]) == 2
    assert "not readable JSON" in capsys.readouterr().err
