"""The DuckDB store on a real file in a temp folder."""
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from core.store import MIGRATIONS, NOTE_LIMIT, NoteTooLong, Store, StoreError, migrate, open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "lab.duckdb")
    yield s
    s.close()


def test_opens_a_file_and_records_migrations(tmp_path):
    path = tmp_path / "sub" / "lab.duckdb"
    s = open_store(path)
    assert s.mode == "file" and s.problem is None and path.exists()
    names = [r[0] for r in s.query("SELECT name FROM schema_migrations ORDER BY name")]
    assert names == [m[0] for m in MIGRATIONS]
    s.close()
    con = duckdb.connect(str(path))
    assert migrate(con) == []            # idempotent: nothing left to apply
    con.close()


def test_attempts_solved_and_wrong_tries(store):
    store.record_attempt("u", "vectors", 1, "6", "wrong")
    store.record_attempt("u", "vectors", 1, "five", "invalid")
    store.record_attempt("u", "vectors", 1, "5", "correct")
    store.record_attempt("u", "vectors", 2, "[1]", "wrong")
    store.record_attempt("other", "vectors", 3, "1", "correct")
    assert store.solved("u") == {"vectors": {1}}
    assert store.wrong_tries("u", "vectors") == {1: 1, 2: 1}
    rows = store.query("SELECT answer_text, verdict FROM practice_attempts WHERE user_id='u' ORDER BY ts")
    assert rows[0] == ("6", "wrong") and rows[1] == ("five", "invalid")


def test_notes_keep_every_version_and_any_unicode(store):
    store.save_note("u", "vectors", "first")
    body = "∑ λ → 日本語 🧠 ‖v‖ \x00-free\n" * 10
    store.save_note("u", "vectors", body)
    assert store.note("u", "vectors")[0] == body
    assert store.note("u", "softmax") is None
    assert store.note("someone-else", "vectors") is None
    assert store.query("SELECT count(*) FROM notes")[0][0] == 2


def test_a_huge_note_is_refused_and_the_saved_one_kept(store):
    store.save_note("u", "vectors", "keep me")
    store.save_note("u", "vectors", "x" * NOTE_LIMIT)          # exactly at the limit is fine
    with pytest.raises(NoteTooLong, match="100,000"):
        store.save_note("u", "vectors", "y" * (NOTE_LIMIT + 1))
    assert store.note("u", "vectors")[0] == "x" * NOTE_LIMIT


def test_writers_in_many_threads_lose_nothing(store):
    def work(i):
        for j in range(25):
            store.record_attempt(f"u{i % 3}", "dot_product", j % 10 + 1, str(j), "wrong")
            store.save_note(f"u{i % 3}", f"ch{i}", f"note {j}")
            store.record_study(f"u{i % 3}", "dot_product", 1.5)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.query("SELECT count(*) FROM practice_attempts")[0][0] == 200
    assert store.query("SELECT count(*) FROM notes")[0][0] == 200
    assert store.query("SELECT sum(seconds) FROM study_time")[0][0] == pytest.approx(300)
    assert store.note("u0", "ch0")[0] == "note 24"


def test_two_stores_on_one_file_share_progress(tmp_path):
    path = tmp_path / "lab.duckdb"
    a = open_store(path)
    a.save_note("u", "relu", "hello")
    a.close()
    b = open_store(path)
    assert b.note("u", "relu")[0] == "hello"
    b.close()


def test_corrupt_file_falls_back_to_memory_and_is_left_alone(tmp_path):
    path = tmp_path / "lab.duckdb"
    junk = b"this is not a database" * 500
    path.write_bytes(junk)
    s = open_store(path)
    assert s.mode == "memory" and "damaged" in s.problem and "in-memory" in s.problem
    s.save_note("u", "vectors", "still works")
    assert s.note("u", "vectors")[0] == "still works"
    assert path.read_bytes() == junk


def test_file_locked_by_another_process_falls_back(tmp_path):
    path = tmp_path / "lab.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        s = open_store(path)
        assert s.mode == "memory" and "in use by another program" in s.problem
        s.record_attempt("u", "vectors", 1, "5", "correct")
        assert s.solved("u") == {"vectors": {1}}
    finally:
        holder.kill()
        holder.wait()


def test_read_only_store_refuses_writes_with_a_message(tmp_path):
    path = tmp_path / "lab.duckdb"
    open_store(path).close()
    s = Store(duckdb.connect(str(path), read_only=True), path=str(path), mode="read-only", problem="Locked.")
    assert s.note("u", "vectors") is None
    with pytest.raises(StoreError, match="read-only"):
        s.save_note("u", "vectors", "x")


def test_missing_folder_is_created(tmp_path):
    s = open_store(tmp_path / "a" / "b" / "lab.duckdb")
    assert s.mode == "file"


def test_last_page(store):
    t = datetime.now()
    store.record_study("u", "softmax", 10, at=t - timedelta(minutes=5))
    store.record_study("u", "relu", 10, at=t)
    store.record_study("u", "home", 10, at=t + timedelta(seconds=1))
    assert store.last_page("u") == "relu"


def test_a_closed_store_says_so(tmp_path):
    s = open_store(tmp_path / "lab.duckdb")
    s.close()
    s.close()                                        # twice is fine
    with pytest.raises(StoreError, match="closed"):
        s.note("u", "vectors")


def test_a_store_open_at_exit_is_closed_without_a_leak_report(tmp_path):
    # The app's store lives in a Streamlit resource cache; with torch loaded too (the
    # capstone page), DuckDB's bindings used to print "nanobind: leaked ..." at exit.
    code = ("import streamlit as st\n"
            "from core.store import open_store\n"
            "@st.cache_resource\n"
            f"def get(): return open_store({str(tmp_path / 'lab.duckdb')!r})\n"
            "get().record_study('u', 'home', 1.0)\n"
            "import torch\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stderr
