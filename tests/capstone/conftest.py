"""Fixtures for the capstone tests: the corpus (from FORMULA_LAB_CORPUS, else the copy
that ships in data/) and a small prepared slice of it."""

import os
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # make `import capstone` work however pytest is run
    sys.path.insert(0, str(REPO_ROOT))

DEFAULT_CORPUS = REPO_ROOT / "data" / "tinyshakespeare.txt"



def wait_for(cond, timeout=180):
    """Poll cond() until it holds (True) or timeout seconds pass (False)."""
    # the child runs at a low priority (worker.NICENESS): on a busy host it starts slowly
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="session")
def corpus_path():
    p = Path(os.environ.get("FORMULA_LAB_CORPUS") or DEFAULT_CORPUS).resolve()
    if not p.is_file():
        pytest.fail(f"corpus not found at {p}: it ships with the repository in data/; "
                    "restore it (git checkout -- data) or set FORMULA_LAB_CORPUS to a copy",
                    pytrace=False)
    return p


@pytest.fixture(scope="session")
def corpus_text(corpus_path):
    return corpus_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_data(corpus_text):
    """The first 200k characters, split 90/10: enough to learn from in a few steps."""
    from capstone.prepare import prepare
    return prepare(corpus_text[:200_000])


@pytest.fixture
def tiny_cfg():
    """A fast training config: few steps, small batches."""
    from capstone.presets import make_config
    return make_config("default", max_iters=20, batch_size=8, eval_interval=10,
                       eval_iters=2, eval_batch_size=16, final_eval_iters=2,
                       warmup_iters=5, device="cpu", sample_interval=0)
