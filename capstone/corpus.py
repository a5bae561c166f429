"""Where the training text comes from, and what text is accepted (plumbing for prepare.py).

In order:
  1. a path given explicitly (argument) or by the FORMULA_LAB_CORPUS setting;
  2. the copy of tiny Shakespeare that ships at data/tinyshakespeare.txt;
  3. if that copy was removed, a download from the public char-rnn repository (when
     online), saved back to 2.
Any other text can be downloaded (download_text) or uploaded (text_from_upload).
If none of these works, CorpusError explains what to do.
"""

import os
import urllib.error
import urllib.request
from pathlib import Path

CORPUS_ENV = "FORMULA_LAB_CORPUS"
CORPUS_URL = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/"
              "data/tinyshakespeare/input.txt")
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHED_CORPUS = REPO_ROOT / "data" / "tinyshakespeare.txt"

MIN_UPLOAD_CHARS = 1_000        # less than this is too little to learn anything
MAX_UPLOAD_BYTES = 20_000_000   # 20 MB: plenty for a character model on a laptop
MAX_VOCAB = 1_000               # distinct characters; more suggests binary or odd text


class CorpusError(RuntimeError):
    """The corpus could not be found, fetched or accepted. The message says why."""


def find_corpus(path=None):
    """Path of a local corpus file (argument, then setting, then cached copy) or None.
    A path that is given but missing is an error, not silently skipped."""
    given = path or os.environ.get(CORPUS_ENV)
    if given:
        p = Path(given).expanduser()
        if not p.is_file():
            source = "argument" if path else f"setting {CORPUS_ENV}"
            raise CorpusError(f"corpus file {p} (from the {source}) does not exist")
        return p
    if CACHED_CORPUS.is_file():
        return CACHED_CORPUS
    return None


def download_text(url, timeout=5.0, progress=None):
    """Download a plain-text file and validate it like an upload; progress(bytes_done,
    bytes_total_or_None) is called as chunks arrive. Fails fast with CorpusError when offline."""
    if not str(url).startswith(("http://", "https://")):
        raise CorpusError(f"{url!r} is not a web address (it should start with https://)")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            total = resp.headers.get("Content-Length")
            total = int(total) if total else None
            chunks, done = [], 0
            while True:
                chunk = resp.read(64 * 1024)
                if not chunk:
                    break
                chunks.append(chunk)
                done += len(chunk)
                if done > MAX_UPLOAD_BYTES:
                    raise CorpusError(f"download from {url} is larger than expected")
                if progress is not None:
                    progress(done, total)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise CorpusError(f"could not download {url} ({e}). If you are offline, upload "
                          "a text file instead.") from e
    return text_from_upload(b"".join(chunks))


def download_corpus(dest=CACHED_CORPUS, url=CORPUS_URL, timeout=5.0, progress=None):
    """Download tiny Shakespeare back to `dest` (where it ships) and return that path."""
    dest = Path(dest)
    text = download_text(url, timeout=timeout, progress=progress)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)  # atomic: never leave half a file behind
    return dest


def load_corpus(path=None, download=True, progress=None, timeout=5.0):
    """The corpus text, looking in the order described at the top of this file."""
    p = find_corpus(path)
    if p is None and download:
        p = download_corpus(progress=progress, timeout=timeout)
    if p is None:
        raise CorpusError(
            f"no corpus found: {CACHED_CORPUS.relative_to(REPO_ROOT)}, which ships with the "
            f"repository, is missing. Restore it (git checkout -- data), set {CORPUS_ENV} to a "
            "text file, connect to the internet so it can be downloaded, or upload a text file.")
    return text_from_upload(p.read_bytes())


def text_from_upload(data):
    """Validate uploaded (or read) content: bytes or str -> str. Must be UTF-8 text of
    reasonable size with a modest number of distinct characters."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if len(data) > MAX_UPLOAD_BYTES:
            raise CorpusError(f"text is {len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,}")
        if b"\x00" in data:
            raise CorpusError("this looks like a binary file, not text")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorpusError(f"the file is not UTF-8 text ({e})") from e
    if not isinstance(data, str):
        raise CorpusError(f"expected text or bytes, got {type(data).__name__}")
    data = data.replace("\r\n", "\n")
    if len(data.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise CorpusError(f"text is larger than {MAX_UPLOAD_BYTES:,} bytes")
    if len(data) < MIN_UPLOAD_CHARS:
        raise CorpusError(f"text has {len(data):,} characters; at least "
                          f"{MIN_UPLOAD_CHARS:,} are needed to learn anything")
    n_chars = len(set(data))
    if n_chars > MAX_VOCAB:
        raise CorpusError(f"text uses {n_chars:,} distinct characters; the limit is {MAX_VOCAB}")
    return data
