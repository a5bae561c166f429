"""Sampling: turn the model's next-character scores into text.

    logits (V,) --/temperature--> softmax --top-k--> --top-p--> probabilities -> draw one

filter_stages() exposes every intermediate distribution (for a bar chart of which
characters survive each filter); generate() uses the same filters with a key/value
cache so each new character costs one position's worth of compute.

Command line:
    python -m capstone.sample --ckpt model.safetensors --prompt "ROMEO:" --n 300
"""

import argparse
import sys

import torch
from torch.nn import functional as F


def filter_stages(logits, temperature=1.0, top_k=None, top_p=None):
    """Pure function. logits: (V,) scores for the next character.
    Returns a dict of (V,) probability tensors, each summing to 1:
      "raw":         softmax(logits)
      "temperature": softmax(logits / temperature)  (temperature 0: all mass on the argmax)
      "top_k":       only the k most likely kept, renormalised (k None/0: unchanged)
      "top_p":       the smallest most-likely-first set whose probability reaches p,
                     renormalised (p None or >= 1: unchanged)
    The last one ("top_p") is what gets sampled from."""
    logits = logits.detach().float().reshape(-1)  # (V,)
    V = logits.numel()
    stages = {"raw": F.softmax(logits, dim=-1)}

    if temperature is None or temperature == 1.0:
        probs = stages["raw"]
    elif temperature <= 0:
        probs = torch.zeros(V)
        probs[int(torch.argmax(logits))] = 1.0  # greedy
    else:
        probs = F.softmax(logits / temperature, dim=-1)
    stages["temperature"] = probs

    if top_k is not None and 0 < top_k < V:
        # keep exactly the k most likely (a tie at the boundary is broken by index)
        keep = torch.zeros(V, dtype=torch.bool)
        keep[torch.sort(probs, descending=True, stable=True).indices[:top_k]] = True
        probs = torch.where(keep, probs, torch.zeros_like(probs))
        probs = probs / probs.sum()
    stages["top_k"] = probs

    if top_p is not None and 0 < top_p < 1:
        sorted_p, order = torch.sort(probs, descending=True, stable=True)  # (V,)
        before = torch.cumsum(sorted_p, dim=0) - sorted_p  # mass strictly above each token
        keep_sorted = before < top_p                        # include tokens until p is reached
        keep = torch.zeros(V, dtype=torch.bool)
        keep[order[keep_sorted]] = True
        probs = torch.where(keep, probs, torch.zeros_like(probs))
        probs = probs / probs.sum()
    stages["top_p"] = probs
    return stages


def next_token_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """The final (V,) distribution that sampling draws from."""
    return filter_stages(logits, temperature, top_k, top_p)["top_p"]


@torch.no_grad()
def prompt_logits(model, vocab, prompt):
    """(V,) next-character logits after `prompt` (last block_size characters used)."""
    device = next(model.parameters()).device
    ids = vocab.encode(prompt or "\n")[-model.config.block_size:]
    was_training = model.training
    model.eval()
    logits, _ = model(torch.tensor([ids], dtype=torch.long, device=device))  # (1, 1, V)
    model.train(was_training)
    return logits[0, -1].cpu()


@torch.no_grad()
def generate(model, vocab, prompt, n, temperature=1.0, top_k=None, top_p=None,
             generator=None, seed=None):
    """Continue `prompt` with n new characters; returns only the new text.
    Deterministic given a seed (or generator); top_k=1 or temperature=0 is greedy.

    Key/value cache: each step feeds just the newest character and reuses the stored
    keys/values of earlier ones. Positions are absolute (0..block_size-1), so when the
    cache is full we restart it from the last block_size // 2 characters (one forward
    pass over them) and carry on; the model always sees at least half a block."""
    if generator is None:
        generator = torch.Generator().manual_seed(0 if seed is None else seed)
    if not prompt:
        prompt = "\n" if "\n" in vocab.stoi else vocab.chars[0]
    ids = vocab.encode(prompt)
    device = next(model.parameters()).device
    block = model.config.block_size
    was_training = model.training
    model.eval()

    out = []
    context = ids[-block:]
    cache = model.new_cache()
    logits, _ = model(torch.tensor([context], device=device), caches=cache)  # prefill
    pos = len(context)  # number of positions now in the cache
    for _ in range(n):
        probs = next_token_probs(logits[0, -1].cpu(), temperature, top_k, top_p)
        nxt = int(torch.multinomial(probs, 1, generator=generator))
        out.append(nxt)
        context.append(nxt)
        if pos >= block:
            # cache full: keep the last half block and rebuild the cache from it
            context = context[-(block // 2):]
            cache = model.new_cache()
            logits, _ = model(torch.tensor([context], device=device), caches=cache)
            pos = len(context)
        else:
            logits, _ = model(torch.tensor([[nxt]], device=device), caches=cache,
                              pos_offset=pos)
            pos += 1
    model.train(was_training)
    return vocab.decode(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate text from a capstone checkpoint.")
    ap.add_argument("--ckpt", required=True, help="safetensors checkpoint file")
    ap.add_argument("--prompt", default="\n")
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--top-k", type=int, default=None)
    ap.add_argument("--top-p", type=float, default=None)
    ap.add_argument("--n", type=int, default=300, help="characters to generate")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    from .checkpoint import CheckpointError, load_checkpoint
    try:
        ckpt = load_checkpoint(args.ckpt)
    except CheckpointError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    missing = ckpt.vocab.unknown(args.prompt)
    if missing:
        print(f"error: prompt uses characters the model never saw: {missing!r}", file=sys.stderr)
        return 2
    text = generate(ckpt.model, ckpt.vocab, args.prompt, args.n, args.temperature,
                    args.top_k, args.top_p, seed=args.seed)
    print(args.prompt + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
