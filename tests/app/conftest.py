from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.store import open_store

APP = Path(__file__).resolve().parents[2] / "app.py"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    path = tmp_path / "lab.duckdb"
    monkeypatch.setenv("FORMULA_LAB_DB", str(path))
    return path


@pytest.fixture
def app(db_path):
    """A fresh app session on its own database file, already on Home."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def db(db_path, app):
    """The same database the app writes to (same process: the same DuckDB instance)."""
    return open_store(db_path)


def submit(at, key_prefix):
    """Click the form submit button whose key starts with ``key_prefix``."""
    for b in at.button:
        if b.key and b.key.startswith(f"FormSubmitter:{key_prefix}"):
            return b.click().run()
    raise AssertionError(f"no submit button for {key_prefix}: {[b.key for b in at.button]}")
