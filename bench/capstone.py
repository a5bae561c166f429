"""Benchmark the capstone model and its default training preset.

    python bench/capstone.py                 # full: speed, then the default preset end to end
    python bench/capstone.py --quick         # a minute or so: speed, plus a short training run
    python bench/capstone.py --device cuda   # on another device

Prints how much the host held this process up (a probe: figures taken on a throttled
machine are slow and noisy); the parameter count; median ms/iteration and tokens/s, and
tokens/s over the fastest quarter of steps, and the mean step (which a host that
pauses the process now and then drives far above the median), at batch 12 x context 64
(the size nanoGPT's reference figures use) and at the default preset's batch size, where
the network as it was before rotary positions (learned positions, biases, tied head) is
timed side by side, and so is the step in bfloat16 where training uses it (the other
step figures are float32, as nanoGPT's train.py is on a CPU); validation loss at fixed
steps of the default preset; the training tokens it took to first reach --target (1.55),
and the wall time (training plus evaluations) of that, and the best validation loss
within --budget seconds.

At batch 12 the same network is also trained the way nanoGPT's train.py does it (see
reference_step) with dropout 0, in alternating blocks of steps, and the ratio of
tokens/s is printed: a host that stalls now and then slows both alike, so the ratio
holds up better than the absolute figures. nanoGPT's Shakespeare-character setting,
dropout 0.2, is timed after that on its own.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from capstone.model import GPT, GPTConfig  # noqa: E402
from capstone.prepare import load_dataset  # noqa: E402
from capstone.presets import make_config  # noqa: E402
from capstone.train import (PRECISIONS, autocast_dtype, describe_device,  # noqa: E402
                            forward_context, get_batch, pick_device, set_threads, train)


def host_stalls(seconds=3.0, gap=0.05):
    """Share of wall time this process was not running although it wanted to: a busy
    loop that notes every gap over `gap` seconds. On a shared or throttled machine this
    is well above zero and every figure below is slowed by it; the "fastest quarter"
    figures are the ones least affected."""
    t0 = last = time.perf_counter()
    lost = 0.0
    while (now := time.perf_counter()) - t0 < seconds:
        if now - last > gap:
            lost += now - last
        last = now
    return lost / seconds


def our_step(data, batch_size, device, amp=None, **model_kw):
    """One optimiser step as capstone.train takes it: our flat AdamW and clipping, the
    forward pass in float32 or, with amp (a dtype), under torch.autocast in it.
    model_kw: GPTConfig settings to change (e.g. the learned positions of before)."""
    cfg = make_config("default", batch_size=batch_size)
    mcfg = GPTConfig(vocab_size=len(data.vocab), **model_kw)
    model = GPT(mcfg, generator=torch.Generator().manual_seed(0)).to(device)
    opt = model.configure_optimizer(cfg.learning_rate, cfg.weight_decay, (cfg.beta1, cfg.beta2))
    g = torch.Generator().manual_seed(0)

    def step():
        x, y = get_batch(data.train, batch_size, mcfg.block_size, g, device)
        with forward_context(device, amp):
            _, loss = model(x, y)
        opt.zero_grad()
        loss.backward()
        opt.clip_grad_norm_(1.0)
        opt.step()
        loss.item()  # wait for the device
    return step, model.num_params()


# the default network before rotary positions: a learned position table, biases, a head
# tied to the token embedding, GELU, queries and keys not normalised
BEFORE = dict(rope=False, bias=True, tie_head=True, mlp="gelu", qk_norm=False)


def reference_step(data, batch_size, device, dropout):
    """The same network trained the way nanoGPT's train.py trains it, for a side-by-side
    figure: no biases (its default), torch.optim.AdamW, torch's clip_grad_norm_, gradients
    set to None after each step, and batches cut from a uint16 token array with numpy."""
    mcfg = GPTConfig(vocab_size=len(data.vocab), dropout=dropout, bias=False)
    model = GPT(mcfg, generator=torch.Generator().manual_seed(0)).to(device)
    opt = torch.optim.AdamW(model.param_groups(0.1), lr=1e-3, betas=(0.9, 0.99))
    tokens = data.train.numpy().astype(np.uint16)
    T = mcfg.block_size

    def batch():
        ix = torch.randint(len(tokens) - T, (batch_size,))
        x = torch.stack([torch.from_numpy(tokens[i:i + T].astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy(tokens[i + 1:i + 1 + T].astype(np.int64)) for i in ix])
        return x.to(device), y.to(device)

    x, y = batch()

    def step():
        nonlocal x, y
        _, loss = model(x, y)
        x, y = batch()  # nanoGPT fetches the next batch right after the forward pass
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
    return step


def time_side_by_side(steps, n_iters, block=5, warmup=10):
    """Time several step functions in alternating blocks of `block` steps, so that a
    host that stalls now and then slows each of them alike. Returns, per name, the
    sorted list of step times in seconds."""
    for step in steps.values():
        for _ in range(warmup):
            step()
    times = {name: [] for name in steps}
    for _ in range(max(1, n_iters // block)):
        for name, step in steps.items():
            for _ in range(block):
                t = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - t)
    return {name: sorted(ts) for name, ts in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short run (about a minute)")
    ap.add_argument("--device", default="cpu", choices=["auto", "cpu", "cuda", "mps"])
    ap.add_argument("--data", default=None, help="corpus file (default: capstone.prepare lookup)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: automatic)")
    ap.add_argument("--target", type=float, default=1.55, help="validation loss to reach")
    ap.add_argument("--budget", type=float, default=300.0, help="seconds allowed to reach it")
    ap.add_argument("--steps", type=int, default=None, help="override the preset's max_iters")
    ap.add_argument("--precision", default="auto", choices=PRECISIONS,
                    help="the training run's forward pass (auto: as capstone.train picks)")
    ap.add_argument("--json", action="store_true", help="also print one JSON summary line")
    ap.add_argument("--no-reference", action="store_true",
                    help="skip the side-by-side nanoGPT-style steps at batch 12")
    args = ap.parse_args()

    device = pick_device(args.device)
    threads = set_threads(args.threads)
    data = load_dataset(args.data)
    info = describe_device(device, precision=args.precision)
    amp = autocast_dtype(device, args.precision)
    print(f"device: {info['name']} | torch {info['torch']} | threads {threads}")
    stalled = host_stalls()
    print(f"host stalls: this process was held up {stalled:.0%} of a 3 s probe"
          + ("  (a busy or throttled machine: expect slower, noisier figures)" if stalled > 0.05 else ""))

    n_iters = 50 if args.quick else 200
    default = make_config("default", device=device)
    summary = {"device": info["name"], "threads": threads, "host_stalled": round(stalled, 3)}
    for bs in sorted({12, default.batch_size}):
        step, n_params = our_step(data, bs, device)
        with_reference = bs == 12 and not args.no_reference
        steps = {"capstone": step}
        if bs == default.batch_size:   # the architecture before RoPE, for the cost of it
            steps["capstone before RoPE"] = our_step(data, bs, device, **BEFORE)[0]
            if amp is not None:        # the step as the training run takes it
                steps["capstone, bfloat16"] = our_step(data, bs, device, amp=amp)[0]
        if with_reference:
            steps["nanoGPT-style, dropout 0"] = reference_step(data, bs, device, 0.0)
        times = time_side_by_side(steps, n_iters)
        if with_reference:  # timed on its own: interleaved, it slows whatever runs next
            times["nanoGPT-style, dropout 0.2"] = time_side_by_side(
                {"d": reference_step(data, bs, device, 0.2)}, n_iters)["d"]
        summary_key = {"capstone": f"tokens_per_s_b{bs}",
                       "capstone before RoPE": f"tokens_per_s_b{bs}_before_rope",
                       "capstone, bfloat16": f"tokens_per_s_b{bs}_bfloat16",
                       "nanoGPT-style, dropout 0": f"tokens_per_s_b{bs}_ref_dropout0",
                       "nanoGPT-style, dropout 0.2": f"tokens_per_s_b{bs}_ref_dropout02"}
        tokens = bs * GPTConfig.block_size
        # per step function: median, fastest quarter and mean step time (ts is sorted)
        figures = {name: (statistics.median(ts), ts[len(ts) // 4], statistics.mean(ts))
                   for name, ts in times.items()}
        ours, ours_fast, ours_mean = figures["capstone"]
        print(f"batch {bs:3d} x context 64 (median of {len(times['capstone'])} steps"
              + (", side by side" if with_reference else "") + "):")
        for name, (med, fast, mean) in figures.items():
            ratio = "" if name == "capstone" else f"   capstone: {med / ours:.2f}x its tokens/s"
            print(f"  {name:27s} {med * 1000:7.2f} ms/iter {tokens / med:9,.0f} tokens/s "
                  f"(fastest quarter {tokens / fast:,.0f}; mean step {mean * 1000:.1f} ms, "
                  f"stalls included){ratio}")
            summary[summary_key[name]] = round(tokens / med)
        summary[f"ms_per_iter_b{bs}"] = round(ours * 1000, 3)
        summary[f"mean_ms_per_iter_b{bs}"] = round(ours_mean * 1000, 3)
        summary[f"tokens_per_s_b{bs}_fastest_quarter"] = round(tokens / ours_fast)
    print(f"parameters: {n_params:,}")
    summary["params"] = n_params

    # the default preset end to end (quick: a short slice of it)
    steps = args.steps or (300 if args.quick else default.max_iters)
    cfg = make_config("default", device=device, max_iters=steps, threads=threads,
                      precision=args.precision,
                      eval_interval=min(default.eval_interval, max(1, steps // 3)))
    tokens_per_step = cfg.batch_size * cfg.block_size
    print(f"\ntraining preset 'default' for {steps} steps: batch {cfg.batch_size}, "
          f"lr {cfg.learning_rate} (warmup {cfg.warmup_iters}, stable, then linear decay "
          f"over the last {cfg.decay_frac:.0%} to {cfg.min_lr}), "
          f"eval every {cfg.eval_interval} steps x {cfg.eval_iters} batches, "
          f"forward pass in {info['precision']}")
    reached = {}
    best = {"in_budget": None}

    def on_eval(rec):
        print(f"  step {rec['step']:5d}  train {rec['train_loss']}  val {rec['val_loss']}  "
              f"{rec['elapsed_s']:7.1f} s  {rec['tokens_per_s']:,} tok/s", flush=True)
        val = rec["val_loss"]
        if val is None:
            return
        if "t" not in reached and val <= args.target:
            reached.update(t=rec["elapsed_s"], step=rec["step"],
                           tokens=rec["step"] * tokens_per_step)
        in_budget = rec["elapsed_s"] <= args.budget
        if in_budget and (best["in_budget"] is None or val < best["in_budget"]):
            best["in_budget"] = val

    t0 = time.perf_counter()
    res = train(cfg, data, on_eval=on_eval)
    total = time.perf_counter() - t0
    final = res.records[-1]
    print(f"\nfinal val loss {final['val_loss']} after {res.step} steps, {total:.1f} s in all "
          f"(training tokens/s {final['tokens_per_s']:,})")
    vals = [r["val_loss"] for r in res.records if r["val_loss"] is not None]
    print(f"best val loss {min(vals) if vals else None}; best within {args.budget:.0f} s "
          f"(training plus evaluations) {best['in_budget']}")
    if reached:
        ok = "within" if reached["t"] <= args.budget else "OUTSIDE"
        print(f"tokens to val loss <= {args.target}: {reached['tokens'] / 1e6:.2f} M "
              f"(step {reached['step']}, evaluated every {cfg.eval_interval} steps), after "
              f"{reached['t']:.1f} s ({ok} the {args.budget:.0f} s budget)")
    else:
        print(f"tokens to val loss <= {args.target}: not reached in "
              f"{res.step * tokens_per_step / 1e6:.2f} M")
    summary.update(final_val_loss=final["val_loss"], best_val_loss=min(vals) if vals else None,
                   best_val_loss_in_budget=best["in_budget"], steps=res.step,
                   total_s=round(total, 1), train_tokens_per_s=final["tokens_per_s"],
                   time_to_target_s=reached.get("t"), tokens_to_target=reached.get("tokens"),
                   target=args.target)
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
