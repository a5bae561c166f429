import pytest
import torch

from capstone.model import GPT, GPTConfig, apply_rope, rope_tables, rotate_pairs


def test_parameter_count_is_spec_size():
    model = GPT(GPTConfig(vocab_size=65))
    # 4 layers x 4 heads x 64 channels, context 64, no biases, rotary positions (no
    # position table), a head of its own, a gated feed-forward layer and normalised
    # queries and keys (two gains of 16 a layer): about 209k
    assert model.num_params() == 209_728
    assert model.transformer.h[0].mlp.c_fc.weight.shape == (2 * 176, 64)   # gate and value
    gelu = GPT(GPTConfig(vocab_size=65, mlp="gelu", qk_norm=False))
    assert gelu.num_params() == 205_504           # GELU's 4C hidden units: nearly the same
    assert model.lm_head.weight is not model.transformer.wte.weight
    assert "transformer.wpe.weight" not in model.state_dict()
    before = GPT(GPTConfig(vocab_size=65, bias=True, rope=False, tie_head=True, mlp="gelu",
                           qk_norm=False))
    assert before.num_params() == 208_320       # the network as it was before RoPE
    assert before.lm_head.weight is before.transformer.wte.weight


def test_rope_scores_depend_on_distance_only():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(1, 16, generator=g), torch.randn(1, 16, generator=g)
    cos, sin = rope_tables(64, 16)

    def score(t, s):
        return (apply_rope(q, cos[t:t + 1], sin[t:t + 1])
                @ apply_rope(k, cos[s:s + 1], sin[s:s + 1]).T).item()

    assert abs(score(10, 7) - score(50, 47)) < 1e-4      # same distance, same score
    assert abs(score(10, 7) - score(10, 2)) > 1e-3       # another distance, another
    assert torch.allclose(apply_rope(q, cos[:1], sin[:1]), q)   # position 0: no turn


def test_rope_turns_neighbouring_channels_as_complex_numbers():
    """Channels 2i and 2i + 1 are one pair, turned by position t times pair i's rate;
    the real-number version (used on Apple GPUs) turns them alike."""
    cos, sin = rope_tables(64, 16)
    x = torch.randn(3, 2, 64, 16, generator=torch.Generator().manual_seed(1))
    turned = apply_rope(x, cos, sin)
    assert torch.allclose(turned, rotate_pairs(x, cos, sin), atol=1e-6)
    t, i = 5, 3
    angle = torch.tensor(t * 1000.0 ** (-2 * i / 16))
    a, b = x[..., t, 2 * i], x[..., t, 2 * i + 1]
    assert torch.allclose(turned[..., t, 2 * i], a * angle.cos() - b * angle.sin(), atol=1e-6)
    assert torch.allclose(turned[..., t, 2 * i + 1], a * angle.sin() + b * angle.cos(), atol=1e-6)
    assert torch.allclose(turned.norm(dim=-1), x.norm(dim=-1), atol=1e-5)   # lengths kept


def test_queries_and_keys_are_normalised_per_head():
    """With qk_norm each head's query and key vectors have root mean square 1 times the
    learned gains (the rotation after it keeps lengths), whatever the input's scale."""
    model = GPT(GPTConfig(vocab_size=65), generator=torch.Generator().manual_seed(0))
    attn = model.transformer.h[0].attn
    x = 50 * torch.randn(2, 64, 64, generator=torch.Generator().manual_seed(1))
    q, k, v = attn.qkv(x)
    rms = lambda t: t.pow(2).mean(-1).sqrt()
    assert torch.allclose(rms(q), torch.ones(2, 4, 64), atol=1e-4)
    assert torch.allclose(rms(k), torch.ones(2, 4, 64), atol=1e-4)
    assert rms(v).mean() > 5                       # values are left as they come
    with torch.no_grad():
        attn.q_norm.weight.fill_(3.0)
    assert torch.allclose(rms(attn.qkv(x)[0]), torch.full((2, 4, 64), 3.0), atol=1e-3)
    plain = GPT(GPTConfig(vocab_size=65, qk_norm=False), generator=torch.Generator().manual_seed(0))
    assert rms(plain.transformer.h[0].attn.qkv(x)[0]).mean() > 5
    assert not hasattr(plain.transformer.h[0].attn, "q_norm")


def test_forward_shapes_and_loss():
    model = GPT(GPTConfig(vocab_size=65), generator=torch.Generator().manual_seed(0))
    idx = torch.randint(0, 65, (3, 64))
    targets = torch.randint(0, 65, (3, 64))
    logits, loss = model(idx, targets)
    assert logits.shape == (3, 64, 65)
    # untrained: close to uniform, loss near ln(65) = 4.17
    assert abs(loss.item() - torch.log(torch.tensor(65.0)).item()) < 0.2
    logits, loss = model(idx)
    assert logits.shape == (3, 1, 65) and loss is None


def test_kv_cache_matches_full_forward():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=65), generator=torch.Generator().manual_seed(1)).eval()
    idx = torch.randint(0, 65, (2, 40))
    with torch.no_grad():
        full, _ = model(idx, idx)                      # (2, 40, 65) all positions
        cache = model.new_cache()
        model(idx[:, :30], caches=cache)               # prefill 30 positions
        for t in range(30, 40):                        # then one token at a time
            step, _ = model(idx[:, t:t + 1], caches=cache, pos_offset=t)
            assert torch.allclose(step[:, -1], full[:, t], atol=1e-5)
        cache = model.new_cache()                      # prefill, then a 3-token chunk
        model(idx[:, :20], caches=cache)
        chunk, _ = model(idx[:, 20:23], idx[:, 20:23], caches=cache, pos_offset=20)
        assert torch.allclose(chunk, full[:, 20:23], atol=1e-5)


def test_same_generator_same_init():
    a = GPT(GPTConfig(), generator=torch.Generator().manual_seed(5))
    b = GPT(GPTConfig(), generator=torch.Generator().manual_seed(5))
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and torch.equal(va, vb)


def test_the_feed_forward_layer_is_gelu_or_swiglu():
    with pytest.raises(ValueError, match="feed-forward"):
        GPT(GPTConfig(vocab_size=65, mlp="relu"))
    x = torch.randn(2, 5, 64, generator=torch.Generator().manual_seed(0))
    mlp = GPT(GPTConfig(vocab_size=65), generator=torch.Generator().manual_seed(0)).transformer.h[0].mlp
    a, b = mlp.c_fc(x).chunk(2, dim=-1)   # the gated layer, written out
    assert torch.allclose(mlp(x), mlp.c_proj(torch.nn.functional.silu(a) * b))
