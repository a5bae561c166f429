"""How fast a run started from the page trains while the web server's Python is busy.

    python bench/capstone_server.py [--steps 150] [--rounds 2]

A page-started run lives beside the web server. This prints tokens/s for the same short
run (batch 12, one CPU thread) three ways, alternating, so a slow patch of the machine
hits each of them alike:
  alone        a child process, as jobs run (capstone.job), with this process idle
  child+busy   a child process while a Python thread here is busy half the time,
               as the server's thread is when it draws pages
  thread+busy  the same run in a thread of this process instead, for comparison:
               it has to win Python's interpreter lock back after every torch call
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from capstone.job import JobRegistry  # noqa: E402
from capstone.prepare import load_dataset  # noqa: E402
from capstone.presets import make_config  # noqa: E402
from capstone.train import train  # noqa: E402


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--steps", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--data", default=None, help="corpus file (default: capstone.prepare lookup)")
    args = ap.parse_args()
    data = load_dataset(args.data)
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
