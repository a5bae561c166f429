"""How fast the Team page's aggregates are on a big team: 200 learners, 100,000 rows.

    python bench/team.py [--db FILE.duckdb | --db postgresql://...] [--learners 200] [--rows 100000]

Fills a store (a temporary DuckDB file unless --db names one, which should be empty) with rows
spread over practice answers, study time, typing, Say-it-back and notes, then times roster,
heatmap and misses, and a whole render of the Team page as a lead. Target: under 1 s each.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import team  # noqa: E402
from core.content import load_chapters  # noqa: E402
from core.store import open_store  # noqa: E402

LEAD = "lead@example.com"


def fill(store, learners: int, rows: int, seed: int = 1) -> None:
    """Rows in the proportions a real team makes: mostly answers and study minutes."""
    rnd = random.Random(seed)
    slugs = [ch.slug for ch in load_chapters()]
    users = [f"idp|learner-{i:03d}" for i in range(learners)]
    now = datetime.now()
    plan = {"practice_attempts": 0.5, "study_time": 0.3, "typing_attempts": 0.1,
            "pronunciation_attempts": 0.08, "notes": 0.02}
    for table, share in plan.items():
        batch = []
        for _ in range(int(rows * share)):
            u, s = rnd.choice(users), rnd.choice(slugs)
            at = now - timedelta(minutes=rnd.randrange(60 * 24 * 30))
            if table == "practice_attempts":
                batch.append(("INSERT INTO practice_attempts VALUES (?, ?, ?, ?, ?, ?)",
                              [u, s, rnd.randrange(10), str(rnd.randrange(20)),
                               rnd.choice(["correct", "wrong", "wrong", "invalid"]), at]))
            elif table == "study_time":
                batch.append(("INSERT INTO study_time VALUES (?, ?, ?, ?)", [u, s, at, 60.0]))
            elif table == "typing_attempts":
                chars = rnd.randrange(50, 400)
                batch.append(("INSERT INTO typing_attempts (user_id, slug, ts, chars, errors, seconds, best_streak, "
                              "correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              [u, s, at, chars, chars // 20, chars / 4.0, 30, chars - chars // 20]))
            elif table == "pronunciation_attempts":
                batch.append(("INSERT INTO pronunciation_attempts VALUES (?, ?, ?, ?, ?)",
                              [u, s, at, "said", float(rnd.randrange(101))]))
            else:
                batch.append(("INSERT INTO notes VALUES (?, ?, ?, ?)", [u, s, "a note", at]))
        sql = batch[0][0] if batch else None
        many = getattr(store, "write_many", None)
        if many is not None:
            many(sql, [p for _s, p in batch])
        elif hasattr(store, "cursor"):          # DuckDB: one statement for the whole batch
            store.cursor().executemany(sql, [p for _s, p in batch])
        else:
            for _s, p in batch:
                store.write(sql, p)


def timed(label: str, work) -> float:
    start = time.perf_counter()
    work()
    took = time.perf_counter() - start
    print(f"{label:<28}{took * 1000:8.1f} ms")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--learners", type=int, default=200)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp()) / "team.duckdb")
    store = open_store(db)
    t0 = time.perf_counter()
    fill(store, args.learners, args.rows)
    print(f"filled {args.rows:,} rows for {args.learners} learners in {time.perf_counter() - t0:.1f} s")
    slugs = [ch.slug for ch in load_chapters()]
    total = timed("roster", lambda: team.roster(store))
    total += timed("heatmap", lambda: team.heatmap(store, slugs))
    total += timed("misses", lambda: team.misses(store))
    print(f"{'aggregates together':<28}{total * 1000:8.1f} ms  (target < 1000)")
    store.close()

    from streamlit.testing.v1 import AppTest
    os.environ["FORMULA_LAB_DB"], os.environ["FORMULA_LAB_LEADS"] = db, LEAD
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.user = {"is_logged_in": True, "email": LEAD, "name": "Lead", "iss": "idp", "sub": "lead"}
    at.run()
    at.switch_page("app_pages/team.py")
    timed("Team page render (AppTest)", at.run)
    assert not at.exception, at.exception


if __name__ == "__main__":
    main()
