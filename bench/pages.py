"""Warm render time of every page under Streamlit's AppTest.

    python bench/pages.py [--repeat 5]

Targets (2-core machine): each chapter under 300 ms, Home under 500 ms,
and no page but the capstone importing torch.
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


if __name__ == "__main__":
    main()
