import subprocess
import sys
import threading

import pytest
import torch

from capstone.job import REPO_ROOT
from capstone.presets import PRESETS, make_config
from capstone.train import describe_device, lr_at, pick_device, seed_from_text, train, whole_split_loss


def test_loss_goes_down_over_50_steps(small_data, tiny_cfg):
    from dataclasses import replace
    cfg = replace(tiny_cfg, max_iters=50, eval_interval=50, final_eval_iters=4)
    records = []
    res = train(cfg, small_data, on_eval=records.append)
    assert res.status == "finished" and res.step == 50
    first_loss = 4.17  # ln(vocab): what an untrained model scores
    final = records[-1]
    assert final["step"] == 50
    assert final["train_loss"] < first_loss - 0.8
    assert final["val_loss"] < first_loss - 0.8
    assert final["tokens_per_s"] > 0 and final["elapsed_s"] > 0


def test_a_finished_run_is_judged_on_all_of_the_validation_text(small_data, tiny_cfg):
    res = train(tiny_cfg, small_data)
    final = res.records[-1]
    assert final["status"] == "finished"
    whole = whole_split_loss(res.model, small_data.val, tiny_cfg, "cpu")
    assert final["val_loss"] == round(whole, 4)
    # by hand: every consecutive 64-character window of the split, each loss weighted by
    # its share of the windows (the last batch is shorter than the others)
    T = tiny_cfg.block_size
    n = (len(small_data.val) - 1) // T
    x = small_data.val[:n * T].view(n, T)
    y = small_data.val[1:n * T + 1].view(n, T)
    with torch.no_grad():
        res.model.eval()
        logits, _ = res.model(x, y)
    by_hand = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
    assert abs(whole - by_hand.item()) < 1e-4
    assert n * T > 0.99 * len(small_data.val)   # nearly every character is scored


def test_same_seed_same_weight_bytes(small_data, tiny_cfg):
    a = train(tiny_cfg, small_data)
    b = train(tiny_cfg, small_data)
    sa, sb = a.model.state_dict(), b.model.state_dict()
    assert list(sa) == list(sb)
    for k in sa:  # byte-identical weights, tensor by tensor
        assert sa[k].numpy().tobytes() == sb[k].numpy().tobytes(), k
    assert a.records == [dict(r, elapsed_s=None, tokens_per_s=None) | {
        "elapsed_s": ra["elapsed_s"], "tokens_per_s": ra["tokens_per_s"]}
        for r, ra in zip(b.records, a.records)]  # same losses too
    from dataclasses import replace
    c = train(replace(tiny_cfg, seed=tiny_cfg.seed + 1), small_data)
    assert not torch.equal(a.model.lm_head.weight, c.model.lm_head.weight)


def test_too_high_lr_is_reported_not_raised(small_data):
    cfg = make_config("lr_too_high", eval_iters=2, eval_batch_size=32, device="cpu",
                      sample_interval=0, threads=1)
    records = []
    res = train(cfg, small_data, on_eval=records.append)
    assert res.status == "diverged"
    assert "diverged" in res.error
    assert records[-1]["status"] == "diverged" and records[-1]["val_loss"] is None
    assert res.step < cfg.max_iters
    # the failure develops where a learner sees it: over tens of steps, learning at
    # first, then climbing away from its best
    val = [r["val_loss"] for r in records if r["val_loss"] is not None]
    assert res.step >= 30 and len(val) >= 6
    low = val.index(min(val))
    assert val[low] < val[0] - 0.5 and low >= 2   # it learned before the rate was too high
    assert max(val[low:]) > val[low] + 0.5    # a climb after the lowest point


def test_pathology_presets_draw_a_curve():
    """Each pathology changes a few settings and is evaluated often enough in its run
    to draw its failure: at least a dozen points on each curve."""
    for p in PRESETS.values():
        cfg = make_config(p.name)
        assert len(p.overrides) <= 7 and p.look_for.endswith(".")
        assert cfg.max_iters // cfg.eval_interval >= 12, p.name


def test_stop_event_stops(small_data, tiny_cfg):
    from dataclasses import replace
    stop = threading.Event()

    def on_progress(d):
        if d["step"] >= 10:
            stop.set()

    res = train(replace(tiny_cfg, max_iters=1000), small_data, on_progress=on_progress,
                stop_event=stop, progress_every=5)
    assert res.status == "stopped" and res.step == 10


def test_lr_schedule_shape():
    cfg = make_config("default", max_iters=1000, warmup_iters=100, decay_frac=0.25,
                      learning_rate=1e-2, min_lr=1e-3)
    assert lr_at(0, cfg) == pytest.approx(1e-4)          # warming up
    assert lr_at(99, cfg) == pytest.approx(1e-2)         # peak
    assert lr_at(500, cfg) == lr_at(749, cfg) == pytest.approx(1e-2)   # stable
    assert lr_at(874, cfg) == pytest.approx(5.5e-3)      # half way down the line
    assert lr_at(999, cfg) == pytest.approx(1e-3)        # the last step: the floor
    lrs = [lr_at(i, cfg) for i in range(750, 1000)]
    assert all(a > b for a, b in zip(lrs, lrs[1:]))      # decaying all the way


def test_seed_from_text():
    assert seed_from_text("3") == 3 and seed_from_text(" 42 ") == 42 and seed_from_text(7) == 7
    ada = seed_from_text("Ada Lovelace")
    assert ada == seed_from_text("Ada Lovelace") == seed_from_text(" Ada Lovelace\n")
    assert ada != seed_from_text("ada lovelace")
    for text in ("Ada Lovelace", "", "-3", "٣", "9" * 40, "🙂"):
        s = seed_from_text(text)
        assert isinstance(s, int) and 0 <= s < 2**63 - 15
    with pytest.raises(TypeError):
        seed_from_text(None)


def test_presets_and_device():
    assert {"default", "lr_too_high", "lr_too_low", "no_warmup", "no_clip", "batch_1",
            "tiny_data"} <= set(PRESETS)
    for p in PRESETS.values():
        assert p.look_for and make_config(p.name).preset == p.name
    with pytest.raises(KeyError):
        make_config("nope")
    assert pick_device("cpu") == "cpu"
    assert pick_device("auto") in ("cpu", "cuda", "mps")
    d = describe_device("cpu")
    assert d["device"] == "cpu" and d["cpu_threads"] >= 1
    assert d["precision"] in ("float32", "bfloat16")
    assert describe_device("cpu", precision="float32")["precision"] == "float32"
    b = describe_device("cpu", precision="bfloat16")
    assert b["precision"] == "bfloat16" and b["name"].endswith(", bfloat16")


def test_precision_setting():
    from capstone.device import autocast_dtype, native_bfloat16
    assert autocast_dtype("cpu", "float32") is None
    assert autocast_dtype("cpu", "bfloat16") is torch.bfloat16
    assert autocast_dtype("mps", "bfloat16") is None       # MPS: float32 throughout
    # auto: bfloat16 only where the CPU multiplies it in hardware (emulated, it is slower)
    assert autocast_dtype("cpu") is (torch.bfloat16 if native_bfloat16("cpu") else None)
    assert make_config("default").precision == "auto"
    with pytest.raises(ValueError, match="unknown precision"):
        autocast_dtype("cpu", "float16")


def test_bfloat16_training_learns_is_repeatable_and_differs_from_float32(small_data, tiny_cfg):
    """In bfloat16 the forward pass rounds differently (so the weights differ from a
    float32 run's), the same seed still gives the same bytes, the run learns as well, and
    the losses it reports are float32 evaluations (the weights stay float32)."""
    from dataclasses import replace
    cfg = replace(tiny_cfg, max_iters=40, precision="bfloat16")
    a, b = train(cfg, small_data), train(cfg, small_data)
    f = train(replace(cfg, precision="float32"), small_data)
    assert a.model.lm_head.weight.dtype == torch.float32
    assert torch.equal(a.model.lm_head.weight, b.model.lm_head.weight)
    assert not torch.equal(a.model.lm_head.weight, f.model.lm_head.weight)
    la, lf = a.records[-1]["val_loss"], f.records[-1]["val_loss"]
    assert la < 4.17 - 0.8 and abs(la - lf) < 0.1
    assert la == round(whole_split_loss(a.model, small_data.val, cfg, "cpu"), 4)


def test_denormals_are_flushed_on_every_cpu_thread():
    """A fresh process that imports the capstone rounds denormal floats to zero, in torch's
    worker threads too (a large multiply is split across them)."""
    code = ("import capstone.train, torch; torch.set_num_threads(2); "
            "x = torch.full((1_000_000,), 1e-30) * 1e-10; print(int((x != 0).sum()))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "0"
