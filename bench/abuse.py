"""What hostile visitors' attacks cost the server, and what the visitor is told. In Chromium.

    python bench/abuse.py                    # every family (about a minute when all are refused)
    python bench/abuse.py --only checkpoint  # one family: checkpoint, save, text, answer, recording
    python bench/abuse.py --timeout 30       # give up on an attack after 30 s (default 60)

Starts `streamlit run app.py` on localhost with a fresh database (one server per family, so
one family's damage cannot spoil the next one's figures) and replays, in headless Chromium,
what a hostile visitor can do through the page:

  checkpoint  four crafted files given to the capstone's "Load a checkpoint file" uploader:
              a 711-byte header-only file whose config asks for 100,000 layers, a few-MB file
              of real weights whose config asks for 50 layers and a 100,000-character context,
              a header of 100,000 nested lists, and metadata that is a number;
  save        "Save on this server" pressed 5 times over with a valid checkpoint in use (one
              made here with the capstone's own model code, then uploaded); afterwards the
              visitor's checkpoint folder's size and file count;
  text        "Train on another text": the Download field given a local http.server's
              address, the cloud metadata address and an ftp:// address, and a 20 MB upload;
  answer      `e^1000`, `9^9^9^9` and 10,000 nested parentheses checked as answers on the
              softmax chapter;
  recording   core.speech.transcribe.decode given a 4-hour silent FLAC named recording.wav,
              in a fresh subprocess (st.audio_input takes no file from the page).

During each attack a thread samples the server process's resident memory (VmRSS) every
50 ms, from just before the attack until the page settles (Streamlit's running indicator
gone, and a new message shown or nothing changed for 1 s) or the time limit. Prints one row
per attack: its name, the server's RSS before and at its peak (MB), the seconds until the
page settled, and the first line of the newest message the page showed the visitor (an
st.error, st.warning, st.info, toast or uploader error), at most 100 characters. The
recording row gives the subprocess's own figures (VmHWM) instead.
"""

import argparse
import http.server
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from functools import partial
from pathlib import Path

from capstone_page import CHROMIUM, CHROMIUM_ARGS
from local_app import ROOT, local_app

sys.path.insert(0, str(ROOT))

SAMPLE_S = 0.05          # how often the server's memory is read
QUIET_MS = 1000          # a page that has not changed for this long has settled
MESSAGE_CHARS = 100      # of the visitor's message, in the table
FAMILIES = ("checkpoint", "save", "text", "answer", "recording")
SAVE_PRESSES = 5
UPLOAD_TEXT_BYTES = 20 * 2**20
RECORDING_HOURS = 4
NESTING = 100_000        # lists in the nested-header file
ANSWER_NESTING = 10_000  # parentheses in the nested answer

MESSAGES = "[data-testid=stAlert], [data-testid=stToast], [data-testid=stException]"

# Installed once per document: the time of the page's last change, and of the last message
# drawn (a message drawn again with the same words is still what the visitor was told).
PROBE = """(messages) => {
  if (window.__abuse) return;
  window.__abuse = {last: performance.now(), shown: 0};
  new MutationObserver((records) => {
    const now = window.__abuse.last = performance.now();
    for (const r of records)
      for (const n of r.addedNodes)
        if (n.nodeType === 1 && (n.matches(messages) || n.querySelector(messages))) window.__abuse.shown = now;
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
}"""

# Whether a script run is under way, how long the page has been still, and every message
# shown: alerts (st.error, st.warning, st.info, st.success), toasts, exceptions, and the
# file uploaders' own error lines (a file refused in the browser, before it is sent).
STATE = """([since, messages]) => {
  const probe = window.__abuse || {last: 0, shown: 0};
  // the message's own text, without its icon's name (a Material icon is a word of text)
  const text = (e) => (e.querySelector('[data-testid=stMarkdownContainer], [data-testid=stToastText], '
      + '[data-testid=stExceptionMessage]') || e).innerText.trim();
  const pick = (sel) => [...document.querySelectorAll(sel)].map(text).filter(Boolean);
  const uploader = [...document.querySelectorAll('[data-testid=stFileUploader] [role=alert], '
      + '[data-testid=stFileUploader] small, [data-testid=stFileUploader] span')]
    .map(e => e.innerText.trim()).filter(t => /must be|not allowed|error|failed/i.test(t));
  return {
    running: !!document.querySelector('[data-testid="stStatusWidget"]'),
    still_ms: performance.now() - Math.max(probe.last, since),
    messages: [...pick(messages), ...uploader],
    drawn: probe.shown > since,
  };
}"""


class ServerGone(RuntimeError):
    """The server process is no longer there (killed for memory, or crashed)."""


def server_pid():
    """The `streamlit run` process local_app started: this process's child whose command
    line names streamlit (local_app yields only the address)."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == me and "streamlit" in cmdline:
            return int(entry.name)
    raise ServerGone("no streamlit child process found")


def proc_kb(pid, field="VmRSS"):
    """A memory figure of /proc/<pid>/status, in kB; ServerGone if the process has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    raise ServerGone(f"server process {pid} has ended")


class RssSampler(threading.Thread):
    """The server's resident memory, read every SAMPLE_S seconds: the first and the highest."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.gone = pid, False
        self.before = self.peak = proc_kb(pid)
        self._done = threading.Event()

    def run(self):
        while not self._done.wait(SAMPLE_S):
            try:
                self.peak = max(self.peak, proc_kb(self.pid))
            except ServerGone:
                self.gone = True
                return

    def stop(self):
        self._done.set()
        self.join()


def messages(page):
    return page.evaluate(STATE, [0, MESSAGES])["messages"]


def settle(page, before, limit_s):
    """Seconds until the page settled after an action begun now, and the newest message
    that was not on the page before (None if none): settled when no script run is under
    way and a new message shows or nothing changed for QUIET_MS, or after limit_s."""
    page.evaluate(PROBE, MESSAGES)
    since = page.evaluate("() => performance.now()")
    t0 = time.perf_counter()
    while True:
        page.wait_for_timeout(100)
        state = page.evaluate(STATE, [since, MESSAGES])
        new = [m for m in state["messages"] if m not in before]
        if not new and state["drawn"] and state["messages"]:
            new = state["messages"][-1:]     # the same words drawn again
        took = time.perf_counter() - t0
        if not state["running"] and took > 0.3 and (new or state["still_ms"] >= QUIET_MS):
            return took, (new[-1] if new else None), False
        if took > limit_s:
            return took, (new[-1] if new else None), True


def attack(page, pid, name, act, limit_s, rows):
    """Run act() against the page with the server's memory sampled; add a row."""
    before = messages(page)
    try:
        sampler = RssSampler(pid)
    except ServerGone:
        rows.append((name, None, None, None, "(server was already gone)"))
        return
    sampler.start()
    try:
        act()
        took, said, late = settle(page, before, limit_s)
    except Exception as exc:           # the attack could not even be carried out: say why
        took, said, late = None, f"(attack failed: {type(exc).__name__}: {exc})", False
    sampler.stop()
    if sampler.gone:
        said = "(server process ended) " + (said or "")
    elif said is None:
        said = "(nothing new on the page)"
    if late:
        said = f"(not settled after {limit_s:.0f} s) " + said
    rows.append((name, sampler.before, sampler.peak, took, said))


def print_row(row):
    name, before, peak, took, said = row
    mem = f"{before / 1024:6.0f} → {peak / 1024:6.0f} MB" if before is not None else f"{'-':>16s}"
    secs = f"{took:6.1f} s" if took is not None else f"{'-':>8s}"
    line = said.strip().splitlines()[0] if said.strip() else ""
    line = line if len(line) <= MESSAGE_CHARS else line[:MESSAGE_CHARS - 1] + "…"
    print(f"{name:40s} {mem}  {secs}  {line}", flush=True)


# ---- crafted files ------------------------------------------------------------------------

def safetensors_bytes(header_text, data=b"", total=None):
    """A safetensors file: 8-byte little-endian header length, the header, the data; the
    header padded with spaces (as safetensors allows) so the file is `total` bytes."""
    head = header_text.encode()
    if total is not None:
        head += b" " * max(0, total - 8 - len(head) - len(data))
    return struct.pack("<Q", len(head)) + head + data


def tiny_model_and_vocab():
    """A real default-sized model (about 209k parameters) and a 65-character vocabulary."""
    import torch
    torch.set_num_threads(1)
    from capstone.model import GPT, GPTConfig
    from capstone.prepare import Vocab
    vocab = Vocab([chr(c) for c in range(ord(" "), ord(" ") + 65)])
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=len(vocab))), vocab


def checkpoint_files(folder):
    """The four hostile checkpoints and one valid one, written into folder."""
    from safetensors.torch import save as st_save

    from capstone.checkpoint import FORMAT, FORMAT_VERSION, TIED, canonical_json, save_checkpoint
    model, vocab = tiny_model_and_vocab()

    def metadata(**config):
        content = {"format_version": FORMAT_VERSION, "config": {**model.config.to_dict(), **config},
                   "vocab": vocab.chars, "info": {}}
        return {FORMAT: canonical_json(content)}

    files = {}
    # (a) nothing but a header, whose config asks for a model of 100,000 layers
    small = {"format_version": FORMAT_VERSION, "config": {"n_layer": 100_000, "vocab_size": 3},
             "vocab": ["a", "b", "c"], "info": {}}
    header = json.dumps({"__metadata__": {FORMAT: canonical_json(small)}})
    files["a-layers.safetensors"] = safetensors_bytes(header, total=711)
    # (b) real weights, a few MB with a filler tensor, under a config that lies: 50 layers and
    # a 100,000-character context (a causal mask of 10^10 floats, were it built)
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    if model.config.tie_head:
        tensors.pop(TIED)
    import torch
    tensors["filler"] = torch.zeros(750_000)
    files["b-context.safetensors"] = st_save(tensors, metadata=metadata(n_layer=50, block_size=100_000))
    # (c) a header of NESTING nested lists
    files["c-nested.safetensors"] = safetensors_bytes(
        '{"__metadata__":{},"x":' + "[" * NESTING + "]" * NESTING + "}")
    # (d) metadata that is a number
    files["d-number.safetensors"] = safetensors_bytes('{"__metadata__":5}')
    files["valid.safetensors"] = save_checkpoint(model, vocab, info={"preset": "default"})
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


def silent_flac(path, hours=RECORDING_HOURS, rate=16_000):
    """hours of silence as FLAC, a few MB (constant frames), through PyAV."""
    import av
    import numpy as np
    chunk = rate * 60
    zeros = np.zeros((1, chunk), np.int16)
    with av.open(str(path), "w", format="flac") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        stream.codec_context.format = "s16"
        for i in range(int(hours * 3600 * rate) // chunk):
            frame = av.AudioFrame.from_ndarray(zeros, format="s16", layout="mono")
            frame.sample_rate, frame.pts = rate, i * chunk
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


# ---- the families -------------------------------------------------------------------------

def uploader_input(page, label):
    return page.locator("[data-testid=stFileUploader]").filter(has_text=label).locator("input[type=file]")


def open_and_wait(page, url, ready):
    page.goto(url)
    ready(page).wait_for(timeout=180_000)
    page.evaluate(PROBE, MESSAGES)
    settle(page, messages(page), 60)


def family_checkpoint(page, url, pid, tmp, limit_s, rows):
    paths = checkpoint_files(tmp)
    open_and_wait(page, f"{url}/capstone", lambda p: p.get_by_text("Load a checkpoint file"))
    box = uploader_input(page, "Load a checkpoint file")
    for name, label in (("a-layers.safetensors", "ckpt a: 711 B, n_layer 100000"),
                        ("b-context.safetensors", "ckpt b: n_layer 50, block 100000"),
                        ("c-nested.safetensors", f"ckpt c: {NESTING:,} nested lists"),
                        ("d-number.safetensors", "ckpt d: metadata is a number")):
        size = paths[name].stat().st_size
        attack(page, pid, f"{label} ({size / 2**20:.1f} MB)" if size > 2**20 else label,
               lambda n=name: box.set_input_files(str(paths[n])), limit_s, rows)


def family_save(page, url, pid, tmp, limit_s, rows):
    from components.capstone.checkpoints import SAVE_DIR, _folder
    had_save_dir = SAVE_DIR.exists()
    profile = f"abuse-bench-{uuid.uuid4().hex[:8]}"
    folder = _folder(f"local:{profile}")
    paths = checkpoint_files(tmp)
    try:
        open_and_wait(page, f"{url}/capstone?profile={profile}",
                      lambda p: p.get_by_text("Load a checkpoint file"))
        uploader_input(page, "Load a checkpoint file").set_input_files(str(paths["valid.safetensors"]))
        save = page.get_by_role("button", name="Save on this server")
        save.wait_for(timeout=60_000)
        settle(page, messages(page), 60)

        def press():
            for _ in range(SAVE_PRESSES):
                save.click()
        attack(page, pid, f"Save on this server x{SAVE_PRESSES}", press, limit_s, rows)
        files = list(folder.glob("*")) if folder.is_dir() else []
        size = sum(f.stat().st_size for f in files if f.is_file())
        rows.append(("  → the visitor's folder", None, None, None,
                     f"{len(files)} files, {size / 1024:.0f} KB in data/checkpoints/{folder.name}"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)     # only this run's own profile folder
        if not had_save_dir and SAVE_DIR.is_dir() and not any(SAVE_DIR.iterdir()):
            SAVE_DIR.rmdir()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def family_text(page, url, pid, tmp, limit_s, rows):
    site = tmp / "site"
    site.mkdir()
    (site / "text.txt").write_text("To be, or not to be, that is the question.\n" * 100)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    big = tmp / "big.txt"
    line = b"All the world's a stage, and all the men and women merely players.\n"
    big.write_bytes(line * (UPLOAD_TEXT_BYTES // len(line)))
    try:
        open_and_wait(page, f"{url}/capstone", lambda p: p.get_by_text("Train on another text"))
        page.get_by_text("Train on another text").click()
        field = page.get_by_label("Download a plain-text file")
        field.wait_for()
        for address in (f"http://127.0.0.1:{httpd.server_address[1]}/",
                        "http://169.254.169.254/latest/meta-data/", "ftp://127.0.0.1/x"):
            def fetch(a=address):
                field.fill(a)
                field.press("Enter")       # the text is in; the button is enabled on the rerun
                page.get_by_role("button", name="Download", exact=True).click()
            attack(page, pid, f"download {address[:40]}", fetch, limit_s, rows)
        attack(page, pid, f"upload a {UPLOAD_TEXT_BYTES / 2**20:.0f} MB text",
               lambda: uploader_input(page, "…or upload one").set_input_files(str(big)), limit_s, rows)
    finally:
        httpd.shutdown()
        httpd.server_close()


def family_answer(page, url, pid, tmp, limit_s, rows):
    open_and_wait(page, f"{url}/softmax", lambda p: p.get_by_label("Your answer"))
    box = page.get_by_label("Your answer")
    nested = "(" * ANSWER_NESTING + "1" + ")" * ANSWER_NESTING
    for label, text in (("answer e^1000", "e^1000"), ("answer 9^9^9^9", "9^9^9^9"),
                        (f"answer {ANSWER_NESTING:,} nested parentheses", nested)):
        def check(t=text):
            box.fill(t)
            page.get_by_role("button", name="Check").click()
        attack(page, pid, label, check, limit_s, rows)


DECODE_ONE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from core.speech.transcribe import decode
def kb(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
data = open(sys.argv[2], "rb").read()
before = kb("VmRSS")
t = time.perf_counter()
try:
    decode(data)
    said = "(accepted)"
except ValueError as exc:
    said = str(exc)
print(json.dumps({"before": before, "peak": kb("VmHWM"), "took": time.perf_counter() - t,
                  "said": said}))
"""


def family_recording(tmp, limit_s, rows):
    path = tmp / "recording.wav"
    silent_flac(path)
    name = (f"recording: {RECORDING_HOURS} h silent FLAC ({path.stat().st_size / 2**20:.1f} MB) "
            "(decoder in a subprocess, not through the page)")
    try:
        done = subprocess.run([sys.executable, "-c", DECODE_ONE, str(ROOT), str(path)],
                              capture_output=True, text=True, timeout=limit_s)
    except subprocess.TimeoutExpired:
        rows.append((name, None, None, limit_s, f"(not done after {limit_s:.0f} s)"))
        return
    if done.returncode:
        rows.append((name, None, None, None, f"(decoder process failed, exit {done.returncode}) "
                     + (done.stderr.strip().splitlines() or [""])[-1]))
        return
    got = json.loads(done.stdout.strip().splitlines()[-1])
    rows.append((name, got["before"], got["peak"], got["took"], got["said"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", choices=FAMILIES, help="run one family of attacks")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds each attack may take")
    args = ap.parse_args()
    chosen = [args.only] if args.only else list(FAMILIES)

    from playwright.sync_api import sync_playwright
    print(f"{'attack':40s} {'server RSS before → peak':>24s}  {'settled':>8s}  what the visitor was told")
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as p:
        tmp = Path(tmp_name)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for family in chosen:
            rows = []
            folder = tmp / family
            folder.mkdir()
            if family == "recording":
                family_recording(folder, args.timeout, rows)
            else:
                run = globals()[f"family_{family}"]
                with local_app(folder / "lab.duckdb", log_path=folder / "streamlit.log") as url:
                    context = browser.new_context(viewport={"width": 1280, "height": 1000})
                    page = context.new_page()
                    page.set_default_timeout(60_000)
                    try:
                        run(page, url, server_pid(), folder, args.timeout, rows)
                    except Exception as exc:    # a family that could not be set up: say why, go on
                        rows.append((f"{family}: not run", None, None, None,
                                     f"({type(exc).__name__}: {str(exc).splitlines()[0]})"))
                    finally:
                        context.close()
            for row in rows:
                print_row(row)
        browser.close()


if __name__ == "__main__":
    main()
