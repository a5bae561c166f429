"""Train the character GPT. Usable from Python (train()) or the command line:

    python -m capstone.train --steps 2000 --seed 1 --preset default --out model.safetensors

prints one JSON object per evaluation, e.g.
    {"step": 500, "train_loss": 1.93, "val_loss": 2.01, "tokens_per_s": 81234, ...}

Determinism: the same seed, preset, device (and CPU thread count) give byte-identical
weights. All randomness flows from torch.Generator objects seeded from `seed`; on CUDA
train() also switches torch to its deterministic kernels (without that, two 300-step runs
on an H100 ended with different weights; with it, identical ones).
"""

import argparse
import hashlib
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field, fields

import numpy as np
import torch

from .device import (PRECISIONS, autocast_dtype, describe_device, forward_context,  # noqa: F401
                     pick_device, set_threads)
from .model import GPT, GPTConfig
from .prepare import load_dataset
from .presets import PRESETS, make_config

MAX_SEED = 2**63 - 16   # seeds stay below this, with room for seed + 1 .. seed + 3

def seed_from_text(text):
    """The integer seed a seed text stands for. A text of digits is that number (so
    "3" means 3, as it always did); any other text, "Ada Lovelace" say, is hashed: the
    first 63 bits of its SHA-256 (UTF-8, surrounding spaces ignored). The same text
    always gives the same seed, on any machine."""
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise TypeError(f"a seed is a text, not {type(text).__name__}")
    text = text.strip()
    if text.isascii() and text.isdigit() and int(text) < MAX_SEED:
        return int(text)
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % MAX_SEED


def seed_everything(seed):
    """Seed python, numpy and torch's global RNGs (we mostly use our own generators,
    but anything that reaches for the global ones then is reproducible too)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)

# ----------------------------------------------------------------------------
# pieces of the training loop


def get_batch(data, batch_size, block_size, generator, device):
    """Random windows of the token stream. data: (N,). Returns x, y: (B, T), where y
    is x shifted one character left (the next character to predict)."""
    ix = torch.randint(len(data) - block_size - 1, (batch_size,), generator=generator)  # (B,)
    offsets = torch.arange(block_size + 1)                                              # (T+1,)
    window = data[ix[:, None] + offsets]                                                # (B, T+1)
    x, y = window[:, :-1], window[:, 1:].contiguous()
    if device != "cpu":
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
    return x, y


def lr_at(it, cfg):
    """Warmup, stable, decay: a linear rise to learning_rate over warmup_iters, then
    learning_rate held, then over the last decay_frac of the steps a straight line down
    to min_lr, which the last step reaches."""
    if it < cfg.warmup_iters:
        return cfg.learning_rate * (it + 1) / cfg.warmup_iters
    decay_start = max(cfg.warmup_iters, round(cfg.max_iters * (1.0 - cfg.decay_frac)))
    if it < decay_start:
        return cfg.learning_rate
    ratio = min(1.0, (it + 1 - decay_start) / max(1, cfg.max_iters - decay_start))  # -> 1
    return cfg.learning_rate + ratio * (cfg.min_lr - cfg.learning_rate)


@torch.no_grad()
def estimate_loss(model, splits, cfg, n_batches, device):
    """Mean loss over n_batches fixed batches per split. The batches come from a
    generator seeded the same way at every evaluation, so the curve isn't jittered by
    which windows happen to be picked."""
    model.eval()
    out = {}
    for name, data in splits.items():
        g = torch.Generator().manual_seed(cfg.seed + 1)
        total = 0.0
        for _ in range(n_batches):
            x, y = get_batch(data, cfg.eval_batch_size, cfg.block_size, g, device)
            _, loss = model(x, y)
            total += loss.item()
        out[name] = total / n_batches
    model.train()
    return out


@torch.no_grad()
def whole_split_loss(model, data, cfg, device):
    """Mean loss over all of a split, cut into consecutive windows of block_size
    characters, each predicting the character after it. Unlike estimate_loss it picks
    no windows, so two seeds' models are measured on exactly the same text."""
    n = (len(data) - 1) // cfg.block_size
    x = data[:n * cfg.block_size].view(n, cfg.block_size)       # (n, T)
    y = data[1:n * cfg.block_size + 1].view(n, cfg.block_size)  # (n, T), one character on
    model.eval()
    total = 0.0
    for i in range(0, n, cfg.eval_batch_size):
        xb, yb = x[i:i + cfg.eval_batch_size].to(device), y[i:i + cfg.eval_batch_size].to(device)
        total += model(xb, yb)[1].item() * len(xb)
    model.train()
    return total / n


@dataclass
class TrainResult:
    model: GPT
    vocab: object
    config: object          # the TrainConfig used
    status: str             # finished | stopped | diverged
    step: int               # optimiser steps taken
    records: list = field(default_factory=list)
    error: str = ""
    device: str = "cpu"


def train(cfg, data=None, on_eval=None, on_progress=None, on_sample=None,
          stop_event=None, progress_every=10, on_start=None):
    """Train a model as described by cfg (a TrainConfig) on data (a prepare.Dataset;
    loaded via prepare.load_dataset() when None).

    Callbacks (all optional):
      on_start(info)    once the device is chosen: describe_device()'s dict
      on_eval(record)   after each evaluation; record is a dict with step,
                        train_loss, val_loss, lr, tokens_per_s, elapsed_s, status
      on_progress(d)    every progress_every steps: step, loss, tokens_per_s, elapsed_s
      on_sample(step, text)   every cfg.sample_interval steps: a short generated text
    stop_event: a threading.Event; once set, training stops after the current step.

    A loss that becomes NaN/inf (or far worse than guessing) ends the run with status
    "diverged" and an error message; it is never raised.
    Returns a TrainResult."""
    from .sample import generate  # here, to keep the import graph one-way at load time

    data = data if data is not None else load_dataset()
    device = pick_device(cfg.device)
    if device == "cpu":
        set_threads(cfg.threads or None)
    amp = autocast_dtype(device, cfg.precision)   # None: float32 throughout
    if on_start is not None:
        on_start(describe_device(device, precision=cfg.precision))
    seed_everything(cfg.seed)
    if device == "cuda":
        # Some CUDA kernels (the embedding's backward, for one) add up in whatever order
        # the threads finish, so two runs differ in the last bits. Ask for the ordered
        # versions; cuBLAS needs a fixed workspace for that, set before its first use.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True, warn_only=True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False

    # data: optionally a small slice of the training text (the "tiny data" preset)
    train_data = data.train
    if cfg.data_fraction < 1.0:
        n = max(cfg.block_size + 2, int(len(train_data) * cfg.data_fraction))
        train_data = train_data[:n]
    splits = {"train": train_data, "val": data.val}

    # the network: each GPTConfig setting as the training settings give it, and the
    # vocabulary's size from the data
    shared = {f.name: getattr(cfg, f.name) for f in fields(GPTConfig) if hasattr(cfg, f.name)}
    mcfg = GPTConfig(**shared, vocab_size=len(data.vocab))
    model = GPT(mcfg, generator=torch.Generator().manual_seed(cfg.seed)).to(device)
    model.train()
    optimizer = model.configure_optimizer(cfg.learning_rate, cfg.weight_decay, (cfg.beta1, cfg.beta2))
    batch_gen = torch.Generator().manual_seed(cfg.seed + 2)   # training batches
    sample_gen = torch.Generator().manual_seed(cfg.seed + 3)  # samples, kept apart
    tokens_per_step = cfg.batch_size * cfg.block_size

    result = TrainResult(model=model, vocab=data.vocab, config=cfg, status="finished",
                         step=0, device=device)
    # Divergence: a loss of NaN/inf, or one three times worse than guessing uniformly
    # among the characters (ln V), means the run has blown up; we stop and say so.
    guess_loss = math.log(len(data.vocab))
    diverge_above = 3.0 * guess_loss

    t0 = time.perf_counter()
    train_time = 0.0    # time spent in optimisation steps only (for tokens/s)
    last_loss = float("nan")

    def evaluate(step, n_batches, status="running"):
        if status == "finished":   # the figure a run is judged by: all of the validation text
            losses = estimate_loss(model, {"train": train_data}, cfg, n_batches, device)
            losses["val"] = whole_split_loss(model, data.val, cfg, device)
        else:
            losses = estimate_loss(model, splits, cfg, n_batches, device)
        elapsed = time.perf_counter() - t0
        # NaN/inf are not valid JSON: a non-finite loss is reported as None
        tl, vl = (round(v, 4) if math.isfinite(v) else None for v in (losses["train"], losses["val"]))
        rec = {"step": step, "train_loss": tl, "val_loss": vl, "lr": lr_at(max(step - 1, 0), cfg),
               "tokens_per_s": round(step * tokens_per_step / train_time) if train_time else 0,
               "elapsed_s": round(elapsed, 3), "status": status}
        result.records.append(rec)
        if on_eval is not None:
            on_eval(rec)
        return rec

    def sample(step):
        text = generate(model, data.vocab, "\n", cfg.sample_chars, temperature=1.0,
                        top_k=None, top_p=None, generator=sample_gen)
        model.train()
        on_sample(step, text)

    step = 0
    evaluate(0, cfg.eval_iters)   # where the curves start: about ln(vocab size) for random weights
    if on_sample is not None and cfg.sample_interval:
        sample(0)                  # random weights: noise, the first thing to learn from
    while step < cfg.max_iters:
        if stop_event is not None and stop_event.is_set():
            result.status = "stopped"
            break
        ts = time.perf_counter()
        lr = lr_at(step, cfg)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = get_batch(train_data, cfg.batch_size, cfg.block_size, batch_gen, device)
        with forward_context(device, amp):
            _, loss = model(x, y)   # in bfloat16: the matrix products; the loss in float32
        last_loss = loss.item()
        if not math.isfinite(last_loss) or last_loss > diverge_above:
            result.status = "diverged"
            what = "is not a number" if not math.isfinite(last_loss) else (
                f"is {last_loss:.4g}, far worse than random guessing ({guess_loss:.2f})")
            result.error = (f"loss {what} at step {step} (learning rate {lr:.3g}): "
                            "training diverged and was stopped")
            break
        optimizer.zero_grad()
        loss.backward()
        if cfg.grad_clip > 0:
            optimizer.clip_grad_norm_(cfg.grad_clip)
        optimizer.step()
        step += 1
        train_time += time.perf_counter() - ts
        result.step = step

        if on_progress is not None and (step % progress_every == 0 or step == cfg.max_iters):
            on_progress({"step": step, "loss": last_loss, "lr": lr,
                         "tokens_per_s": step * tokens_per_step / train_time,
                         "elapsed_s": time.perf_counter() - t0})
        if on_sample is not None and cfg.sample_interval and step % cfg.sample_interval == 0:
            sample(step)
        if step % cfg.eval_interval == 0 and step < cfg.max_iters:
            rec = evaluate(step, cfg.eval_iters)
            if rec["train_loss"] is None or rec["val_loss"] is None:
                result.status = "diverged"
                result.error = f"evaluation loss is not finite at step {step}; training stopped"
                break

    if result.status == "diverged":
        rec = {"step": step, "train_loss": None, "val_loss": None,
               "lr": lr_at(step, cfg), "tokens_per_s": 0, "status": "diverged",
               "elapsed_s": round(time.perf_counter() - t0, 3), "error": result.error}
        result.records.append(rec)
        if on_eval is not None:
            on_eval(rec)
    elif step > 0:   # a stopped run answers at once: no extra-long final evaluation
        n = cfg.final_eval_iters if result.status == "finished" else cfg.eval_iters
        evaluate(step, n, status=result.status)
    return result


def checkpoint_info(cfg, res):
    """What a checkpoint records about the run that made it (see checkpoint.py)."""
    return {"seed": cfg.seed, "preset": cfg.preset, "step": res.step,
            "status": res.status, "train_config": cfg.to_dict()}


# ----------------------------------------------------------------------------
# command line


def main(argv=None):
    ap = argparse.ArgumentParser(description="Train the capstone character GPT.")
    ap.add_argument("--steps", type=int, default=None, help="optimiser steps (default: preset's)")
    ap.add_argument("--seed", default="1337",
                    help="any text; digits are that number (see seed_from_text)")
    ap.add_argument("--preset", default="default", choices=sorted(PRESETS))
    ap.add_argument("--out", default="capstone.safetensors", help="checkpoint file to write")
    ap.add_argument("--data", default=None, help="corpus text file (default: see corpus.py)")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"])
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: automatic)")
    ap.add_argument("--precision", default="auto", choices=PRECISIONS,
                    help="forward pass precision (auto: bfloat16 where the device has it natively)")
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--eval-every", type=int, default=None, help="steps between evaluations")
    ap.add_argument("--eval-iters", type=int, default=None, help="batches per evaluation")
    args = ap.parse_args(argv)

    from .checkpoint import save_checkpoint

    overrides = {"seed": seed_from_text(args.seed), "device": args.device,
                 "precision": args.precision}
    if args.steps is not None:
        overrides["max_iters"] = args.steps
    if args.threads is not None:
        overrides["threads"] = args.threads
    if args.batch_size is not None:
        overrides["batch_size"] = args.batch_size
    if args.eval_every is not None:
        overrides["eval_interval"] = args.eval_every
    if args.eval_iters is not None:
        overrides["eval_iters"] = overrides["final_eval_iters"] = args.eval_iters
    cfg = make_config(args.preset, **overrides)
    data = load_dataset(args.data)
    res = train(cfg, data, on_eval=lambda rec: print(json.dumps(rec), flush=True))
    save_checkpoint(res.model, res.vocab, args.out,
                    info=checkpoint_info(cfg, res))
    print(f"wrote {args.out} ({res.status}, {res.step} steps)", file=sys.stderr)
    return 0  # a diverged run is a reported outcome (see the last JSON line), not a crash


if __name__ == "__main__":
    sys.exit(main())
