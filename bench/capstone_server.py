"""How fast a run started from the page trains while the web server's Python is busy.

    python bench/capstone_server.py [--steps 150] [--rounds 2]
    python bench/capstone_server.py --latency [--seconds 20]

A page-started run lives beside the web server. This prints tokens/s for the same short
run (batch 12, one CPU thread) three ways, alternating, so a slow patch of the machine
hits each of them alike:
  alone        a child process, as jobs run (capstone.job), with this process idle
  child+busy   a child process while a Python thread here is busy half the time,
               as the server's thread is when it draws pages
  thread+busy  the same run in a thread of this process instead, for comparison:
               it has to win Python's interpreter lock back after every torch call

--latency instead measures what a learner feels while a page-started run trains: it
starts a real `streamlit run app.py`, then times, with no run and then while a default
preset run (every core, at the lower priority job.py gives it) trains beside it,
  http     an HTTP GET of a chapter page and of the health endpoint of that server
  render   a warm Streamlit AppTest render of the first chapter page in this process
and prints the median and the slowest of each, and the run's tokens/s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from capstone.job import JobRegistry  # noqa: E402
from capstone.prepare import load_dataset  # noqa: E402
from capstone.presets import make_config  # noqa: E402
from capstone.train import train  # noqa: E402
from local_app import ROOT, local_app  # noqa: E402


def busy_half_the_time(stop):
    """Pure-Python work for 10 ms, then 10 ms asleep, until told to stop."""
    while not stop.is_set():
        end = time.perf_counter() + 0.01
        while time.perf_counter() < end:
            sum(i * i for i in range(200))
        time.sleep(0.01)


def run(how, cfg, data):
    stop = threading.Event()
    if how != "alone":
        threading.Thread(target=busy_half_the_time, args=(stop,), daemon=True).start()
    try:
        if how == "thread+busy":
            records = train(cfg, data).records
            return records[-1]["tokens_per_s"]
        job = JobRegistry(max_running=1).start("bench", cfg, data)
        job.join()
        return job.snapshot()["tokens_per_s"]
    finally:
        stop.set()


def get_ms(url):
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
    return (time.perf_counter() - t) * 1000


def timings(probes, seconds, gap=0.25):
    """Each probe (name -> function returning ms) called in turn for `seconds`."""
    got = {name: [] for name in probes}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for name, probe in probes.items():
            got[name].append(probe())
        time.sleep(gap)
    return got


def latency(args, data):
    from streamlit.testing.v1 import AppTest

    from core.content import load_chapters

    db = Path(tempfile.mkdtemp()) / "bench.duckdb"
    os.environ["FORMULA_LAB_DB"] = str(db)   # the AppTest renders below use it too
    with local_app(db) as base:
        chapter = load_chapters()[0]
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        at.switch_page(chapter.page_file).run()          # cold render, not counted

        def render():
            t = time.perf_counter()
            at.run()
            return (time.perf_counter() - t) * 1000

        slug = Path(chapter.page_file).stem
        probes = {"http page": lambda: get_ms(f"{base}/{slug}"),
                  "http health": lambda: get_ms(f"{base}/_stcore/health"),
                  "render chapter": render}
        results = {"no run": timings(probes, args.seconds)}
        cfg = make_config("default", sample_interval=200)
        job = JobRegistry(max_running=1).start("bench", cfg, data)
        while job.snapshot()["step"] == 0 and job.is_active():
            time.sleep(0.2)
        results["while training"] = timings(probes, args.seconds)
        snap = job.snapshot()
        job.stop(wait=60)
        print(f"run beside it: {snap['device']['name'] if snap['device'] else '?'}, "
              f"{snap['tokens_per_s']:,.0f} tokens/s, step {snap['step']} after "
              f"{snap['elapsed_s']:.0f} s, eta_s {snap['eta_s']}")
        for when, got in results.items():
            for name, ms in got.items():
                print(f"{when:15s} {name:15s} median {statistics.median(ms):7.1f} ms   "
                      f"slowest {max(ms):7.1f} ms   ({len(ms)} probes)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--latency", action="store_true", help="time pages while a run trains")
    ap.add_argument("--seconds", type=float, default=20.0, help="--latency: seconds per phase")
    ap.add_argument("--data", default=None, help="corpus file (default: capstone.prepare lookup)")
    args = ap.parse_args()
    data = load_dataset(args.data)
    if args.latency:
        return latency(args, data)
    cfg = make_config("default", device="cpu", threads=1, batch_size=12, max_iters=args.steps,
                      eval_interval=args.steps, eval_iters=2, final_eval_iters=2, sample_interval=0)
    ways = ["alone", "child+busy", "thread+busy"]
    got = {w: [] for w in ways}
    for r in range(args.rounds):
        for w in ways:
            got[w].append(run(w, cfg, data))
            print(f"round {r + 1}  {w:12s} {got[w][-1]:8,.0f} tokens/s", flush=True)
    print()
    for w in ways:
        print(f"{w:12s} median {statistics.median(got[w]):8,.0f} tokens/s")


if __name__ == "__main__":
    main()
