"""The app under `streamlit run` on a free localhost port, for the benchmarks that need a
real server (the capstone page, page latency during training, the typing trainer) and for
the browser tests (tests/browser/conftest.py).

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


class AppDidNotStart(RuntimeError):
    """The server did not answer its health check in time."""


@contextmanager
def local_app(db_path, wait_s=120, log_path=None, **settings):
    """Start the app on its own database file, with any further FORMULA_LAB_* settings;
    its output goes to log_path (default: nowhere). Stop it when the block ends.
    Raises AppDidNotStart when it does not answer within wait_s seconds."""
    port = free_port()
    env = dict(os.environ, FORMULA_LAB_DB=str(db_path), **settings)
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT if log_path else subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.time() + wait_s
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read()
                break
            except OSError:
                if time.time() > end:
                    raise AppDidNotStart(f"streamlit did not answer within {wait_s:g} s"
                                         + (f" (see {log_path})" if log_path else "")) from None
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log_path:
            log.close()
