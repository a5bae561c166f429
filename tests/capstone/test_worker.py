"""The training process's protocol, spoken to directly: JSON lines, then raw bytes."""
import json
import subprocess
import sys

from capstone.checkpoint import load_checkpoint
from capstone.job import REPO_ROOT
from capstone.worker import NICENESS, STOP_GRACE_S, ThreadGovernor


def talk(stdin_bytes, close=False):
    """Send the bytes, keep the input open (closing it means "stop") unless close, read
    the replies until the last word."""
    proc = subprocess.Popen([sys.executable, "-m", "capstone.worker"], cwd=REPO_ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write(stdin_bytes)
    proc.stdin.flush()
    if close:
        proc.stdin.close()
    msgs = []
    while line := proc.stdout.readline():
        msgs.append(json.loads(line))
        if msgs[-1]["kind"] == "done":
            msgs[-1]["checkpoint"] = proc.stdout.read(msgs[-1]["checkpoint_bytes"])
        if msgs[-1]["kind"] in ("done", "failed"):
            break
    proc.stdin.close()
    assert proc.wait(60) == (0 if msgs[-1]["kind"] == "done" else 1)
    return msgs


def test_worker_trains_reports_and_hands_back_a_checkpoint(small_data, tiny_cfg):
    header = {"config": tiny_cfg.to_dict() | {"max_iters": 4, "eval_interval": 2},
              "vocab": small_data.vocab.chars,
              "n_train": len(small_data.train), "n_val": len(small_data.val)}
    msgs = talk(json.dumps(header).encode() + b"\n"
                + small_data.train.numpy().astype("<i8").tobytes()
                + small_data.val.numpy().astype("<i8").tobytes())
    kinds = [m["kind"] for m in msgs]
    assert kinds[0] == "device" and kinds[-1] == "done"
    assert [m["record"]["step"] for m in msgs if m["kind"] == "eval"] == [0, 2, 4]
    done = msgs[-1]
    assert msgs[0]["niceness"] >= NICENESS     # it yields the CPU to the web server
    assert done["status"] == "finished" and done["step"] == 4 and done["error"] == ""
    assert load_checkpoint(done["checkpoint"]).info["step"] == 4


def test_worker_explains_bad_input():
    msgs = talk(b"this is not json\n")
    assert [m["kind"] for m in msgs] == ["failed"]
    assert msgs[0]["error"].startswith("JSONDecodeError")
    header = {"config": {}, "vocab": ["a", "b"], "n_train": 100, "n_val": 10}
    msgs = talk(json.dumps(header).encode() + b"\n" + b"\0" * 80, close=True)  # cut short
    assert msgs[0]["kind"] == "failed" and "ended after 80 of 880 bytes" in msgs[0]["error"]


def test_worker_stopped_before_its_first_step_exits_at_once(small_data, tiny_cfg):
    """Closing the input during the step-0 evaluation (here one of minutes) ends the process
    within the grace, by itself and cleanly: there is no checkpoint to keep yet."""
    header = {"config": tiny_cfg.to_dict() | {"eval_iters": 2_000, "eval_batch_size": 64},
              "vocab": small_data.vocab.chars,
              "n_train": len(small_data.train), "n_val": len(small_data.val)}
    proc = subprocess.Popen([sys.executable, "-m", "capstone.worker"], cwd=REPO_ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc.stdin.write(json.dumps(header).encode() + b"\n"
                         + small_data.train.numpy().astype("<i8").tobytes()
                         + small_data.val.numpy().astype("<i8").tobytes())
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline())["kind"] == "device"   # evaluating now
        proc.stdin.close()
        assert proc.wait(STOP_GRACE_S) == 0
        assert proc.stdout.read() == b""              # no half message, no "done"
    finally:
        proc.kill()
        proc.wait()


class _Clocks:
    """Hand-driven process CPU time, wall time, load average and the system's idle CPU time
    for ThreadGovernor (idle=None: a system that does not say)."""

    def __init__(self, load=0.5, idle=0.0):
        self.cpu, self.wall, self.load, self.idle, self.set_to = 0.0, 0.0, load, idle, []

    def governor(self, threads=2, cores=2):
        return ThreadGovernor(threads, cores=cores, set_threads=self.set_to.append,
                              cpu=lambda: self.cpu, wall=lambda: self.wall,
                              load=lambda: (self.load, self.load, self.load),
                              idle=lambda: self.idle)

    def run(self, seconds, share, idle=0.0):
        """``seconds`` pass; this process uses ``share`` of a core, ``idle`` cores sit idle."""
        self.wall += seconds
        self.cpu += seconds * share
        if self.idle is not None:
            self.idle += seconds * idle


def test_a_starved_run_drops_to_one_thread_and_takes_them_back_when_the_cores_free():
    c = _Clocks()
    g = c.governor()
    assert g.threads == 2 and c.set_to == []
    c.run(1.0, share=0.2)
    assert g.check() == 2                        # under a window: no judgement yet
    c.run(2.5, share=0.2, idle=0.0)              # 3.5 s at a fifth of a core, no core idle
    assert g.check() == 1 and c.set_to == [1]
    c.load = 1.2                                 # the load average has not caught up yet…
    c.run(5, share=0.1, idle=0.1)
    assert g.check() == 1                        # …but the cores are still taken
    c.load = 2.5                                 # the load average still reads busy…
    c.run(5, share=1.0, idle=0.9)                # …but most of a core sat idle: take them back
    assert g.check() == 2 and c.set_to == [1, 2]
    c.run(5, share=1.8, idle=0.1)                # two threads, both busy: stays
    assert g.check() == 2 and c.set_to == [1, 2]


def test_a_quiet_spell_of_the_run_itself_is_not_starvation():
    """An evaluation or a sample keeps fewer cores busy: the run's share falls, but the cores
    are idle, not held by others, so the threads stay."""
    c = _Clocks(load=1.9)
    g = c.governor()
    c.run(4, share=0.6, idle=1.3)
    assert g.check() == 2 and c.set_to == []


def test_without_the_systems_idle_time_the_load_average_stands_in():
    c = _Clocks(idle=None)
    g = c.governor()
    c.load = 2.4
    c.run(4, share=0.2)
    assert g.check() == 1 and c.set_to == [1]
    c.run(5, share=0.9)
    assert g.check() == 1                        # 2.4 of 2 cores: none free
    c.load = 1.2
    c.run(5, share=1.0)
    assert g.check() == 2 and c.set_to == [1, 2]


def test_the_systems_idle_time_is_read():
    from capstone.worker import idle_cpu_seconds
    first = idle_cpu_seconds()
    assert first is None or first >= 0


def test_a_run_that_starts_on_busy_cores_starts_with_one_thread_and_one_thread_is_left_alone():
    c = _Clocks(load=3.0)
    assert c.governor().threads == 1 and c.set_to == [1]
    c = _Clocks(load=3.0)
    g = c.governor(threads=1)
    c.run(10, share=0.05)
    assert g.check() == 1 and c.set_to == []
