"""The app under `streamlit run` on a free localhost port, for the benchmarks that need a
real server (the capstone page, page latency during training, the typing trainer).

    with local_app(Path(tmp) / "bench.duckdb") as url:
        ...   # url: "http://127.0.0.1:PORT", answering its health check
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_app(db_path, wait_s=120):
    """Start the app on its own database file; stop it when the block ends."""
    port = free_port()
    env = dict(os.environ, FORMULA_LAB_DB=str(db_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.time() + wait_s
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
                break
            except OSError:
                if time.time() > end:
                    sys.exit(f"streamlit did not answer within {wait_s} s")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
