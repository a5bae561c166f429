"""The capstone's checkpoint folder: at most MAX_SAVED files per learner, the oldest
replaced (and named), the same bytes kept once, any file deletable; and one loaded
model per session, held in that session only."""
import gc
import hashlib
import time
import weakref

import pytest
import torch
from streamlit.testing.v1 import AppTest

import components.capstone.checkpoints as page_checkpoints
from capstone.checkpoint import CheckpointError, save_checkpoint
from capstone.job import JobRegistry, TrainingJob
from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab
from capstone.presets import make_config
from components.capstone.checkpoints import (MAX_SAVED, MAX_SAVE_BYTES, save_checkpoint_file,
                                             saved_files)
from tests.app.conftest import APP

VOCAB = Vocab(list("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
KEY = "capstone.ckpt"


@pytest.fixture(scope="module")
def blobs():
    """Four different checkpoints of the default model."""
    return [save_checkpoint(GPT(GPTConfig(vocab_size=len(VOCAB)),
                                generator=torch.Generator().manual_seed(seed)), VOCAB)
            for seed in range(4)]


@pytest.fixture
def save_dir(tmp_path, monkeypatch):
    folder = tmp_path / "checkpoints"
    monkeypatch.setattr(page_checkpoints, "SAVE_DIR", folder)
    return folder


def _registries():
    return [o for o in gc.get_objects() if type(o) is JobRegistry]


def _open(at):
    at.switch_page("app_pages/capstone.py").run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page(app, save_dir):
    yield _open(app)
    for reg in _registries():
        reg.stop_all(wait=30)
        reg.remove(app.session_state["user"])


def _finish_run(at, blob):
    """Put a finished run holding `blob` in the page's registry, as a job leaves it."""
    user = at.session_state["user"]
    job = TrainingJob(make_config("default", max_iters=10), None, learner_id=user)
    job._state.update(status="finished", step=10, elapsed_s=1.0, tokens_per_s=1000.0,
                      started_at=time.time() - 5, ended_at=time.time() - 1,
                      device={"name": "CPU"}, history=[(0, 4.2, 4.2), (10, 3.9, 3.9)], samples=[])
    job._ckpt = blob
    (registry,) = _registries()
    registry._jobs[user] = job
    at.run()
    assert not at.exception, at.exception


def _save(at):
    at.button(key=f"{KEY}.save").click().run()
    assert not at.exception, at.exception
    return at.info[0].value


def test_the_folder_keeps_three_files_and_says_which_one_a_save_replaced(page, blobs):
    at = page
    user = at.session_state["user"]
    _finish_run(at, blobs[0])
    note = _save(at)
    (first,) = saved_files(user)
    assert note == f"Saved as {first.stem}."
    assert first.read_bytes() == blobs[0]
    # the same bytes again: no second file
    assert _save(at) == f"This checkpoint is saved already, as {first.stem}."
    assert saved_files(user) == [first]
    for blob in blobs[1:3]:
        _finish_run(at, blob)
        assert _save(at).startswith("Saved as ")
    assert len(saved_files(user)) == MAX_SAVED == 3
    assert at.selectbox(key=f"{KEY}.saved").label == "Your saved checkpoints (3 of 3)"
    # a fourth replaces the oldest, and the page names it
    _finish_run(at, blobs[3])
    note = _save(at)
    kept = saved_files(user)
    assert len(kept) == 3 and first not in kept and not first.exists()
    assert note == (f"Saved as {kept[0].stem}. You keep at most 3 checkpoints on this server, "
                    f"so it replaced the oldest: {first.stem}.")
    assert [p.read_bytes() for p in kept] == [blobs[3], blobs[2], blobs[1]]
    # delete one from the page
    at.selectbox(key=f"{KEY}.saved").set_value(kept[1]).run()
    at.button(key=f"{KEY}.delete_saved").click().run()
    assert not at.exception, at.exception
    assert at.info[0].value == f"Deleted {kept[1].stem}."
    assert saved_files(user) == [kept[0], kept[2]] and not kept[1].exists()
    assert at.selectbox(key=f"{KEY}.saved").label == "Your saved checkpoints (2 of 3)"


def test_the_session_holds_one_model_the_active_ones(page, app, blobs, save_dir):
    at = page
    _finish_run(at, blobs[0])
    digest, first = at.session_state[f"{KEY}.model"]
    assert digest == hashlib.sha256(blobs[0]).hexdigest()
    gone = weakref.ref(first.model)
    save_checkpoint_file(blobs[1], at.session_state["user"])
    at.run()
    at.button(key=f"{KEY}.load_saved").click().run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("In use: the model from saved ") for c in at.caption)
    digest, second = at.session_state[f"{KEY}.model"]
    assert digest == hashlib.sha256(blobs[1]).hexdigest()
    del first
    at.run()          # Streamlit lets go of a session value it replaced when the next run starts
    gc.collect()
    assert gone() is None                       # the earlier model is let go, not cached
    # another session loading the very same bytes gets a model of its own
    other = _open(AppTest.from_file(str(APP), default_timeout=60).run())
    other.button(key=f"{KEY}.load_saved").click().run()
    assert not other.exception, other.exception
    digest, theirs = other.session_state[f"{KEY}.model"]
    assert digest == hashlib.sha256(blobs[1]).hexdigest() and theirs.model is not second.model


def test_saving_refuses_a_file_over_the_cap_and_keeps_one_copy_of_the_same_bytes(save_dir, blobs):
    with pytest.raises(CheckpointError, match="more than this server keeps"):
        save_checkpoint_file(bytes(MAX_SAVE_BYTES + 1), "ada")
    assert not save_dir.exists() or not any(save_dir.rglob("*"))
    path, replaced, already = save_checkpoint_file(blobs[0], "ada")
    assert (replaced, already) == ([], False)
    assert save_checkpoint_file(blobs[0], "ada") == (path, [], True)
    # saved at once, one after another: the oldest still goes first
    for blob in blobs[1:]:
        newest, _, _ = save_checkpoint_file(blob, "ada")
    assert saved_files("ada")[0] == newest and path not in saved_files("ada")
    assert len(saved_files("ada")) == MAX_SAVED and saved_files("grace") == []
