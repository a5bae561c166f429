import time
from dataclasses import replace

import pytest

from capstone.checkpoint import load_checkpoint
from capstone.device import default_threads
from capstone.job import ETA_STEADY_S, JobRefused, JobRegistry, TrainingJob, estimate_eta, smooth_eta
from tests.capstone.conftest import wait_for


def test_job_runs_to_the_end_with_samples(small_data, tiny_cfg):
    reg = JobRegistry(max_running=2)
    cfg = replace(tiny_cfg, max_iters=30, sample_interval=10, sample_chars=30)
    job = reg.start("ann", cfg, small_data)
    assert job.join(300)
    s = job.snapshot()
    assert s["status"] == "finished" and s["step"] == 30 and s["total_steps"] == 30
    assert [h[0] for h in s["history"]] == [0, 10, 20, 30]
    assert [st for st, _ in s["samples"]] == [0, 10, 20, 30]   # step 0: the untrained noise
    assert all(len(text) == 30 for _, text in s["samples"])
    assert s["device"]["device"] == "cpu" and s["tokens_per_s"] > 0
    ck = load_checkpoint(job.checkpoint_bytes())
    assert ck.info["step"] == 30
    s["history"].append("mine")  # a copy: the job's own state is untouched
    assert len(job.snapshot()["history"]) == 4
    assert job.join(30) and not job.alive()  # a finished job's process and thread end
    assert job.cfg.threads == default_threads()  # every core: the child yields to the server
    assert s["eta_s"] == 0.0


def test_eta_counts_down_from_the_measured_pace(small_data, tiny_cfg):
    cfg = replace(tiny_cfg, max_iters=100_000, eval_interval=1000)
    assert estimate_eta(0, 100, 0.0, cfg) is None
    # 10 steps in 5 s: 90 steps left at 0.5 s each, plus the longer final evaluation
    eta = estimate_eta(10, 100, 5.0, cfg)
    assert 45.0 <= eta < 47.0
    assert estimate_eta(100, 100, 50.0, replace(cfg, final_eval_iters=cfg.eval_iters)) == 0.0
    # 8 s of start-up before step 10 (the step-0 evaluation and sample): measured from the
    # first report, 20 steps in 10 s, the pace is 0.5 s a step, not 18 s / 30 steps
    plain = replace(cfg, final_eval_iters=cfg.eval_iters)
    assert estimate_eta(30, 100, 18.0, plain, since=(10, 8.0)) == 35.0
    assert estimate_eta(30, 100, 18.0, plain) == 42.0
    assert estimate_eta(10, 100, 8.0, plain, since=(10, 8.0)) == 72.0   # one report: pace so far
    reg = JobRegistry(max_running=1, max_steps=None)   # no step cap: runs long enough to stop
    # batches of 64, so the child's reports (one per 10 steps) come about a second apart
    job = reg.start("ann", replace(cfg, batch_size=64), small_data)
    assert job.snapshot()["eta_s"] is None                      # no pace measured yet
    assert wait_for(lambda: job.snapshot()["eta_s"] is not None, timeout=180)
    for _ in range(50):
        # between two reports the estimate counts down with the clock; a new report sets
        # it afresh from the pace so far, which may be slower, so look between two
        first = job.snapshot()
        time.sleep(0.3)
        later = job.snapshot()
        if later["step"] == first["step"]:
            break
    assert first["eta_s"] > 0
    assert later["step"] == first["step"]                       # no report in between
    assert later["eta_s"] < first["eta_s"] + 1e-9               # counts down in between
    job.stop(wait=60)
    assert job.snapshot()["eta_s"] == 0.0


def test_registry_one_per_learner_cap_stop_and_reattach(small_data, tiny_cfg):
    reg = JobRegistry(max_running=2, max_steps=None)
    long = replace(tiny_cfg, max_iters=100_000, eval_interval=1000)
    a = reg.start("ann", long, small_data)
    assert wait_for(lambda: a.snapshot()["step"] > 0)
    with pytest.raises(JobRefused, match="already"):
        reg.start("ann", long, small_data)           # one per learner
    b = reg.start("bob", long, small_data)
    with pytest.raises(JobRefused, match="busy"):
        reg.start("cat", long, small_data)           # server-wide cap
    assert reg.running_count() == 2
    assert reg.get("ann") is a and reg.get("nobody") is None  # reattach after reload

    a.stop(wait=120)     # after its current step, not its 100,000 (on a busy machine: seconds)
    assert a.join(0)
    s = a.snapshot()
    assert s["status"] == "stopped" and 0 < s["step"] < 100_000
    assert a.checkpoint_bytes() is not None and not a.alive()

    reg.leave_line("cat")   # cat, refused above, waits in line no more: the free slot is ann's
    again = reg.start("ann", long, small_data)  # replaces the stopped job; a slot was free
    assert reg.get("ann") is again
    with pytest.raises(JobRefused, match="busy"):
        reg.start("cat", long, small_data)
    reg.stop_all(wait=120)   # `again` may still be starting: loading torch takes seconds
    assert b.snapshot()["status"] == "stopped" and again.snapshot()["status"] == "stopped"
    assert reg.running_count() == 0


def test_unwatched_run_gives_its_slot_to_a_new_learner(small_data, tiny_cfg):
    reg = JobRegistry(max_running=1, idle_stop_s=30, max_steps=None)
    long = replace(tiny_cfg, max_iters=100_000, eval_interval=1000)
    a = reg.start("ann", long, small_data)
    assert wait_for(lambda: a.snapshot()["step"] > 0)
    with pytest.raises(JobRefused, match="busy"):    # ann is watching: no slot
        reg.start("bob", long, small_data)
    a.last_seen -= 60                                # ann closed the tab a minute ago
    b = reg.start("bob", long, small_data)
    assert a.stopping() and a.join(60)
    s = a.snapshot()
    assert s["status"] == "stopped" and a.checkpoint_bytes() is not None
    assert b.is_active() and reg.running_count() == 1
    reg.stop_all(wait=120)
    assert not b.is_active()


def test_a_training_process_that_dies_is_reported(small_data, tiny_cfg):
    reg = JobRegistry(max_running=1, max_steps=None)
    a = reg.start("ann", replace(tiny_cfg, max_iters=100_000, eval_interval=1000), small_data)
    assert wait_for(lambda: a.snapshot()["step"] > 0, timeout=180)
    a._process.kill()                                 # e.g. the server ran out of memory
    assert a.join(60)
    s = a.snapshot()
    assert s["status"] == "failed" and "ended unexpectedly" in s["error"]
    assert a.checkpoint_bytes() is None and not a.alive()
    b = reg.start("bob", replace(tiny_cfg, max_iters=5), small_data)   # its slot is free
    assert b.join(300) and b.snapshot()["status"] == "finished"


def test_the_time_left_is_smoothed_and_steady_only_after_enough_pace(tiny_cfg):
    """A pace that halves for one report moves the estimate a quarter of the way, not all of
    it; the estimate counts as steady once ETA_STEADY_S of pace is measured."""
    assert smooth_eta(60.0, 720.0) == 225.0
    assert smooth_eta(100.0, 100.0) == 100.0
    cfg = replace(tiny_cfg, max_iters=1000, final_eval_iters=tiny_cfg.eval_iters)
    job = TrainingJob(cfg, None)
    job._state["status"] = "running"

    def report(step, elapsed):
        job._apply({"kind": "progress", "progress": {"step": step, "loss": 2.0, "lr": 1e-3,
                                                     "tokens_per_s": 1.0, "elapsed_s": elapsed}}, b"")
        return job._state["eta_s"], job._state["eta_steady"]

    eta, steady = report(10, 2.0)              # the first report: pace so far, 0.2 s a step
    assert eta == 198.0 and not steady
    eta, steady = report(20, 3.0)              # 0.1 s a step since: 98 s measured, shown less
    assert 98.0 < eta < 198.0 and not steady
    swings = []
    for step in range(30, 400, 10):            # a steady 0.1 s a step, one slow report
        elapsed = 3.0 + (step - 20) * 0.1 + (5.0 if step >= 200 else 0.0)
        eta, steady = report(step, elapsed)
        swings.append(eta)
    assert steady and ETA_STEADY_S <= elapsed - 2.0
    jump = max(b - a for a, b in zip(swings, swings[1:]))
    assert jump < 10.0, swings                 # the slow report moved it by seconds, not minutes
