"""The cap on training runs: a run counts until its process is gone, a stopped one is gone
within the grace, no process outlives the cap, a run may ask for so many steps, and a
learner refused a slot is told their place in line. Real worker processes throughout."""
import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from capstone.job import (LINE_HOLD_S, MAX_STEPS, STOP_GRACE_S, TERM_GRACE_S, JobRefused,
                          JobRegistry)
from capstone.presets import make_config
from tests.capstone.conftest import wait_for

PROC = Path("/proc")
MARGIN_S = 10.0   # a loaded machine's delay in noticing an exit and reaping it

pytestmark = pytest.mark.skipif(not (PROC / "self" / "stat").exists(),
                                reason="counts processes through /proc")


def workers():
    """(live, zombies): pids of this process's training processes, read from /proc."""
    live, zombies = [], []
    for d in PROC.iterdir():
        if not d.name.isdigit():
            continue
        try:
            state, ppid = (d / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            cmd = (d / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue                                  # gone meanwhile
        if int(ppid) != os.getpid():
            continue
        if state == "Z":
            zombies.append(int(d.name))               # a zombie's command line is empty
        elif b"capstone.worker" in cmd:
            live.append(int(d.name))
    return live, zombies


def state(pid):
    """The process's state letter (R running, S sleeping, T stopped, Z zombie)."""
    return (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]


def slow_start(cfg):
    """A run whose step-0 evaluation takes minutes: where a stop used to go unheard."""
    return replace(cfg, max_iters=MAX_STEPS, eval_interval=MAX_STEPS, eval_iters=2_000,
                   eval_batch_size=64)


def in_first_evaluation(job):
    """The child has set up its device and is evaluating the untrained model."""
    s = job.snapshot()
    return s["device"] is not None and not s["history"] and s["step"] == 0


@pytest.fixture
def no_workers_left():
    assert wait_for(lambda: workers() == ([], []), timeout=60), workers()
    yield
    assert wait_for(lambda: workers() == ([], []), timeout=60), workers()


def test_a_stop_during_the_step_0_evaluation_ends_the_process_at_once(
        small_data, tiny_cfg, no_workers_left):
    """Nothing to keep before the first step: the process exits by itself (code 0) rather
    than finish the evaluation, well within the grace, and no checkpoint is claimed."""
    reg = JobRegistry(max_running=1)
    a = reg.start("ann", slow_start(tiny_cfg), small_data)
    assert wait_for(lambda: in_first_evaluation(a))
    a.stop()
    assert a.wait_gone(STOP_GRACE_S)
    assert a._process.returncode == 0                 # ended itself, not terminated
    s = a.snapshot()
    assert s["status"] == "stopped" and s["step"] == 0 and s["error"] == ""
    assert a.checkpoint_bytes() is None and reg.running_count() == 0


def test_a_stopped_run_keeps_its_slot_until_its_process_is_gone_and_is_ended_after_the_grace(
        small_data, tiny_cfg, no_workers_left):
    """A process that does not answer the stop (here frozen, as one starved of CPU on a busy
    server) still holds its slot; after STOP_GRACE_S it is terminated, then killed, and
    reaped: no process and no zombie remain, and the slot frees."""
    reg = JobRegistry(max_running=1)
    a = reg.start("ann", slow_start(tiny_cfg), small_data)
    assert wait_for(lambda: in_first_evaluation(a))
    pid = a._process.pid
    os.kill(pid, signal.SIGSTOP)
    assert wait_for(lambda: state(pid) == "T", timeout=30)   # a signal takes effect a moment later
    asked = time.monotonic()
    a.stop()
    with pytest.raises(JobRefused, match="busy"):
        reg.start("bob", tiny_cfg, small_data)        # asked to stop is not gone
    assert a.alive() and reg.running_count() == 1 and workers()[0] == [pid]
    assert a.wait_gone(STOP_GRACE_S + TERM_GRACE_S + MARGIN_S)
    took = time.monotonic() - asked
    assert STOP_GRACE_S - 0.5 <= took <= STOP_GRACE_S + TERM_GRACE_S + MARGIN_S
    assert not (PROC / str(pid)).exists()             # reaped, not a zombie
    assert a.snapshot()["status"] == "stopped" and reg.running_count() == 0
    b = reg.start("bob", tiny_cfg, small_data)        # the slot is free now
    assert b.join(300) and b.snapshot()["status"] == "finished"


def test_stopping_and_starting_across_profiles_never_leaves_more_processes_than_the_cap(
        small_data, tiny_cfg, no_workers_left):
    """Two learners start, stop during their first evaluation, two others start at once,
    and back: at no moment are more training processes alive than the cap."""
    reg = JobRegistry(max_running=2)
    cfg = slow_start(tiny_cfg)
    most, done = [0], threading.Event()

    def count():
        while not done.is_set():
            most[0] = max(most[0], len(workers()[0]))
            time.sleep(0.01)

    counter = threading.Thread(target=count, daemon=True)
    counter.start()

    def start(who):
        try:
            return reg.start(who, cfg, small_data)
        except JobRefused as e:
            assert "busy" in str(e)
            return None

    try:
        pair = [start("ann"), start("bob")]
        assert all(pair)
        for nxt in (("cat", "dan"), ("ann", "bob"), ("cat", "dan")):
            assert wait_for(lambda: all(in_first_evaluation(j) for j in pair))
            for job in pair:
                job.stop()
            started = dict.fromkeys(nxt)

            def all_started():                        # straight away, then as slots free
                for who in nxt:
                    if started[who] is None:
                        started[who] = start(who)
                    assert len(workers()[0]) <= 2
                return all(started.values())

            assert wait_for(all_started, timeout=60)
            assert all(not j.alive() for j in pair)   # each new run waited for an old one
            pair = [started[w] for w in nxt]
    finally:
        reg.stop_all(wait=60)
        done.set()
        counter.join(10)
    assert most[0] <= 2
    assert reg.running_count() == 0


@settings(max_examples=50, deadline=None)
@given(steps=st.integers(min_value=MAX_STEPS + 1, max_value=10**15))
def test_a_run_asking_for_more_steps_than_the_cap_is_refused_with_a_sentence(steps):
    reg = JobRegistry(max_running=0)                  # no slot either: the steps are judged first
    with pytest.raises(JobRefused) as refused:
        reg.start("ann", make_config("default", max_iters=steps), None)
    said = str(refused.value)
    assert said.startswith(f"{steps:,} training steps is more than a run started here may take")
    assert f"choose {MAX_STEPS:,} or fewer" in said and "\n" not in said
    assert reg.get("ann") is None and reg.place_in_line("ann") is None


def test_the_step_cap_is_twice_the_default_preset_and_the_cap_itself_is_allowed(
        small_data, tiny_cfg):
    assert MAX_STEPS == 2 * make_config("default").max_iters
    reg = JobRegistry(max_running=1, max_steps=30)
    with pytest.raises(JobRefused, match="31 training steps is more than"):
        reg.start("ann", replace(tiny_cfg, max_iters=31), small_data)
    a = reg.start("ann", replace(tiny_cfg, max_iters=30), small_data)
    assert a.join(300) and a.snapshot()["step"] == 30


def test_a_waiting_learner_is_told_their_place_and_when_the_next_slot_frees(
        small_data, tiny_cfg, no_workers_left):
    reg = JobRegistry(max_running=1)
    long = replace(tiny_cfg, max_iters=MAX_STEPS, eval_interval=1000)
    a = reg.start("ann", long, small_data)
    try:
        assert wait_for(lambda: a.snapshot()["eta_s"] is not None)
        assert reg.place_in_line("ann") is None       # running, not waiting
        with pytest.raises(JobRefused) as bob:
            reg.start("bob", long, small_data)
        assert str(bob.value).startswith("The server is busy (1 training run, limit 1): "
                                         "yours is next in line; the next slot frees in ")
        with pytest.raises(JobRefused, match=r"1 run ahead of yours; the next slot frees in "
                                             r"(about \d+ minutes?|under a minute)\.$"):
            reg.start("cat", long, small_data)
        place = reg.place_in_line("cat")
        assert (place.ahead, place.running, place.limit, place.ready) == (1, 1, 1, False)
        assert abs(place.next_free_s - a.time_left()) < 30   # the running job's own estimate
        assert reg.place_in_line("nobody") is None

        a.stop()                                      # the slot frees once ann's process is gone
        assert wait_for(lambda: reg.place_in_line("bob").ready, timeout=60)
        assert reg.place_in_line("bob").sentence() == (
            "A training slot is free: press Start to take it.")
        with pytest.raises(JobRefused, match="1 run ahead of yours"):
            reg.start("cat", long, small_data)        # the free slot is bob's: he asked first
        b = reg.start("bob", long, small_data)
        assert reg.place_in_line("bob") is None and reg.place_in_line("cat").ahead == 0

        reg._line["cat"] -= LINE_HOLD_S + 1           # cat stopped asking a while ago
        assert reg.place_in_line("cat") is None       # and lost the place
        with pytest.raises(JobRefused, match="yours is next in line"):
            reg.start("dan", long, small_data)
        reg.leave_line("dan")
        assert reg.place_in_line("dan") is None
        b.stop()
        assert b.wait_gone(STOP_GRACE_S + TERM_GRACE_S + MARGIN_S)
    finally:
        reg.stop_all(wait=60)


def test_the_place_in_line_in_words():
    from capstone.job import PlaceInLine
    assert PlaceInLine(0, 2, 2, 125.0).sentence() == (
        "The server is busy (2 training runs, limit 2): yours is next in line; "
        "the next slot frees in about 3 minutes.")
    assert PlaceInLine(2, 2, 2, 30.0).sentence().endswith(
        "2 runs ahead of yours; the next slot frees in under a minute.")
    assert "not known yet" in PlaceInLine(1, 2, 2, None).sentence()
    assert PlaceInLine(1, 1, 2, None).sentence().startswith(
        "The server is busy (its free slots are promised to learners ahead of you)")
