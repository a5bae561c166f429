"""The training process a page starts (see job.py, which starts and listens to it).

    python -m capstone.worker      # stdin: what to train; stdout: how it goes

It reads from stdin one JSON line, {"config": TrainConfig as a dict, "vocab": [chars],
"n_train": N, "n_val": M}, then the N + M token ids as little-endian int64. While it
trains it writes one JSON line per event to stdout:
    {"kind": "device", "info": {...}, "niceness": N}
    {"kind": "progress", "progress": {...}}
    {"kind": "eval", "record": {...}}
    {"kind": "sample", "step": S, "text": "..."}
    {"kind": "failed", "error": "...", "traceback": "..."}
    {"kind": "done", "status": ..., "error": ..., "step": S, "checkpoint_bytes": K}
and after "done" the K bytes of the safetensors checkpoint (0: none).
It lowers its own scheduling priority first (NICENESS), so that the web server that
started it gets the CPU whenever it has work: training may use every core and pages are
still drawn at once.
When its stdin closes (the page asked it to stop, or the server went away) it stops after
the current step and still reports "done"; before it has reported a step there is nothing
to keep, and it exits at once (code 0, no "done") instead of finishing the evaluation of
the untrained model. Nothing is pickled either way.
Asked to stop, a run ends within STOP_GRACE_S or the server ends it (job.py); one still
going at twice that ends itself: by then the server that started it is gone.
"""

import json
import os
import sys
import time
import threading
import traceback


NICENESS = 10   # added to this process's nice value: 0 is normal, 19 the most yielding
STOP_GRACE_S = 30.0  # a run asked to stop ends within this: the rest of a step, a short
                     # evaluation (eval_iters batches) and the checkpoint take about a second
                     # on a quiet host, but this run is niced, and beside busy processes it
                     # gets a small share of a core: 5 s ended such runs without their
                     # checkpoint. The run holds its slot until it has exited either way.


def lower_priority(by=NICENESS):
    """Make this process yield the CPU to normal ones; the new nice value (None where the
    system has no nice, as on Windows)."""
    try:
        return os.nice(by)
    except (AttributeError, OSError):
        return None


def idle_cpu_seconds():
    """Seconds all CPUs together have spent idle since boot (/proc/stat's idle and iowait),
    or None where the system does not say."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
        return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class ThreadGovernor:
    """Fewer threads while other processes hold the CPUs, the full count again once they
    let go. A run niced below everything else gets a small share of each core on a busy
    machine, and its threads then wait on each other at every operation: with two threads
    beside two busy processes on two cores, 100 steps of the batch-of-one preset had not
    finished after 100 s (one took 600 s), and one thread took 73 s.

    Judged over windows of at least window_s seconds: one thread when the process got under
    half the CPU time its threads could use *and* the machine had under half a core idle
    (others hold the cores); the full count again once half a core sat idle. The idle time
    is the system's own (/proc/stat), not the load average: the load average counts this
    run's threads and trails by a minute, and a page-started run judged by it stayed on one
    thread for most of a run beside a quiet server and browser (351 s against the command
    line's 252 s). A window in which the run itself was less busy (an evaluation, a sample)
    leaves cores idle and is not taken for starvation. Where the system gives no idle time,
    the load average stands in. The clocks and setters are arguments so that tests can
    drive it."""

    def __init__(self, threads, *, cores, set_threads, window_s=3.0, cpu=time.process_time,
                 wall=time.monotonic, load=os.getloadavg, idle=idle_cpu_seconds):
        self.full, self.cores, self.window_s = max(1, threads), cores, window_s
        self._set, self._cpu, self._wall, self._load, self._idle = set_threads, cpu, wall, load, idle
        self.threads = self.full
        if self.full > 1 and self._load()[0] >= cores:
            self._use(1)
        self._mark()

    def _mark(self):
        self._cpu0, self._wall0, self._idle0 = self._cpu(), self._wall(), self._idle()

    def _use(self, n):
        self.threads = n
        self._set(n)

    def check(self):
        """Call between steps; returns the thread count now in use."""
        elapsed = self._wall() - self._wall0
        if self.full == 1 or elapsed < self.window_s:
            return self.threads
        share = (self._cpu() - self._cpu0) / elapsed
        idle_now = self._idle()
        if idle_now is not None and self._idle0 is not None:
            idle = (idle_now - self._idle0) / elapsed          # cores idle on average
        else:
            idle = self.cores - self._load()[0]
        if self.threads > 1 and share < 0.5 * self.threads and idle < 0.5:
            self._use(1)
        elif self.threads < self.full and idle >= 0.5:
            self._use(self.full)
        self._mark()
        return self.threads


def main():
    niceness = lower_priority()
    stdin = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")   # the messages get stdout to themselves;
    os.dup2(2, 1)                       # anything else printed goes to stderr
    sys.stdout = sys.stderr
    send_lock = threading.Lock()       # one message at a time: an exit never cuts one short
    reported = threading.Event()       # a step has been reported: a stop now keeps a checkpoint

    def send(kind, payload=b"", **fields):
        with send_lock:
            out.write(json.dumps({"kind": kind, **fields}).encode() + b"\n" + payload)
            out.flush()    # BrokenPipeError once the server is gone: then this run ends too
            if kind == "progress":
                reported.set()

    try:
        header = json.loads(stdin.readline())
        n_train, n_val = header["n_train"], header["n_val"]
        raw = read_exactly(stdin, 8 * (n_train + n_val))
        # from here the input only closes (a stop), so listen for that before loading torch
        stop = threading.Event()
        threading.Thread(target=wait_for_eof, args=(stdin.fileno(), stop, reported, send_lock),
                         daemon=True).start()

        import numpy as np
        import torch

        from .checkpoint import save_checkpoint
        from .prepare import Dataset, Vocab
        from .presets import TrainConfig
        from .train import checkpoint_info, train

        ids = np.frombuffer(raw, dtype="<i8")
        ids = torch.from_numpy(ids.astype(np.int64))
        data = Dataset(vocab=Vocab(header["vocab"]), train=ids[:n_train], val=ids[n_train:])
        cfg = TrainConfig.from_dict(header["config"])

        governor = None

        def started(info):
            nonlocal governor
            if info["device"] == "cpu":     # train() has set the configured threads
                governor = ThreadGovernor(torch.get_num_threads(), cores=os.cpu_count() or 1,
                                          set_threads=torch.set_num_threads)
            send("device", info=info, niceness=niceness)

        def progress(d):
            if governor is not None:
                governor.check()
            send("progress", progress=d)

        res = train(cfg, data, stop_event=stop, on_start=started, on_progress=progress,
                    on_eval=lambda rec: send("eval", record=rec),
                    on_sample=lambda step, text: send("sample", step=step, text=text))
        ckpt = b""
        if res.status in ("finished", "stopped") and res.step > 0:
            ckpt = save_checkpoint(res.model, res.vocab, info=checkpoint_info(cfg, res))
        send("done", ckpt, status=res.status, error=res.error, step=res.step,
             checkpoint_bytes=len(ckpt))
    except (BrokenPipeError, ConnectionResetError):
        return 1
    except Exception as e:  # say what went wrong; the page shows it
        try:
            send("failed", error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc())
        except OSError:
            pass
        return 1
    return 0


def wait_for_eof(fd, stop, reported, send_lock, grace_s=2 * STOP_GRACE_S):
    """Set stop once the input closes. Reads the file descriptor itself (nothing more
    is sent after the token ids), so no Python-level lock is held while it waits.

    Before a step is reported there is no checkpoint to keep: exit at once rather than
    finish the step-0 evaluation (on a busy server, seconds to minutes of a core). After,
    the run gets grace_s to end on its own; past that, the server that would have ended
    it is gone, and the process ends itself."""
    while os.read(fd, 4096):
        pass
    stop.set()
    with send_lock:                    # not halfway through a message
        if not reported.is_set():
            os._exit(0)
    time.sleep(grace_s)                # the main thread returning ends this thread sooner
    send_lock.acquire(timeout=1.0)
    os._exit(1)


def read_exactly(stream, n):
    """n bytes from stream, or EOFError if it ends first."""
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError(f"the token ids ended after {got:,} of {n:,} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


if __name__ == "__main__":
    sys.exit(main())
