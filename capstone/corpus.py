"""Where the training text comes from, and what text is accepted (plumbing for prepare.py).

In order:
  1. a path given explicitly (argument) or by the FORMULA_LAB_CORPUS setting;
  2. the copy of tiny Shakespeare that ships at data/tinyshakespeare.txt;
  3. if that copy was removed, a download from the public char-rnn repository (when
     online), saved back to 2.
Any other text can be downloaded (download_text) or uploaded (text_from_upload).
If none of these works, CorpusError explains what to do.

A download runs on the server for whoever typed the address, so it only ever reaches the
public internet: each address (and each redirect's) is resolved once, checked, and then
connected to exactly; the whole download has one deadline and one size cap; and every
failure reads the same, so the download cannot be used to look around the server's network.
"""

import functools
import http.client
import io
import ipaddress
import os
import re
import socket
import ssl
import threading
import time
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

CORPUS_ENV = "FORMULA_LAB_CORPUS"
CORPUS_URL = ("https://raw.githubusercontent.com/karpathy/char-rnn/master/"
              "data/tinyshakespeare/input.txt")
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHED_CORPUS = REPO_ROOT / "data" / "tinyshakespeare.txt"

MIN_UPLOAD_CHARS = 1_000        # less than this is too little to learn anything
MAX_TEXT_BYTES = 5_000_000      # 5 MB: several tiny Shakespeares; at most 10 MB once prepared
MAX_VOCAB = 1_000               # distinct characters; more suggests binary or odd text

DOWNLOAD_TIMEOUT_S = 30.0       # the whole download, slow servers included, not each read
MAX_REDIRECTS = 3               # enough for http -> https -> a mirror; more is a maze
CHUNK_BYTES = 64 * 1024
WEB_SCHEMES = ("http", "https")
SHARED_NETWORK = ipaddress.ip_network("100.64.0.0/10")   # carrier-grade NAT: never public
NAT64_NETWORK = ipaddress.ip_network("64:ff9b::/96")     # IPv6 wrapping an IPv4 address

TEXT_TOO_LONG = f"The text is too long (max {MAX_TEXT_BYTES // 1_000_000} MB)."
# one sentence for every failed download, whatever went wrong where: a learner must not be
# able to tell a closed port from a refused address or a server's "401" with it
DOWNLOAD_FAILED = ("Could not download a plain-text file from that address. If you are "
                   "offline or the address is private, upload the file instead.")


class CorpusError(RuntimeError):
    """The corpus could not be found, fetched or accepted. The message says why."""


class _Refused(Exception):
    """A download stopped on purpose (an address or answer we do not follow)."""


class _TooLong(Exception):
    """A download went past MAX_TEXT_BYTES."""


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


# ----------------------------------------------------------------------------
# downloads: public addresses only, one deadline, one size cap


def public_address(ip, port=None):
    """True only for an address on the public internet: not loopback, private, link-local,
    multicast, reserved, unspecified or shared (100.64/10), in IPv4 or IPv6, nor an IPv6
    address that wraps such an IPv4 one. `port` is there for download_text's `allow`."""
    ip = ipaddress.ip_address(str(ip).split("%")[0])
    if ip.version == 6:
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in NAT64_NETWORK:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.teredo:
            return False
        if inner is not None:
            return public_address(inner)
    return ip.is_global and not (
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified
        or (ip.version == 4 and ip in SHARED_NETWORK))


def _left(deadline):
    """Seconds until the deadline; past it, the download is over."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the download took too long")
    return left


def _resolve(host, port, deadline):
    """The addresses `host` stands for. getaddrinfo has no timeout of its own, so it runs
    in a helper thread and a slow answer still ends at the deadline."""
    found = {}

    def look_up():
        try:
            found["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as e:
            found["error"] = e

    helper = threading.Thread(target=look_up, daemon=True)
    helper.start()
    helper.join(_left(deadline))
    if helper.is_alive():
        raise TimeoutError("the address took too long to look up")
    if "error" in found:
        raise found["error"]
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found["infos"]]


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read given only the time left before the deadline, so a
    server that sends one byte at a time cannot hold the download past it."""

    def __init__(self, sock, deadline, hold):
        super().__init__()
        self._sock, self._deadline = sock, deadline
        self._hold = hold   # the socket's file: it keeps the socket open until the response closes

    def readable(self):
        return True

    def close(self):
        self._hold.close()
        super().close()

    def readinto(self, buf):
        self._sock.settimeout(_left(self._deadline))
        return self._sock.recv_into(buf)


class _DeadlineResponse(http.client.HTTPResponse):
    """An HTTP response whose status line, headers and body are all read by _DeadlineReader."""

    def __init__(self, sock, *args, deadline, **kwargs):
        super().__init__(sock, *args, **kwargs)
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, hold=self.fp))


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP to the address that was checked, not to whatever a second look-up of the name
    might answer; the name still goes in the Host header."""

    def __init__(self, host, port, ip, deadline):
        super().__init__(host, port, timeout=_left(deadline))
        self.ip, self.deadline = ip, deadline
        self.response_class = functools.partial(_DeadlineResponse, deadline=deadline)

    def connect(self):
        self.sock = socket.create_connection((str(self.ip), self.port), _left(self.deadline))


class _PinnedTLSConnection(_PinnedConnection):
    """HTTPS likewise: TCP to the checked address, TLS checked against the name."""
    default_port = http.client.HTTPS_PORT

    def connect(self):
        super().connect()
        self.sock.settimeout(_left(self.deadline))   # the whole handshake, not each step
        self.sock = ssl.create_default_context().wrap_socket(self.sock, server_hostname=self.host)


def _content_length(resp):
    """The announced size, or None when it is missing, negative or garbled (or chunked)."""
    value = "" if resp.chunked else (resp.getheader("Content-Length") or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,15}", value) else None


def _open(url, deadline, allow):
    """(connection, response) for one GET of `url`, after checking where it goes."""
    parts = urlsplit(url)
    if parts.scheme not in WEB_SCHEMES or not parts.hostname:
        raise _Refused(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname.encode("idna").decode("ascii")
    addresses = _resolve(host, port, deadline)
    if not addresses or not all(allow(ip, port) for ip in addresses):
        raise _Refused(url)
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    cls = _PinnedTLSConnection if parts.scheme == "https" else _PinnedConnection
    for i, ip in enumerate(addresses):
        conn = cls(host, port, ip, deadline)
        try:
            conn.connect()
            break
        except OSError:
            conn.close()
            if i == len(addresses) - 1:
                raise
    try:
        conn.request("GET", target, headers={"Accept": "text/plain, */*",
                                             "Accept-Encoding": "identity",
                                             "User-Agent": "Formula-Lab"})
        return conn, conn.getresponse()
    except BaseException:
        conn.close()
        raise


def _fetch(url, deadline, allow, progress):
    """The body at `url`, following at most MAX_REDIRECTS redirects, each checked anew."""
    for _ in range(MAX_REDIRECTS + 1):
        conn, resp = _open(url, deadline, allow)
        try:
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.getheader("Location")
                if not location:
                    raise _Refused(url)
                url = urljoin(url, location.strip())
                continue
            if resp.status != 200:
                raise _Refused(url)
            total = _content_length(resp)
            if total is not None and total > MAX_TEXT_BYTES:
                raise _TooLong
            chunks, done = [], 0
            while chunk := resp.read1(CHUNK_BYTES):
                done += len(chunk)
                if done > MAX_TEXT_BYTES:
                    raise _TooLong
                chunks.append(chunk)
                if progress is not None:
                    progress(done, total)
                _left(deadline)
            if total is not None and done != total:
                raise _Refused(url)   # cut short
            return b"".join(chunks)
        finally:
            conn.close()
    raise _Refused(url)   # too many redirects


def download_text(url, timeout=DOWNLOAD_TIMEOUT_S, progress=None, allow=public_address):
    """Download a plain-text file and validate it like an upload; progress(bytes_done,
    bytes_total_or_None) is called as chunks arrive. `timeout` is for the whole download.
    allow(ip, port) says which addresses may be reached (the public internet only, unless
    a test says otherwise). Every failure is the same CorpusError(DOWNLOAD_FAILED), except
    the two things the learner controls: the kind of address, and the text's length."""
    url = str(url).strip()
    try:
        parts = urlsplit(url)
        parts.port   # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in WEB_SCHEMES or not parts.hostname:
        raise CorpusError(f"{url[:200]!r} is not a web address (it should start with https://)")
    deadline = time.monotonic() + timeout
    try:
        data = _fetch(url, deadline, allow, progress)
        return text_from_upload(data)
    except _TooLong:
        raise CorpusError(TEXT_TOO_LONG) from None
    except (_Refused, CorpusError, OSError, http.client.HTTPException, ValueError) as e:
        raise CorpusError(DOWNLOAD_FAILED) from e


def download_corpus(dest=CACHED_CORPUS, url=CORPUS_URL, timeout=DOWNLOAD_TIMEOUT_S, progress=None):
    """Download tiny Shakespeare back to `dest` (where it ships) and return that path."""
    dest = Path(dest)
    text = download_text(url, timeout=timeout, progress=progress)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)  # atomic: never leave half a file behind
    return dest


def load_corpus(path=None, download=True, progress=None, timeout=DOWNLOAD_TIMEOUT_S):
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
    at most MAX_TEXT_BYTES (checked before decoding) with a modest number of distinct
    characters."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) > MAX_TEXT_BYTES:
            raise CorpusError(TEXT_TOO_LONG)
        data = bytes(data)
        if b"\x00" in data:
            raise CorpusError("this looks like a binary file, not text")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise CorpusError(f"the file is not UTF-8 text ({e})") from e
    if not isinstance(data, str):
        raise CorpusError(f"expected text or bytes, got {type(data).__name__}")
    if len(data) > MAX_TEXT_BYTES or len(data.encode("utf-8", "surrogatepass")) > MAX_TEXT_BYTES:
        raise CorpusError(TEXT_TOO_LONG)
    data = data.replace("\r\n", "\n")
    if len(data) < MIN_UPLOAD_CHARS:
        raise CorpusError(f"text has {len(data):,} characters; at least "
                          f"{MIN_UPLOAD_CHARS:,} are needed to learn anything")
    n_chars = len(set(data))
    if n_chars > MAX_VOCAB:
        raise CorpusError(f"text uses {n_chars:,} distinct characters; the limit is {MAX_VOCAB}")
    return data
