"""Warm render time of every page under Streamlit's AppTest.

    python bench/pages.py [--repeat 5]

Targets (2-core machine): each chapter under 300 ms, Home under 500 ms,
and no page but the capstone importing torch. A chapter page includes its
plug-in panel (and its figure, once the chapter has one); the warm runs let the
panel's cache work, as it does for a learner who reruns a page.

It then times core.plug_in.evaluate on each chapter's worked example, uncached
(target: under 50 ms each), and on a first visit to new numbers of the largest size.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from core.content import load_chapters  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per page (median is reported)")
    args = parser.parse_args()
    os.environ["FORMULA_LAB_DB"] = str(Path(tempfile.mkdtemp()) / "bench.duckdb")

    pages = [("Home", "app_pages/home.py", 500), ("Progress", "app_pages/progress.py", 500)]
    pages += [(f"{c.number:>2}. {c.title}", c.page_file, 300) for c in load_chapters()]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    print(f"{'page':<42} {'median ms':>10} {'target':>7}  ok")
    worst = []
    for title, path, target in pages:
        at.switch_page(path).run()                     # cold run, not counted
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        assert not at.exception, (title, at.exception)
        median = statistics.median(times)
        if os.environ.get("BENCH_VERBOSE"): print("   ", [round(t) for t in times])
        worst.append(median <= target)
        print(f"{title:<42} {median:>10.1f} {target:>7}  {'yes' if median <= target else 'NO'}")
    print(f"\ntorch imported by these pages: {'torch' in sys.modules}")
    print(f"pages within target: {sum(worst)} / {len(worst)}")
    bench_plug_in(args.repeat)


def bench_plug_in(repeat: int) -> None:
    from core import plug_in

    big = "[[" + "], [".join(", ".join(f"{3 * i + j}/{j + 7}" for j in range(4)) for i in range(4)) + "]]"
    largest = {"attention": {"Q": big, "K": big, "V": big},
               "matrix_multiplication": {"A": big, "B": big},
               "softmax": {"z": "[1/3, 2/7, -5/11, 7/13, 1/17, 19/23]"}}
    # CPU time beside wall time: on a loaded host the wall clock mostly measures the queue.
    print(f"\nload average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'plug-in: evaluate(defaults)':<42} {'median ms':>10} {'cpu ms':>7} {'target':>7}  ok")
    within = 0
    for slug in plug_in._RULES:
        times, cpu = [], []
        for _ in range(max(repeat, 3)):
            start, start_cpu = time.perf_counter(), time.process_time()
            plug_in.evaluate(slug, {})
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        median = statistics.median(times)
        within += median <= 50
        print(f"{slug:<42} {median:>10.1f} {statistics.median(cpu):>7.1f} {50:>7}  {'yes' if median <= 50 else 'NO'}")
    print(f"evaluate within target: {within} / {len(plug_in._RULES)}")
    for slug, values in largest.items():
        start = time.perf_counter()
        out = plug_in.evaluate(slug, values)
        ms = (time.perf_counter() - start) * 1000
        print(f"largest {slug:<34} {ms:>10.1f} {1000:>7}  {'yes' if ms <= 1000 and not out.error else 'NO'}")


if __name__ == "__main__":
    main()
