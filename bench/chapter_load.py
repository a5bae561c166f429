"""Does a training run slow the opening of a chapter page? Timed in Chromium, interleaved.

    python bench/chapter_load.py [--rounds 10] [--chapter softmax]

A host's speed drifts by more than the difference being looked for, so comparing pages
opened before a run with pages opened during it mixes the two. This starts
`streamlit run app.py` and one default-preset training process beside it, at the
priority and thread count a page-started run has (`python -m capstone.train`, nice
capstone.worker.NICENESS, every core), then alternates, round after round: the
training process paused (SIGSTOP), the page opened; the training process running, the
page opened. Each opening is timed two ways, as in bench/capstone_page.py: a fresh load
of the chapter's address, and a click on its link to the chapter before it. Prints the
median and the slowest of each, paused and running, and how far the training got.
POSIX only (it pauses a process with signals).
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from capstone_page import CHROMIUM, CHROMIUM_ARGS, chapter_and_before, open_both_ways
from local_app import ROOT, local_app

sys.path.insert(0, str(ROOT))
from capstone.worker import NICENESS  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=10, help="openings of each kind, paused and running")
    ap.add_argument("--chapter", default="softmax", help="chapter page to open (not chapter 1)")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright
    chapter, before = chapter_and_before(args.chapter)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p, \
            local_app(Path(tmp) / "lab.duckdb") as url:
        log = Path(tmp) / "train.log"
        trainer = subprocess.Popen(
            [sys.executable, "-m", "capstone.train", "--preset", "default", "--steps", "100000",
             "--out", str(Path(tmp) / "bench.safetensors")],
            cwd=ROOT, env=dict(os.environ, PYTHONUNBUFFERED="1"), stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.nice(NICENESS))
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(60_000)
            while '"step"' not in log.read_text():   # torch loaded, the first evaluation done
                if trainer.poll() is not None:
                    sys.exit(f"the training process ended: {log.read_text()[-2000:]}")
                time.sleep(1)
            open_both_ways(page, url, chapter, before, {"address": [], "link": []})   # warm-up
            times = {state: {"address": [], "link": []} for state in ("paused", "running")}
            for _ in range(args.rounds):
                for state, sig in (("paused", signal.SIGSTOP), ("running", signal.SIGCONT)):
                    trainer.send_signal(sig)
                    time.sleep(2)
                    open_both_ways(page, url, chapter, before, times[state])
            trainer.send_signal(signal.SIGCONT)
            browser.close()
        finally:
            trainer.kill()
            trainer.wait()
        reports = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        print(f"training beside it: nice +{NICENESS}, reached step {reports[-1]['step']:,} "
              f"(reports every 200 steps)")
        print(f"chapter: /{chapter.url_path}, its link to /{before.url_path}")
        for state, got in times.items():
            for how, seconds in got.items():
                print(f"training {state:7s} by {how:7s} median {statistics.median(seconds):.2f} s, "
                      f"slowest {max(seconds):.2f} s ({len(seconds)} openings)")


if __name__ == "__main__":
    main()
