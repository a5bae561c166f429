"""Look inside a trained model: the numbers behind one next-character guess.

    softmax_rows(model, vocab, prompt, T)    logits z, z / T and softmax(z / T), most likely first
    attention_map(model, vocab, prompt, l, h) which earlier characters each character attends to

Both read the model the way generation does (eval mode, the prompt's last block_size
characters), and return plain Python numbers for a page to draw.
"""

import torch
from torch.nn import functional as F

from .sample import prompt_logits


def _context(model, vocab, prompt):
    """The ids the model sees for a prompt: its last block_size characters (an empty
    prompt reads as a newline, as in generation)."""
    text = prompt or "\n"
    ids = vocab.encode(text)[-model.config.block_size:]
    return ids, text[-len(ids):]


def softmax_rows(model, vocab, prompt, temperature=1.0, top=None):
    """One dict per character, most likely first (top: only that many):
    char, logit z, scaled z / T and prob = softmax(z / T) over the whole vocabulary.
    Temperature 0 means greedy: scaled is None and the argmax gets probability 1."""
    logits = prompt_logits(model, vocab, prompt).double()  # (V,)
    if temperature > 0:
        scaled = logits / temperature
        probs = F.softmax(scaled, dim=-1)
    else:
        scaled = None
        probs = torch.zeros_like(logits)
        probs[int(torch.argmax(logits))] = 1.0
    order = torch.argsort(logits, descending=True, stable=True).tolist()
    rows = [{"char": vocab.chars[i], "logit": float(logits[i]),
             "scaled": None if scaled is None else float(scaled[i]), "prob": float(probs[i])}
            for i in order]
    return rows[:top] if top else rows


def attention_map(model, vocab, prompt, layer, head):
    """(chars, weights) for one layer and head: chars is the context the model sees
    (a string of T characters), weights a T x T list of lists where weights[t][s] is how
    much character t takes from character s (rows sum to 1; zero for s > t)."""
    if not 0 <= layer < model.config.n_layer or not 0 <= head < model.config.n_head:
        raise ValueError(f"layer {layer}, head {head}: the model has {model.config.n_layer} "
                         f"layers of {model.config.n_head} heads")
    ids, chars = _context(model, vocab, prompt)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        w = model.attention_weights(torch.tensor([ids], dtype=torch.long, device=device))
    finally:
        model.train(was_training)
    return chars, w[layer, 0, head].double().cpu().tolist()  # (T, T)
