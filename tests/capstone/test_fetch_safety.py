"""Downloading another text runs on the server for whoever typed the address: it must reach
only the public internet, end on time, stop at the size cap, and fail in one sentence that
tells nothing about what was there. Real HTTP servers on 127.0.0.1 stand in for the web;
the test lets exactly one of them (its host and port) count as public."""

import http.server
import ipaddress
import socket
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capstone import corpus

POEM = "the quick brown fox jumps over the lazy dog\n" * 50
DRIP_EVERY_S = 0.5
DEADLINE_S = 2.0
MARGIN_S = 1.5


class _Site(http.server.ThreadingHTTPServer):
    """A small web site on 127.0.0.1 that remembers every request it was sent."""
    daemon_threads = True

    def __init__(self, routes, family=socket.AF_INET, host="127.0.0.1"):
        self.address_family = family
        self.routes, self.seen, self.stop = routes, [], threading.Event()
        super().__init__((host, 0), _Handler)

    @property
    def base(self):
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}"

    def allow(self, ip, port):
        """This site's own address counts as public; everything else is judged as in production."""
        return (str(ip), port) == tuple(self.server_address[:2]) or corpus.public_address(ip)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append(self.path)
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, *args):
        pass


def _text(handler, body=POEM.encode(), length=None):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Length", str(len(body)) if length is None else length)
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(body)


def _redirect(to):
    def route(handler):
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
    return route


def _drip(handler, headers_too=False):
    """One byte every DRIP_EVERY_S for as long as the client listens (or the test runs)."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
    if not headers_too:
        handler.wfile.write(b"Content-Type: text/plain\r\nConnection: close\r\n\r\n")
    handler.wfile.flush()
    try:
        while not handler.server.stop.wait(DRIP_EVERY_S):
            handler.wfile.write(b"X" if headers_too else b"a")
            handler.wfile.flush()
    except OSError:
        pass


def _endless(handler):
    """A body with no announced length that never ends."""
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    block = b"a" * 65536
    try:
        while not handler.server.stop.is_set():
            handler.wfile.write(block)
    except OSError:
        pass


def _unauthorized(handler):
    handler.send_error(401)


def _start(site):
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site


@pytest.fixture
def site():
    s = _start(_Site({
        "/poem.txt": _text,
        "/negative.txt": lambda h: _text(h, length="-5"),
        "/garbled.txt": lambda h: _text(h, length="12abc"),
        "/announced-too-long.txt": lambda h: _text(h, length=str(corpus.MAX_TEXT_BYTES + 1)),
        "/endless.txt": _endless,
        "/drip.txt": _drip,
        "/drip-headers.txt": lambda h: _drip(h, headers_too=True),
        "/secret.txt": _unauthorized,
        "/to-ftp": _redirect("ftp://127.0.0.1/poem.txt"),
        "/to-metadata": _redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-private-ten": _redirect("http://10.1.2.3/poem.txt"),
        "/to-self": _redirect("/poem.txt"),
        "/loop": _redirect("/loop"),
    }))
    yield s
    s.stop.set()
    s.shutdown()
    s.server_close()


@pytest.fixture
def other_site():
    """A second server on 127.0.0.1 that nothing may reach (not even by redirect)."""
    s = _start(_Site({"/poem.txt": _text}))
    yield s
    s.shutdown()
    s.server_close()


def _failure(url, **kw):
    with pytest.raises(corpus.CorpusError) as err:
        corpus.download_text(url, **kw)
    return str(err.value)


def _failure_within(seconds, url, **kw):
    """_failure, run aside so that a download that never ends fails the test instead of hanging it."""
    answer = {}

    def attempt():
        try:
            corpus.download_text(url, **kw)
            answer["error"] = None
        except corpus.CorpusError as err:
            answer["error"] = str(err)

    helper = threading.Thread(target=attempt, daemon=True)
    helper.start()
    helper.join(seconds)
    assert not helper.is_alive(), f"the download of {url} was still going after {seconds} s"
    assert answer["error"] is not None, f"{url} downloaded"
    return answer["error"]


def test_an_allowed_address_downloads(site):
    seen = []
    text = corpus.download_text(f"{site.base}/poem.txt", allow=site.allow,
                                progress=lambda done, total: seen.append((done, total)))
    assert text == POEM and seen[-1] == (len(POEM), len(POEM))
    # a redirect within the allowed site is followed
    assert corpus.download_text(f"{site.base}/to-self", allow=site.allow) == POEM


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "0.0.0.0", "127.1", "2130706433"])
def test_local_addresses_are_refused_before_any_connection(site, host):
    port = site.server_address[1]
    assert _failure(f"http://{host}:{port}/poem.txt") == corpus.DOWNLOAD_FAILED
    assert site.seen == []


def test_the_ipv6_loopback_is_refused_before_any_connection():
    try:
        s = _start(_Site({"/poem.txt": _text}, family=socket.AF_INET6, host="::1"))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    try:
        assert corpus.download_text(f"{s.base}/poem.txt",
                                    allow=lambda ip, port: True) == POEM  # it is there...
        s.seen.clear()
        assert _failure(f"{s.base}/poem.txt") == corpus.DOWNLOAD_FAILED  # ...and refused
        assert s.seen == []
    finally:
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("url", ["http://10.1.2.3/poem.txt", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://[fe80::1]/",
                                 "http://224.0.0.1/", "https://192.168.1.1/"])
def test_private_addresses_are_refused_without_trying_them(url):
    t = time.monotonic()
    assert _failure(url, timeout=DEADLINE_S) == corpus.DOWNLOAD_FAILED
    assert time.monotonic() - t < 1.0   # refused outright, not a connection that timed out


def test_a_redirect_to_a_private_address_is_refused(site, other_site):
    assert _failure(f"{site.base}/to-metadata", allow=site.allow) == corpus.DOWNLOAD_FAILED
    assert _failure(f"{site.base}/to-private-ten", allow=site.allow) == corpus.DOWNLOAD_FAILED
    site.routes["/to-other"] = _redirect(f"{other_site.base}/poem.txt")
    assert _failure(f"{site.base}/to-other", allow=site.allow) == corpus.DOWNLOAD_FAILED
    assert other_site.seen == []
    assert site.seen == ["/to-metadata", "/to-private-ten", "/to-other"]


def test_a_redirect_to_another_scheme_is_refused(site):
    assert _failure(f"{site.base}/to-ftp", allow=site.allow) == corpus.DOWNLOAD_FAILED


def test_redirects_are_followed_only_a_few_times(site):
    assert _failure(f"{site.base}/loop", allow=site.allow) == corpus.DOWNLOAD_FAILED
    assert len(site.seen) == corpus.MAX_REDIRECTS + 1


@pytest.mark.parametrize("path", ["/drip.txt", "/drip-headers.txt"])
def test_a_slow_drip_ends_at_the_deadline(site, path):
    t = time.monotonic()
    assert _failure_within(DEADLINE_S + MARGIN_S, f"{site.base}{path}", allow=site.allow,
                           timeout=DEADLINE_S) == corpus.DOWNLOAD_FAILED
    assert DEADLINE_S - 0.1 < time.monotonic() - t < DEADLINE_S + MARGIN_S


def test_a_body_over_the_cap_is_refused_without_reading_it_all(site):
    assert _failure(f"{site.base}/announced-too-long.txt", allow=site.allow) == corpus.TEXT_TOO_LONG
    # no length announced and no end: it stops soon after the cap
    assert _failure_within(20, f"{site.base}/endless.txt", allow=site.allow) == corpus.TEXT_TOO_LONG
    assert "5 MB" in corpus.TEXT_TOO_LONG


@pytest.mark.parametrize("path", ["/negative.txt", "/garbled.txt"])
def test_a_nonsense_length_counts_as_unknown(site, path):
    seen = []
    text = corpus.download_text(f"{site.base}{path}", allow=site.allow,
                                progress=lambda done, total: seen.append((done, total)))
    assert text == POEM and seen and all(total is None for _, total in seen)


def test_every_failure_reads_the_same(site):
    with socket.socket() as s:           # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    refused_port = _failure(f"http://127.0.0.1:{closed}/poem.txt",
                            allow=lambda ip, port: port == closed)
    unauthorized = _failure(f"{site.base}/secret.txt", allow=site.allow)
    private = _failure("http://10.0.0.1/poem.txt")
    site.routes["/short.txt"] = lambda h: _text(h, body=b"ten chars!")
    too_short = _failure(f"{site.base}/short.txt", allow=site.allow)
    assert refused_port == unauthorized == private == too_short == corpus.DOWNLOAD_FAILED


def test_only_web_addresses_are_tried():
    for url in ["file:///etc/passwd", "ftp://example.org/x.txt", "gopher://x", "http://", "http://x:port/"]:
        assert "is not a web address" in _failure(url)


_PRIVATE_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
               "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"]


@settings(max_examples=300, deadline=None)
@given(net=st.sampled_from(_PRIVATE_V4), offset=st.integers(min_value=0))
def test_no_private_ipv4_address_counts_as_public_in_any_form(net, offset):
    net = ipaddress.ip_network(net)
    ip = net[offset % net.num_addresses]
    assert not corpus.public_address(ip)
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80))
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(ip))
    for wrapped in (mapped, sixtofour, nat64):
        assert not corpus.public_address(wrapped), wrapped


def test_public_addresses_count_as_public():
    for ip in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]:
        assert corpus.public_address(ip), ip
    for ip in ["::1", "::", "fe80::1", "fc00::1", "ff02::1", "2001:db8::1"]:
        assert not corpus.public_address(ip), ip


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_typed_text_ends_in_a_sentence(text):
    """Whatever a learner types, the answer is a CorpusError (never a crash); nothing is
    allowed here, so nothing is contacted."""
    from urllib.parse import urlsplit
    try:
        scheme = urlsplit(text.strip()).scheme
    except ValueError:
        scheme = ""
    if scheme in corpus.WEB_SCHEMES:
        return   # would look the name up; the tests above cover web addresses
    assert "is not a web address" in _failure(text, allow=lambda ip, port: False)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_uploaded_bytes_end_in_text_or_a_sentence(data):
    try:
        text = corpus.text_from_upload(data)
    except corpus.CorpusError as err:
        assert str(err)
    else:
        assert isinstance(text, str) and len(text) >= corpus.MIN_UPLOAD_CHARS


def test_an_upload_over_the_cap_is_refused_before_decoding():
    big = b"a" * (corpus.MAX_TEXT_BYTES + 1)
    with pytest.raises(corpus.CorpusError, match="too long"):
        corpus.text_from_upload(big)
    with pytest.raises(corpus.CorpusError, match="too long"):
        corpus.text_from_upload(memoryview(big))
