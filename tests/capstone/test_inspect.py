"""capstone.inspect: the softmax behind the next character, and the attention weights,
checked against the model's own forward pass."""
import math

import pytest
import torch

from capstone.inspect import attention_map, softmax_rows
from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab

VOCAB = Vocab(sorted(set("abcdefghij ROMEO:\n")))
PROMPT = "ROMEO:\nabc dea fig\nhij "


@pytest.fixture(scope="module")
def model():
    """A random model whose query/key weights are scaled up, so that attention is sharp
    (at 0.02 initial spread every row would be almost uniform and prove little)."""
    torch.manual_seed(0)
    m = GPT(GPTConfig(vocab_size=len(VOCAB), n_layer=2, n_head=4, n_embd=32, block_size=16),
            generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        for block in m.transformer.h:
            block.attn.c_attn.weight.mul_(25.0)
            if block.attn.c_attn.bias is not None:
                block.attn.c_attn.bias.normal_(0.0, 0.5)
        m.lm_head.weight.mul_(8.0)
    return m.eval()


def _ids(model, prompt):
    return torch.tensor([VOCAB.encode(prompt)[-model.config.block_size:]])


@pytest.mark.parametrize("temperature", [0.3, 1.0, 1.7])
def test_probabilities_are_softmax_of_logits_over_temperature(model, temperature):
    rows = softmax_rows(model, VOCAB, PROMPT, temperature)
    assert len(rows) == len(VOCAB) and {r["char"] for r in rows} == set(VOCAB.chars)
    # the logits are the model's own scores for the next character
    with torch.no_grad():
        logits, _ = model(_ids(model, PROMPT))
    by_char = {r["char"]: r for r in rows}
    for i, ch in enumerate(VOCAB.chars):
        assert by_char[ch]["logit"] == pytest.approx(float(logits[0, -1, i]), abs=1e-5)
    # softmax written out by hand: e^(z/T) / sum e^(z/T)
    exps = [math.exp(r["logit"] / temperature) for r in rows]
    for r, e in zip(rows, exps):
        assert r["scaled"] == pytest.approx(r["logit"] / temperature)
        assert r["prob"] == pytest.approx(e / sum(exps), rel=1e-9, abs=1e-12)
    assert sum(r["prob"] for r in rows) == pytest.approx(1.0, abs=1e-12)
    assert [r["logit"] for r in rows] == sorted((r["logit"] for r in rows), reverse=True)
    assert max(r["prob"] for r in rows) < 1.0


def test_temperature_sharpens_and_zero_is_greedy(model):
    cold = softmax_rows(model, VOCAB, PROMPT, 0.5, top=3)
    hot = softmax_rows(model, VOCAB, PROMPT, 2.0, top=3)
    assert len(cold) == 3 and cold[0]["char"] == hot[0]["char"]
    assert cold[0]["prob"] > hot[0]["prob"]
    greedy = softmax_rows(model, VOCAB, PROMPT, 0.0)
    assert greedy[0]["prob"] == 1.0 and all(r["prob"] == 0.0 for r in greedy[1:])
    assert all(r["scaled"] is None for r in greedy)


def test_attention_rows_sum_to_one_and_are_causal(model):
    chars, w = attention_map(model, VOCAB, PROMPT, layer=1, head=2)
    T = model.config.block_size
    assert chars == PROMPT[-T:] and len(w) == T and all(len(row) == T for row in w)
    for t, row in enumerate(w):
        assert sum(row) == pytest.approx(1.0, abs=1e-6)   # float32 weights
        assert all(x == 0.0 for x in row[t + 1:])          # nothing from the future
        assert all(x >= 0.0 for x in row)
    assert max(max(row) for row in w[1:]) > 0.5           # sharp: the test is not about uniform rows
    with pytest.raises(ValueError, match="2 layers of 4 heads"):
        attention_map(model, VOCAB, PROMPT, layer=2, head=0)


def test_weights_times_values_reproduce_the_attention_layer(model):
    """Capture every attention layer's input and output during an ordinary forward pass,
    then rebuild the output from attention_weights: weights @ V, heads side by side,
    then the output projection. If attention_weights ever drifts from forward(), this breaks."""
    idx = _ids(model, PROMPT)
    seen = []
    hooks = [b.attn.register_forward_hook(lambda mod, args, out: seen.append((args[0], out)))
             for b in model.transformer.h]
    try:
        with torch.no_grad():
            model(idx, targets=idx)        # with targets: every position, as in training
    finally:
        for h in hooks:
            h.remove()
    weights = model.attention_weights(idx)  # (n_layer, B, nh, T, T)
    B, T = idx.shape
    assert weights.shape == (model.config.n_layer, B, model.config.n_head, T, T)
    for layer, (block, (x_in, out)) in enumerate(zip(model.transformer.h, seen)):
        attn = block.attn
        nh, C = attn.n_head, attn.n_embd
        v = attn.c_attn(x_in).split(C, dim=2)[2].view(B, T, nh, C // nh).transpose(1, 2)  # (B, nh, T, hs)
        y = (weights[layer] @ v).transpose(1, 2).reshape(B, T, C)                          # (B, T, C)
        assert torch.allclose(attn.c_proj(y), out, atol=1e-5), f"layer {layer}"
