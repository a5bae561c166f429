"""Background training jobs for a web page to watch (no web framework in here).

    registry = JobRegistry(max_running=2)        # one per server process
                                                 # (idle_stop_s: see JobRegistry)
    job = registry.start("learner-42", make_config("default"), dataset)
    job.snapshot()   # plain dict: status, step, losses, samples, ... (poll this)
    job.stop()       # ask it to stop; the thread ends within a step
    job.checkpoint_bytes()   # safetensors bytes once finished / stopped

A page that reloads finds its job again with registry.get(learner_id).
"""

import threading
import time
import traceback
from dataclasses import replace

from .checkpoint import save_checkpoint
from .device import default_threads, set_threads
from .train import describe_device, pick_device, train

ACTIVE = ("pending", "running")
DONE = ("finished", "stopped", "failed", "diverged")


class JobRefused(RuntimeError):
    """A job could not be started; the message says why (show it to the learner)."""


class TrainingJob:
    """One training run in a daemon thread. All state lives in this object, guarded
    by a lock; snapshot() hands out copies so a reader never sees half an update."""

    def __init__(self, cfg, data, learner_id=None):
        self.cfg = cfg
        self.data = data
        self.learner_id = learner_id
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._result = None
        self._ckpt = None
        self.last_seen = time.time()   # when a page last looked (see JobRegistry)
        self._state = {
            "learner_id": learner_id, "status": "pending", "preset": cfg.preset,
            "step": 0, "total_steps": cfg.max_iters, "elapsed_s": 0.0,
            "tokens_per_s": 0.0, "loss": None, "lr": None,
            "history": [],   # (step, train_loss, val_loss) at each evaluation
            "samples": [],   # (step, text), newest last
            "error": "", "device": None, "started_at": None, "ended_at": None,
        }

    # -- reading ---------------------------------------------------------------

    def snapshot(self):
        """A copied plain dict of the job's progress (safe to keep and modify).
        Calling it counts as someone watching the job."""
        self.last_seen = time.time()
        with self._lock:
            s = dict(self._state)
            s["history"] = list(s["history"])
            s["samples"] = list(s["samples"])
            s["device"] = dict(s["device"]) if s["device"] else None
            if s["status"] == "running" and s["started_at"] is not None:
                s["elapsed_s"] = time.time() - s["started_at"]
        return s

    @property
    def status(self):
        with self._lock:
            return self._state["status"]

    def is_active(self):
        return self.status in ACTIVE

    def result(self):
        """The train.TrainResult (with .model) once the thread has ended, else None."""
        return self._result

    def checkpoint_bytes(self):
        """safetensors bytes of the trained model once finished or stopped, else None."""
        with self._lock:
            return self._ckpt

    # -- control -----------------------------------------------------------------

    def start(self):
        with self._lock:
            if self._thread is not None:
                raise JobRefused("this job has already been started")
            self._state["status"] = "running"
            self._state["started_at"] = time.time()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"capstone-train-{self.learner_id}")
        self._thread.start()
        return self

    def stop(self, wait=None):
        """Ask the run to stop after its current step. wait: seconds to wait for the
        thread to end (None: don't wait)."""
        self._stop.set()
        if wait is not None:
            self.join(wait)

    def join(self, timeout=None):
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_active()

    # -- the thread --------------------------------------------------------------

    def _set(self, **kw):
        with self._lock:
            self._state.update(kw)

    def _on_progress(self, d):
        self._set(step=d["step"], loss=d["loss"], lr=d["lr"],
                  tokens_per_s=d["tokens_per_s"], elapsed_s=d["elapsed_s"])

    def _on_eval(self, rec):
        with self._lock:
            self._state["history"].append((rec["step"], rec["train_loss"], rec["val_loss"]))

    def _on_sample(self, step, text):
        with self._lock:
            self._state["samples"] = (self._state["samples"] + [(step, text)])[-20:]

    def _run(self):
        try:
            device = pick_device(self.cfg.device)
            if device == "cpu":
                set_threads(self.cfg.threads or None)   # so the page shows the real count
            self._set(device=describe_device(device))
            res = train(self.cfg, self.data, on_eval=self._on_eval,
                        on_progress=self._on_progress, on_sample=self._on_sample,
                        stop_event=self._stop)
            self._result = res
            ckpt = None
            if res.status in ("finished", "stopped") and res.step > 0:
                ckpt = save_checkpoint(res.model, res.vocab, info={
                    "seed": self.cfg.seed, "preset": self.cfg.preset, "step": res.step,
                    "status": res.status, "train_config": self.cfg.to_dict()})
            with self._lock:
                self._ckpt = ckpt
                self._state.update(status=res.status, error=res.error, step=res.step)
        except Exception as e:  # report, never crash the server
            self._set(status="failed", error=f"{type(e).__name__}: {e}",
                      traceback=traceback.format_exc())
        finally:
            with self._lock:
                self._state["ended_at"] = time.time()
                if self._state["started_at"] is not None:
                    self._state["elapsed_s"] = self._state["ended_at"] - self._state["started_at"]
            self.data = None  # let go of the dataset reference


class JobRegistry:
    """At most one job per learner, at most max_running jobs running server-wide.

    A run nobody has watched (called snapshot() on) for idle_stop_s seconds is stopped
    when another learner needs its slot: a learner who closed the tab does not keep the
    server busy, and their checkpoint up to that step is kept. Until the slot is needed
    an unwatched run goes on, so reading another chapter meanwhile is fine."""

    def __init__(self, max_running=2, idle_stop_s=600):
        self.max_running = max_running
        self.idle_stop_s = idle_stop_s
        self._jobs = {}  # learner_id -> TrainingJob (the latest one)
        self._lock = threading.Lock()

    def start(self, learner_id, cfg, data):
        """Start a job for this learner. Refused (JobRefused) while the learner's previous
        job is still running, or when max_running jobs are running already. A finished
        earlier job of the learner is replaced."""
        with self._lock:
            old = self._jobs.get(learner_id)
            if old is not None and old.is_active():
                raise JobRefused("you already have a training run going; stop it or wait "
                                 "for it to finish before starting another")
            running = sum(j.is_active() for j in self._jobs.values())
            if running >= self.max_running:
                running -= self._stop_idle()
            if running >= self.max_running:
                raise JobRefused(f"the server is busy ({running} training runs in progress, "
                                 f"limit {self.max_running}); please try again in a few minutes")
            if cfg.threads == 0:   # keep a core for the web server beside us
                cfg = replace(cfg, threads=default_threads(leave_one_free=True))
            job = TrainingJob(cfg, data, learner_id=learner_id)
            self._jobs[learner_id] = job
            job.start()
        return job

    def _stop_idle(self):
        """Stop the running jobs nobody has watched for idle_stop_s; how many stopped.
        (Called with the lock held; waits at most a few seconds for each thread.)"""
        cutoff = time.time() - self.idle_stop_s
        idle = [j for j in self._jobs.values() if j.is_active() and j.last_seen < cutoff]
        for job in idle:
            job.stop(wait=5)
        return sum(not j.is_active() for j in idle)

    def get(self, learner_id):
        """The learner's latest job (running or done), or None."""
        with self._lock:
            return self._jobs.get(learner_id)

    def stop(self, learner_id, wait=None):
        job = self.get(learner_id)
        if job is not None:
            job.stop(wait)
        return job

    def remove(self, learner_id):
        """Forget the learner's job (stopping it first if it runs)."""
        with self._lock:
            job = self._jobs.pop(learner_id, None)
        if job is not None:
            job.stop()
        return job

    def running_count(self):
        with self._lock:
            return sum(j.is_active() for j in self._jobs.values())

    def stop_all(self, wait=None):
        with self._lock:
            jobs = list(self._jobs.values())
        for j in jobs:
            j.stop()
        if wait is not None:
            for j in jobs:
                j.join(wait)
