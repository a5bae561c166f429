"""The DuckDB store on a real file in a temp folder."""
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from core.store import (MIGRATIONS, NOTE_LIMIT, RETRY_SECONDS, NoteTooLong, SavedNote, Store, StoreError, migrate,
                        open_store)

ROOT = Path(__file__).resolve().parent.parent


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
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "leaked" not in done.stderr


def test_a_note_save_says_which_version_it_followed(store):
    first = store.save_note("u", "vectors", "a")
    assert isinstance(first, SavedNote) and first.replaced is None and first.lasting and first.caveat is None
    second = store.save_note("u", "vectors", "b")
    assert second.replaced == ("a", first.at)
    assert [r[0] for r in store.query("SELECT body FROM notes ORDER BY saved_at")] == ["a", "b"]


def test_old_spellings_of_a_profile_join_the_normalised_one(tmp_path):
    path = tmp_path / "lab.duckdb"
    s = open_store(path)
    for user in ["local:Me ", "local:ada  Lovelace", "local:José", "local:Jose\u0301", "local:   "]:
        s.record_attempt(user, "relu", 1, "0", "correct")
        s.save_note(user, "relu", f"from {user}")
    s.write("DELETE FROM schema_migrations WHERE name = '005_profile_names'")   # as a file from before
    s.close()
    s = open_store(path)
    assert sorted(r[0] for r in s.query("SELECT DISTINCT user_id FROM notes")) == \
        ["local:   ", "local:ada lovelace", "local:josé", "local:me"]
    assert s.note("local:me", "relu")[0] == "from local:Me " and s.solved("local:me") == {"relu": {1}}
    assert s.solved("local:josé") == {"relu": {1}}         # both spellings of José, now one
    s.close()


def damage_data_block(path, table: str = "notes") -> None:
    """Overwrite bytes inside the data block that holds ``table``'s rows (found from DuckDB's own
    storage map), as a failing disk would: the file still opens, the block's checksum no longer matches."""
    con = duckdb.connect(str(path), read_only=True)
    block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
    block, offset = con.execute(f"SELECT block_id, block_offset FROM pragma_storage_info('{table}') "
                                "WHERE block_id >= 0 ORDER BY block_id LIMIT 1").fetchone()
    con.close()
    with open(path, "r+b") as f:
        f.seek(3 * 4096 + block * block_size + 8 + offset)    # three file headers, then the block's checksum
        f.write(b"\xde\xad\xbe\xef" * 16)


def write_then_damage(path) -> bytes:
    s = open_store(path)
    for i in range(30):
        s.save_note("local:me", "vectors", f"version {i}")
        s.record_attempt("local:me", "vectors", i % 10 + 1, str(i), "correct")
        s.record_study("local:me", "vectors", 30)
    s.close()
    damage_data_block(path)
    return path.read_bytes()


def test_a_file_damaged_in_its_data_blocks_is_found_on_opening_and_left_alone(tmp_path):
    path = tmp_path / "lab.duckdb"
    damaged = write_then_damage(path)
    s = open_store(path)
    assert s.mode == "memory" and "damaged" in s.problem and "in-memory" in s.problem
    assert s.note("local:me", "vectors") is None
    saved = s.save_note("local:me", "vectors", "kept for now")
    assert not saved.lasting and "damaged" in saved.caveat
    assert not s.try_file(now=time.monotonic() + 10 * RETRY_SECONDS)    # damage is not retried
    s.close()
    assert path.read_bytes() == damaged


def test_a_read_that_meets_damage_falls_back_instead_of_raising(tmp_path):
    path = tmp_path / "lab.duckdb"
    damaged = write_then_damage(path)
    # a store opened before the damage could be seen: its first read of the notes meets it
    s = Store(duckdb.connect(str(path)), path=str(path), mode="file")
    assert s.note("local:me", "vectors") is None
    assert s.mode == "memory" and "damaged" in s.problem and "in-memory" in s.problem
    assert s.solved("local:me") == {}
    s.save_note("local:me", "vectors", "still works")
    assert s.note("local:me", "vectors")[0] == "still works"
    s.close()
    assert path.read_bytes() == damaged


def first_server(path) -> subprocess.Popen:
    """Another server process with the store at ``path`` open (and one note saved), holding the
    file until ``release`` is called."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom core.store import open_store\n"
                               f"s = open_store({str(path)!r})\n"
                               "s.save_note('local:me', 'vectors', 'from the first server')\n"
                               "print(s.mode, flush=True)\nsys.stdin.readline()\ns.close()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "file"
    return proc


def release(proc: subprocess.Popen) -> None:
    """Let the first server close its store and end; back once it has (the file is free)."""
    try:
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
        proc.wait()


def test_a_second_store_on_a_busy_file_says_so_and_moves_in_with_its_writes_once_free(tmp_path):
    path = tmp_path / "lab.duckdb"
    first = first_server(path)
    try:
        s = open_store(path)
        assert s.mode == "memory" and "in use by another program" in s.problem
        assert "trying the file again" in s.problem
        saved = s.save_note("local:me", "vectors", "from the second server")
        assert not saved.lasting and "in use by another program" in saved.caveat
        assert not s.try_file(now=time.monotonic() + RETRY_SECONDS)      # still held: stays in memory
        assert s.mode == "memory"
    finally:
        release(first)
    assert not s.try_file(now=time.monotonic() + RETRY_SECONDS / 2)      # too soon after the last try

    stop, written = threading.Event(), []

    def work(i):             # writers busy while the store moves: none of their rows may be lost
        n = 0
        while not stop.is_set() or n < 20:
            s.record_attempt(f"w{i}", "relu", 1, str(n), "wrong")
            n += 1
        written.append(n)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    assert s.try_file(now=time.monotonic() + 3 * RETRY_SECONDS)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert s.mode == "file" and s.problem is None
    assert s.save_note("local:me", "vectors", "after the move").lasting
    s.close()

    s = open_store(path)
    assert [r[0] for r in s.query("SELECT body FROM notes WHERE user_id = 'local:me' ORDER BY saved_at")] == \
        ["from the first server", "from the second server", "after the move"]
    assert s.query("SELECT count(*) FROM practice_attempts WHERE slug = 'relu'")[0][0] == sum(written)
    s.close()
