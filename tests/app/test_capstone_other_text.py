"""The capstone's "Train on another text": an upload is prepared once, into a bounded cache
shared by every session, and the session keeps only the text's name and hash; an address
that is not on the public internet is refused before anything is contacted."""
import functools
import http.server
import threading

import numpy as np
import pytest
import torch

from capstone.corpus import DOWNLOAD_FAILED, MAX_TEXT_BYTES, TEXT_TOO_LONG
from capstone.prepare import Dataset

KEY = "capstone.corpus"
POEM = "the quick brown fox jumps over the lazy dog\n" * 50


@pytest.fixture
def page(app):
    app.switch_page("app_pages/capstone.py").run()
    assert not app.exception, app.exception
    return app


def _heavy(value):
    """Whatever in session state holds token ids (or a whole dataset)."""
    if isinstance(value, (np.ndarray, torch.Tensor, Dataset, bytes, bytearray)):
        return True
    if isinstance(value, (tuple, list)):
        return any(_heavy(v) for v in value)
    return False


def _upload(at, name, content):
    at.file_uploader(key=f"{KEY}.file").upload(name, content, "text/plain").run()
    assert not at.exception, at.exception
    return at


def test_an_uploaded_text_is_trained_on_and_session_state_holds_no_array(page):
    at = _upload(page, "poem.txt", POEM.encode())
    assert any("Training on **poem.txt**" in c.value for c in at.caption)
    assert any(f"{len(set(POEM))} characters in the vocabulary" in c.value for c in at.caption)
    state = at.session_state.to_dict()
    name, digest = state[f"{KEY}.other"]
    assert name == "poem.txt" and len(digest) == 64
    assert not [k for k, v in state.items() if k != f"{KEY}.file" and _heavy(v)]


def test_a_text_set_aside_comes_back_from_the_upload_still_there(page):
    from components.capstone import training
    at = _upload(page, "poem.txt", POEM.encode())
    training._brought_dataset.clear()   # as if other learners' texts had pushed it out
    at.run()
    assert not at.exception, at.exception
    assert any("Training on **poem.txt**" in c.value for c in at.caption)


def test_an_upload_over_the_limit_is_refused_with_a_sentence(page):
    at = _upload(page, "big.txt", b"a" * (MAX_TEXT_BYTES + 1))
    assert [e.value for e in at.error] == [TEXT_TOO_LONG]
    assert f"{KEY}.other" not in at.session_state
    assert not any("Training on" in c.value for c in at.caption)


def test_a_local_address_is_refused_and_never_contacted(page, tmp_path):
    (tmp_path / "poem.txt").write_text(POEM)
    seen = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        at = page
        at.text_input(key=f"{KEY}.url").input(
            f"http://127.0.0.1:{server.server_address[1]}/poem.txt").run()
        at.button(key=f"{KEY}.download").click().run()
        assert not at.exception, at.exception
        assert [e.value for e in at.error] == [DOWNLOAD_FAILED]
        assert seen == [] and f"{KEY}.other" not in at.session_state
    finally:
        server.shutdown()
        server.server_close()
