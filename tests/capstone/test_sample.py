import torch

from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab
from capstone.sample import filter_stages, generate, next_token_probs


def test_top_p_keeps_smallest_set_reaching_p():
    probs = torch.tensor([0.05, 0.4, 0.3, 0.15, 0.1])
    logits = probs.log()
    out = filter_stages(logits, top_p=0.7)["top_p"]
    # 0.4 + 0.3 = 0.7 reaches p exactly: those two only
    assert (out > 0).tolist() == [False, True, True, False, False]
    assert torch.allclose(out.sum(), torch.tensor(1.0))
    out = filter_stages(logits, top_p=0.71)["top_p"]  # needs the third (0.15) as well
    assert (out > 0).tolist() == [False, True, True, True, False]
    out = filter_stages(logits, top_p=0.1)["top_p"]   # the top token alone
    assert (out > 0).tolist() == [False, True, False, False, False]
    assert torch.allclose(out[1], torch.tensor(1.0))


def test_stages_temperature_and_top_k():
    logits = torch.tensor([1.0, 3.0, 2.0, 0.0])
    st = filter_stages(logits, temperature=0.5, top_k=2)
    assert set(st) == {"raw", "temperature", "top_k", "top_p"}
    assert st["temperature"][1] > st["raw"][1]            # sharper
    assert (st["top_k"] > 0).tolist() == [False, True, True, False]
    assert torch.equal(st["top_p"], st["top_k"])          # no top-p: unchanged
    hot = filter_stages(logits, temperature=2.0)["temperature"]
    assert hot.max() < st["raw"].max()                     # flatter
    greedy = next_token_probs(logits, temperature=0)
    assert greedy.tolist() == [0.0, 1.0, 0.0, 0.0]


def test_top_k_1_is_deterministic():
    vocab = Vocab(sorted(set("abcdefgh \n")))
    model = GPT(GPTConfig(vocab_size=len(vocab)), generator=torch.Generator().manual_seed(0))
    a = generate(model, vocab, "abc", 150, top_k=1, seed=1)
    b = generate(model, vocab, "abc", 150, top_k=1, seed=2)
    assert a == b and len(a) == 150
    # sampling proper depends on the seed, and is reproducible with it
    c = generate(model, vocab, "abc", 150, temperature=2.0, seed=1)
    assert c == generate(model, vocab, "abc", 150, temperature=2.0, seed=1)
    assert c != generate(model, vocab, "abc", 150, temperature=2.0, seed=2)

