import time

import pytest

from capstone import corpus


def test_corpus_from_setting_and_argument(corpus_path, monkeypatch, tmp_path):
    monkeypatch.setenv(corpus.CORPUS_ENV, str(corpus_path))
    assert corpus.find_corpus() == corpus_path
    assert corpus.load_corpus().startswith("First Citizen")
    other = tmp_path / "other.txt"
    other.write_text("to be or not to be " * 100)
    assert corpus.find_corpus(other) == other  # the argument wins over the setting
    monkeypatch.setenv(corpus.CORPUS_ENV, str(tmp_path / "missing.txt"))
    with pytest.raises(corpus.CorpusError, match="does not exist"):
        corpus.find_corpus()


def test_upload_validation():
    ok = corpus.text_from_upload(("hello world\r\n" * 200).encode())
    assert "\r" not in ok
    for bad in [b"short", b"\x00\x01" * 1000, b"\xff\xfe" * 1000, 12345]:
        with pytest.raises(corpus.CorpusError):
            corpus.text_from_upload(bad)


def test_offline_download_fails_fast_and_clearly(tmp_path):
    t = time.monotonic()
    with pytest.raises(corpus.CorpusError) as err:
        corpus.download_corpus(tmp_path / "c.txt", url="http://127.0.0.1:9/input.txt",
                               timeout=2)
    assert str(err.value) == corpus.DOWNLOAD_FAILED
    assert time.monotonic() - t < 10
    assert not (tmp_path / "c.txt").exists()


def test_tiny_shakespeare_ships_with_the_repository(monkeypatch):
    # a fresh clone, with no setting: the shipped copy is found, and it is the standard text
    import hashlib
    monkeypatch.delenv(corpus.CORPUS_ENV, raising=False)
    assert corpus.find_corpus() == corpus.CACHED_CORPUS
    assert hashlib.sha256(corpus.CACHED_CORPUS.read_bytes()).hexdigest() == (
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed")


def test_another_text_downloads_from_a_web_address(tmp_path):
    # a real HTTP server on localhost stands in for the web
    import functools
    import http.server
    import threading
    (tmp_path / "poem.txt").write_text("the quick brown fox jumps over the lazy dog\n" * 50)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        seen = []
        url = f"http://127.0.0.1:{server.server_address[1]}/poem.txt"
        # the server is on 127.0.0.1: let this one address count as public for the test
        allow = lambda ip, port: (str(ip), port) == server.server_address  # noqa: E731
        text = corpus.download_text(url, allow=allow,
                                    progress=lambda done, total: seen.append((done, total)))
        assert text.startswith("the quick brown fox") and seen[-1] == (len(text), len(text))
        with pytest.raises(corpus.CorpusError) as err:
            corpus.download_text(url.replace("poem", "missing"), allow=allow)
        assert str(err.value) == corpus.DOWNLOAD_FAILED
    finally:
        server.shutdown()
    with pytest.raises(corpus.CorpusError, match="not a web address"):
        corpus.download_text("file:///etc/passwd")
