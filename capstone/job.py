"""Background training jobs for a web page to watch (no web framework in here).

    registry = JobRegistry(max_running=2)        # one per server process
                                                 # (idle_stop_s: see JobRegistry)
    job = registry.start("learner-42", make_config("default"), dataset)
    job.snapshot()   # plain dict: status, step, losses, samples, ... (poll this)
    job.stop()       # ask it to stop; the run ends within a step
    job.checkpoint_bytes()   # safetensors bytes once finished / stopped

A page that reloads finds its job again with registry.get(learner_id). A learner refused
for want of a slot keeps a place in line (registry.place_in_line(learner_id)).

Each run trains in a child process of its own (capstone/worker.py). Inside the web
server's process the training loop would share Python's interpreter lock with every page
being drawn, and each torch call would wait to win it back: measured, a run went 3 to 4
times slower while another Python thread was busy. The child reports over a pipe; a
thread here feeds it the data, then receives each message into the job's state, which
the page reads.

A run counts against the cap until its process has exited, not until it was asked to
stop: a run asked to stop during its first evaluation would otherwise keep computing
beside the one that took its slot (measured: four processes of about 285 MB each under a
cap of two). Asked to stop, a process gets STOP_GRACE_S, then is terminated, then killed,
and is always waited for, so none is left running or as a zombie.
"""

import json
import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from .device import default_threads
from .presets import TrainConfig
from .worker import STOP_GRACE_S

ACTIVE = ("pending", "running")
DONE = ("finished", "stopped", "failed", "diverged")
MAX_SAMPLES = 200   # every sample of a run (one per 200 steps), so the page can scrub back to step 0
REPO_ROOT = Path(__file__).resolve().parent.parent   # so the child finds `capstone`
TERM_GRACE_S = 2.0   # after STOP_GRACE_S the process is terminated; this long later, killed
MAX_STEPS = 2 * TrainConfig().max_iters   # the most steps a run started here may ask for:
                     # twice the default preset's 2,500
LINE_HOLD_S = 60.0   # a learner's place in line is kept this long after they last asked
TOO_MANY_STEPS = ("{steps:,} training steps is more than a run started here may take: "
                  "choose {cap:,} or fewer (twice the default preset's length), so that "
                  "other learners get their turn.")


def job_threads():
    """CPU threads a run started through the registry gets when its config says 0
    (automatic): every core. The web server stays responsive all the same because the
    training process runs at a lower scheduling priority (worker.NICENESS): whenever the
    server has a page to draw, the kernel gives it the core first."""
    return default_threads()


class JobRefused(RuntimeError):
    """A job could not be started; the message says why (show it to the learner)."""


class TrainingJob:
    """One training run in a child process. Its state lives in this object, guarded by a
    lock; snapshot() hands out copies so a reader never sees half an update."""

    def __init__(self, cfg, data, learner_id=None):
        self.cfg = cfg
        self.data = data
        self.learner_id = learner_id
        self._lock = threading.Lock()
        self._process = None           # the child (subprocess.Popen)
        self._listener = None          # the thread that feeds it and hears from it
        self._stop_asked = False
        self._stop_at = None           # when stop() was first called (time.monotonic())
        self._ender = None             # the thread that ends the process if it lingers
        self._fed = False              # all the data has reached the child
        self._ckpt = None
        self.last_seen = time.time()   # when a page last looked (see JobRegistry)
        self._state = {
            "learner_id": learner_id, "status": "pending", "preset": cfg.preset,
            "step": 0, "total_steps": cfg.max_iters, "elapsed_s": 0.0,
            "tokens_per_s": 0.0, "loss": None, "lr": None,
            "history": [],   # (step, train_loss, val_loss) at each evaluation
            "samples": [],   # (step, text), newest last
            "error": "", "device": None, "started_at": None, "ended_at": None,
            "eta_s": None,   # seconds still to go, from the speed so far (None: not known yet)
            "eta_steady": False,   # measured long enough (ETA_STEADY_S) to be shown
        }
        self._eta_at = None            # (eta_s, time.time()) when the child last reported
        self._first_report = None      # (step, elapsed_s) of the child's first progress report

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
            s["stopping"] = self._stop_asked
            if s["status"] == "running" and s["started_at"] is not None:
                s["elapsed_s"] = time.time() - s["started_at"]
            if s["status"] in DONE:
                s["eta_s"] = 0.0
            elif self._eta_at is not None:
                s["eta_s"] = self._eta_now()
        return s

    def _eta_now(self):
        """The child's last estimate, counted down since it came (lock held)."""
        eta, at = self._eta_at
        return None if eta is None else max(0.0, eta - (time.time() - at))

    def time_left(self):
        """Seconds until this run's process has exited and its slot is free: 0 once it
        has; at most the stop grace for a run asked to stop or done; else the run's own
        estimate (None: not known yet). Not counted as watching (see snapshot)."""
        if not self.alive():
            return 0.0
        with self._lock:
            if self._stop_asked:
                return max(0.0, STOP_GRACE_S + TERM_GRACE_S - (time.monotonic() - self._stop_at))
            if self._state["status"] in DONE:
                return 0.0
            return self._eta_now() if self._eta_at is not None else None

    @property
    def status(self):
        with self._lock:
            return self._state["status"]

    def is_active(self):
        return self.status in ACTIVE

    def stopping(self):
        """True once stop() was called (the run may still be finishing its step)."""
        with self._lock:
            return self._stop_asked

    def alive(self):
        """True while the child process or the thread listening to it still runs."""
        return ((self._process is not None and self._process.poll() is None)
                or (self._listener is not None and self._listener.is_alive()))

    def checkpoint_bytes(self):
        """safetensors bytes of the trained model once finished or stopped, else None."""
        with self._lock:
            return self._ckpt

    # -- control -----------------------------------------------------------------

    def start(self):
        with self._lock:
            if self._process is not None:
                raise JobRefused("this job has already been started")
            self._state["status"] = "running"
            self._state["started_at"] = time.time()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p))
        try:
            self._process = subprocess.Popen([sys.executable, "-m", "capstone.worker"],
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             cwd=REPO_ROOT, env=env)
        except OSError as e:
            self._set(status="failed", error=f"could not start the training process: {e}")
            raise JobRefused(f"could not start the training process: {e}") from e
        data, self.data = self.data, None
        self._listener = threading.Thread(target=self._listen, args=(data,), daemon=True,
                                          name=f"capstone-job-{self.learner_id}")
        self._listener.start()
        return self

    def stop(self, wait=None):
        """Ask the run to stop after its current step (by closing the child's input); a
        process still there STOP_GRACE_S later is ended (see _end_for_good).
        wait: seconds to wait for it to end (None: don't wait)."""
        with self._lock:
            first = not self._stop_asked
            self._stop_asked = True
            fed = self._fed
            if first:
                self._stop_at = time.monotonic()
            if first and self._process is not None:
                self._ender = threading.Thread(target=self._end_for_good, daemon=True,
                                               name=f"capstone-end-{self.learner_id}")
                self._ender.start()
        if fed:            # else the listener closes the input once the data is through
            self._close_input()
        if wait is not None:
            self.join(wait)

    def _end_for_good(self):
        """A run asked to stop gets STOP_GRACE_S to end on its own (the rest of a step, a
        short evaluation, its checkpoint); then it is terminated, TERM_GRACE_S later killed.
        wait() reaps it each way, so no zombie is left."""
        proc = self._process
        for grace, end in ((STOP_GRACE_S, proc.terminate), (TERM_GRACE_S, proc.kill)):
            try:
                proc.wait(grace)
                return
            except subprocess.TimeoutExpired:
                end()
        proc.wait()

    def wait_gone(self, timeout):
        """Wait up to timeout seconds for the process and its listener to end; True once
        they have (the slot is free)."""
        deadline = time.monotonic() + timeout
        for thread in (self._ender, self._listener):
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
        return not self.alive()

    def join(self, timeout=None):
        """Wait up to timeout seconds for the run to end; True once it has."""
        if self._listener is not None:
            self._listener.join(timeout)
        return not self.is_active()

    # -- the thread that feeds the child and listens to it ------------------------

    def _set(self, **kw):
        with self._lock:
            self._state.update(kw)

    def _close_input(self):
        try:
            self._process.stdin.close()
        except OSError:
            pass

    def _feed(self, data):
        header = {"config": self.cfg.to_dict(), "vocab": data.vocab.chars,
                  "n_train": len(data.train_ids), "n_val": len(data.val_ids)}
        try:
            pipe = self._process.stdin
            pipe.write(json.dumps(header).encode() + b"\n")
            for ids in (data.train_ids, data.val_ids):    # the compact ids, widened once
                pipe.write(ids.astype("<i8").tobytes())
            pipe.flush()
        except OSError:    # the child is gone already; _listen reports how it ended
            pass
        with self._lock:
            self._fed = True
            stop_now = self._stop_asked
        if stop_now:
            self._close_input()

    def _listen(self, data):
        self._feed(data)
        out = self._process.stdout
        try:
            while line := out.readline():
                msg = json.loads(line)
                ckpt = out.read(msg["checkpoint_bytes"]) if msg["kind"] == "done" else None
                self._apply(msg, ckpt)
        except (OSError, ValueError, KeyError, TypeError) as e:   # garbled: say so, end it
            self._set(status="failed", error=f"lost track of the training process: {e}")
            self._process.kill()
        finally:
            out.close()
            self._close_input()
            try:
                code = self._process.wait(30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                code = self._process.wait()
            with self._lock:
                if self._state["status"] in ACTIVE:   # no last word from the child
                    if self._stop_asked and self._state["step"] == 0:
                        self._state["status"] = "stopped"     # nothing to keep yet
                    elif self._stop_asked:
                        self._state.update(status="stopped", error=(
                            f"the run did not end within {STOP_GRACE_S:.0f} s of being asked "
                            "to stop, so it was ended without its checkpoint"))
                    else:
                        self._state.update(status="failed", error=(
                            f"the training process ended unexpectedly (exit code {code}); "
                            "the server may be short of memory"))
                self._state["ended_at"] = time.time()
                if self._state["started_at"] is not None:
                    self._state["elapsed_s"] = self._state["ended_at"] - self._state["started_at"]

    def _apply(self, msg, ckpt):
        kind = msg["kind"]
        with self._lock:
            st = self._state
            if kind == "progress":
                d = msg["progress"]
                st.update(step=d["step"], loss=d["loss"], lr=d["lr"],
                          tokens_per_s=d["tokens_per_s"], elapsed_s=d["elapsed_s"])
                if self._first_report is None:
                    self._first_report = (d["step"], d["elapsed_s"])
                eta = estimate_eta(d["step"], st["total_steps"], d["elapsed_s"], self.cfg,
                                   since=self._first_report)
                now = time.time()
                if eta is not None and self._eta_at is not None and self._eta_at[0] is not None:
                    shown, at = self._eta_at
                    eta = smooth_eta(max(0.0, shown - (now - at)), eta)
                self._eta_at = (eta, now)
                st["eta_s"] = eta
                st["eta_steady"] = eta is not None and d["elapsed_s"] - self._first_report[1] >= ETA_STEADY_S
            elif kind == "eval":
                rec = msg["record"]
                st["history"].append((rec["step"], rec["train_loss"], rec["val_loss"]))
            elif kind == "sample":
                st["samples"] = (st["samples"] + [(msg["step"], msg["text"])])[-MAX_SAMPLES:]
            elif kind == "device":
                st["device"] = msg["info"]
            elif kind == "done":
                self._ckpt = ckpt or None
                st.update(status=msg["status"], error=msg["error"], step=msg["step"])
            elif kind == "failed":
                st.update(status="failed", error=msg["error"], traceback=msg["traceback"])


ETA_STEADY_S = 20.0   # seconds of measured pace before the page gives a time left
ETA_WEIGHT = 0.25     # how far one progress report moves the estimate towards its own


def smooth_eta(shown, measured, weight=ETA_WEIGHT):
    """The estimate to show next: the one shown so far (counted down since), moved a
    part of the way towards the newest measurement. A pace that changes for a few seconds
    on a busy machine (the page redrawing, another process) then moves the time left a
    little at each report instead of throwing it from one minute to twelve."""
    return round(shown + weight * (measured - shown), 1)


def estimate_eta(step, total_steps, elapsed_s, cfg, since=None):
    """Seconds a run still needs, from its pace so far: wall time per step (evaluations
    and samples included, as they recur), times the steps left, plus the longer final
    evaluation. None before the first step.

    since: (step, elapsed_s) of the run's first report. The pace is then measured from
    there, leaving out what comes once, before it: the evaluation and sample at step 0
    and the first, slower steps, which early on would make the estimate far too long."""
    if step <= 0 or elapsed_s <= 0:
        return None
    per_step = elapsed_s / step
    if since is not None and step > since[0] and elapsed_s > since[1]:
        per_step = (elapsed_s - since[1]) / (step - since[0])
    left = max(0, total_steps - step) * per_step
    # the last evaluation reads final_eval_iters training batches instead of eval_iters,
    # and all of the validation text (on tiny Shakespeare about as many batches again);
    # one eval batch (eval_batch_size rows, forward only) costs a third of a training step
    extra_batches = 2 * max(0, cfg.final_eval_iters - cfg.eval_iters)
    extra = extra_batches * per_step * cfg.eval_batch_size / max(1, 3 * cfg.batch_size)
    return round(left + extra, 1)


@dataclass(frozen=True)
class PlaceInLine:
    """Where a learner refused for want of a slot stands (JobRegistry.place_in_line)."""
    ahead: int                  # learners in line before this one
    running: int                # training processes alive now (the cap counts these)
    limit: int                  # the cap
    next_free_s: float | None   # seconds until the next slot frees (0: one is free for them;
                                # None: not known yet)

    @property
    def ready(self):
        """True when a slot is free for this learner: Start would start the run now."""
        return self.running + self.ahead < self.limit

    def sentence(self):
        """The place, in words for the learner."""
        if self.ready:
            return "A training slot is free: press Start to take it."
        where = ("yours is next in line" if self.ahead == 0 else
                 f"{self.ahead} run{'s' if self.ahead > 1 else ''} ahead of yours")
        if self.next_free_s is None:
            when = ("how soon the next slot frees is not known yet "
                    "(a run just started has no estimate)")
        elif self.next_free_s < 60:
            when = "the next slot frees in under a minute"
        else:
            minutes = math.ceil(self.next_free_s / 60)
            when = f"the next slot frees in about {minutes} minute{'s' if minutes > 1 else ''}"
        if self.running >= self.limit:
            busy = (f"The server is busy ({self.running} training "
                    f"run{'' if self.running == 1 else 's'}, limit {self.limit})")
        else:
            busy = "The server is busy (its free slots are promised to learners ahead of you)"
        return f"{busy}: {where}; {when}."


class JobRegistry:
    """At most one job per learner, at most max_running training processes alive
    server-wide, at most max_steps steps a run.

    A run counts until its process has exited (a stopped run, one replaced or removed, as
    much as a running one): the cap bounds the memory and cores that training takes.

    A learner refused for want of a slot gets a place in line, kept while they keep asking
    (start() or place_in_line() within line_hold_s): a slot that frees goes to the first
    in line, and place_in_line() says how many are ahead and when the next slot frees.

    A run nobody has watched (called snapshot() on) for idle_stop_s seconds is stopped
    when another learner needs its slot: a learner who closed the tab does not keep the
    server busy, and their checkpoint up to that step is kept. Until the slot is needed
    an unwatched run goes on, so reading another chapter meanwhile is fine."""

    def __init__(self, max_running=2, idle_stop_s=600, max_steps=MAX_STEPS,
                 line_hold_s=LINE_HOLD_S):
        self.max_running = max_running
        self.idle_stop_s = idle_stop_s
        self.max_steps = max_steps
        self.line_hold_s = line_hold_s
        self._jobs = {}      # learner_id -> TrainingJob (the latest one)
        self._retired = []   # jobs replaced or removed whose process has not exited yet
        self._line = {}      # learner_id -> when they last asked, in the order they first asked
        self._lock = threading.Lock()

    def start(self, learner_id, cfg, data):
        """Start a job for this learner. Refused (JobRefused) when the run asks for more
        than max_steps steps, while the learner's previous job is still running, or when
        max_running processes are alive (the learner then keeps a place in line, and the
        message says where). A finished earlier job of the learner is replaced."""
        if self.max_steps is not None and cfg.max_iters > self.max_steps:
            raise JobRefused(TOO_MANY_STEPS.format(steps=cfg.max_iters, cap=self.max_steps))
        with self._lock:
            job = self._start_if_free(learner_id, cfg, data)
            freeing = self._stop_idle() if job is None else []
        if freeing:   # unwatched runs end within the grace: wait for them, not the lock
            for idle in freeing:
                idle.wait_gone(STOP_GRACE_S + TERM_GRACE_S + 1.0)
            with self._lock:
                job = self._start_if_free(learner_id, cfg, data)
        if job is None:
            raise JobRefused(self.place_in_line(learner_id).sentence())
        return job

    def _start_if_free(self, learner_id, cfg, data):
        """The started job, or None (the learner in line) when no slot is free for them.
        Lock held."""
        old = self._jobs.get(learner_id)
        if old is not None and old.is_active():
            raise JobRefused("you already have a training run going; stop it or wait "
                             "for it to finish before starting another")
        now = time.time()
        self._tidy(now)
        self._line[learner_id] = now
        if list(self._line).index(learner_id) >= self.max_running - self._alive():
            return None
        del self._line[learner_id]
        if cfg.threads == 0:
            cfg = replace(cfg, threads=job_threads())
        if old is not None and old.alive():
            self._retired.append(old)
        job = TrainingJob(cfg, data, learner_id=learner_id)
        self._jobs[learner_id] = job
        job.start()
        return job

    def _tidy(self, now):
        """Forget retired jobs whose process has exited and places not asked for lately."""
        self._retired = [j for j in self._retired if j.alive()]
        self._line = {who: t for who, t in self._line.items() if now - t <= self.line_hold_s}

    def _alive(self):
        return sum(j.alive() for j in (*self._jobs.values(), *self._retired))

    def place_in_line(self, learner_id):
        """Where the learner stands in line (a PlaceInLine), or None if not in line. Asking
        keeps the place: a page that shows it keeps it while it is open. The next slot's
        time comes from the running jobs' own time-left estimates."""
        with self._lock:
            now = time.time()
            self._tidy(now)
            if learner_id not in self._line:
                return None
            self._line[learner_id] = now
            ahead = list(self._line).index(learner_id)
            jobs = [j for j in (*self._jobs.values(), *self._retired) if j.alive()]
        lefts = [j.time_left() for j in jobs]
        known = [t for t in lefts if t is not None]
        if len(jobs) + ahead < self.max_running:
            next_free = 0.0                                # free now, and theirs
        else:
            next_free = min(known) if known else None
        return PlaceInLine(ahead=ahead, running=len(jobs), limit=self.max_running,
                           next_free_s=next_free)

    def leave_line(self, learner_id):
        """The learner no longer waits for a slot."""
        with self._lock:
            self._line.pop(learner_id, None)

    def _stop_idle(self):
        """Ask the running jobs nobody has watched for idle_stop_s to stop; those jobs.
        (Called with the lock held, so it does not wait: each ends within the grace.)"""
        cutoff = time.time() - self.idle_stop_s
        idle = [j for j in self._jobs.values()
                if j.is_active() and not j.stopping() and j.last_seen < cutoff]
        for job in idle:
            job.stop()
        return idle

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
        """Forget the learner's job (stopping it first if it runs; it counts until its
        process has exited)."""
        with self._lock:
            job = self._jobs.pop(learner_id, None)
            self._line.pop(learner_id, None)
            if job is not None and job.alive():
                self._retired.append(job)
        if job is not None:
            job.stop()
        return job

    def running_count(self):
        """Training processes alive now: what the cap counts."""
        with self._lock:
            self._tidy(time.time())
            return self._alive()

    def stop_all(self, wait=None):
        with self._lock:
            jobs = [*self._jobs.values(), *self._retired]
        for j in jobs:
            j.stop()
        if wait is not None:
            for j in jobs:
                j.join(wait)
