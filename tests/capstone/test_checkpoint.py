import hashlib
import json
import struct

import pytest
import torch
from safetensors.torch import save as st_save

from capstone import model as model_module
from capstone.checkpoint import FORMAT, CheckpointError, load_checkpoint, save_checkpoint
from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab
from capstone.sample import generate

VOCAB = Vocab(sorted(set("abcdefghijklmnopqrstuvwxyz .,\n")))


@pytest.fixture(scope="module")
def model():
    return GPT(GPTConfig(vocab_size=len(VOCAB)), generator=torch.Generator().manual_seed(3))


@pytest.fixture(scope="module")
def blob(model):
    return save_checkpoint(model, VOCAB, info={"seed": 3, "preset": "default", "step": 0})


def test_round_trip_path_and_bytes(model, blob, tmp_path):
    path = tmp_path / "m.safetensors"
    save_checkpoint(model, VOCAB, path, info={"seed": 3, "preset": "default", "step": 0})
    assert path.stat().st_size < 1_000_000  # one small file
    for src in (path, str(path), blob):
        ck = load_checkpoint(src)
        assert ck.vocab.chars == VOCAB.chars and ck.config == model.config
        assert ck.info == {"seed": 3, "preset": "default", "step": 0}
        for k, v in model.state_dict().items():
            assert torch.equal(ck.model.state_dict()[k], v), k
        assert ck.model.lm_head.weight is not ck.model.transformer.wte.weight  # untied
        assert generate(ck.model, ck.vocab, "ab", 20, top_k=1) == \
            generate(model, VOCAB, "ab", 20, top_k=1)


@pytest.mark.parametrize("junk", [b"", b"hello", b"\x00" * 100, b"PK\x03\x04" + b"x" * 200,
                                  b"\x10\x00\x00\x00\x00\x00\x00\x00{not json........"])
def test_junk_is_refused(junk):
    with pytest.raises(CheckpointError):
        load_checkpoint(junk)


def test_corrupt_bytes_are_refused(blob):
    truncated = blob[: len(blob) // 2]
    with pytest.raises(CheckpointError):
        load_checkpoint(truncated)
    flipped = bytearray(blob)
    flipped[9:40] = b"#" * 31  # scribble over the JSON header
    with pytest.raises(CheckpointError):
        load_checkpoint(bytes(flipped))


def _metadata(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n])["__metadata__"]


def _metadata_with(blob, **changes):
    """The blob's metadata with some of its items (config, vocab, info) replaced."""
    content = json.loads(_metadata(blob)[FORMAT])
    return {FORMAT: json.dumps(dict(content, **changes))}


def test_metadata_is_one_canonical_entry(model, blob):
    meta = _metadata(blob)
    assert list(meta) == [FORMAT]
    content = json.loads(meta[FORMAT])
    assert meta[FORMAT] == json.dumps(content, sort_keys=True, separators=(",", ":"))
    assert content["config"] == model.config.to_dict() and content["vocab"] == VOCAB.chars
    # the same model and info saved again, in another order of the info keys: same bytes
    again = save_checkpoint(model, VOCAB, info={"step": 0, "preset": "default", "seed": 3})
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(blob).hexdigest()


def test_version_1_checkpoints_still_load():
    """Files written before RoPE: learned positions, biases, a tied head, and the config,
    vocabulary and info as separate metadata entries."""
    legacy = GPT(GPTConfig(vocab_size=len(VOCAB), bias=True, rope=False, tie_head=True, mlp="gelu",
                           qk_norm=False), generator=torch.Generator().manual_seed(5))
    cfg = {k: v for k, v in legacy.config.to_dict().items()
           if k not in ("rope", "tie_head", "mlp", "rope_base", "qk_norm")}
    tensors = {k: v for k, v in legacy.state_dict().items() if k != "lm_head.weight"}
    meta = {"format": FORMAT, "format_version": "1", "config": json.dumps(cfg),
            "vocab": json.dumps(VOCAB.chars), "info": json.dumps({"seed": 5})}
    ck = load_checkpoint(st_save(tensors, metadata=meta))
    assert ck.config.rope is False and ck.config.tie_head is True and ck.info == {"seed": 5}
    assert ck.config.mlp == "gelu"
    assert "transformer.wpe.weight" in ck.model.state_dict()
    assert generate(ck.model, ck.vocab, "ab", 20, top_k=1) == \
        generate(legacy, VOCAB, "ab", 20, top_k=1)


def _rope_by_halves(x, cos, sin):
    """The rotation version-2 files were trained with: channel i turns with i + hs/2."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


@pytest.mark.parametrize("settings", [{}, {"bias": True, "qk_norm": False}])
def test_version_2_files_give_the_network_they_were_trained_as(blob, monkeypatch, settings):
    """A version-2 file's rotary pairs were channels (i, i + hs/2); loaded today, where
    pairs are neighbours, its weights are reordered so the network computes what it
    computed when it was saved."""
    old = GPT(GPTConfig(vocab_size=len(VOCAB), **settings), generator=torch.Generator().manual_seed(8))
    idx = torch.randint(len(VOCAB), (2, 40), generator=torch.Generator().manual_seed(9))
    with monkeypatch.context() as m:
        m.setattr(model_module, "apply_rope", _rope_by_halves)
        then, _ = old(idx, idx)
    meta = _metadata_with(blob, format_version="2", config=old.config.to_dict())
    ck = load_checkpoint(st_save(dict(old.state_dict()), metadata=meta))
    now, _ = ck.model(idx, idx)
    assert torch.allclose(now, then, atol=1e-5)
    assert not torch.allclose(old(idx, idx)[0], then, atol=1e-3)   # unreordered: another network
    again = load_checkpoint(save_checkpoint(ck.model, VOCAB))          # saved again: version 3
    assert _metadata(save_checkpoint(ck.model, VOCAB))[FORMAT].count('"format_version":"3"') == 1
    assert torch.allclose(again.model(idx, idx)[0], then, atol=1e-5)


def test_files_from_before_the_gated_layer_load_as_gelu_with_base_10000(blob, monkeypatch):
    """Version 2 files written before the config named its feed-forward layer, its
    rotary base and its query-key norm had GELU, turned their rotary pairs at base
    10,000 and scored queries and keys as they came."""
    old = GPT(GPTConfig(vocab_size=len(VOCAB), mlp="gelu", rope_base=10000.0, qk_norm=False),
              generator=torch.Generator().manual_seed(6))
    cfg = {k: v for k, v in old.config.to_dict().items() if k not in ("mlp", "rope_base", "qk_norm")}
    meta = _metadata_with(blob, format_version="2", config=cfg)
    ck = load_checkpoint(st_save(dict(old.state_dict()), metadata=meta))
    assert ck.config.mlp == "gelu" and ck.config.rope_base == 10000.0 and ck.config.qk_norm is False
    assert torch.equal(ck.model.transformer.h[0].attn.rope_cos, old.transformer.h[0].attn.rope_cos)
    with monkeypatch.context() as m:
        m.setattr(model_module, "apply_rope", _rope_by_halves)
        then = generate(old, VOCAB, "ab", 20, top_k=1)
    assert generate(ck.model, ck.vocab, "ab", 20, top_k=1) == then
    bad = _metadata_with(blob, config=dict(cfg, mlp="tanh"))
    with pytest.raises(CheckpointError, match="feed-forward"):
        load_checkpoint(st_save(dict(old.state_dict()), metadata=bad))
    with pytest.raises(CheckpointError, match="qk_norm"):
        load_checkpoint(st_save(dict(old.state_dict()), metadata=_metadata_with(blob, config=dict(cfg, qk_norm="yes"))))
    for base in (0.5, "1000", True):
        bad = _metadata_with(blob, config=dict(cfg, rope_base=base))
        with pytest.raises(CheckpointError, match="rope_base"):
            load_checkpoint(st_save(dict(old.state_dict()), metadata=bad))


def test_tied_head_is_stored_once():
    tied = GPT(GPTConfig(vocab_size=len(VOCAB), tie_head=True),
               generator=torch.Generator().manual_seed(2))
    blob = save_checkpoint(tied, VOCAB)
    (n,) = struct.unpack("<Q", blob[:8])
    assert "lm_head.weight" not in json.loads(blob[8:8 + n])
    ck = load_checkpoint(blob)
    assert ck.model.lm_head.weight is ck.model.transformer.wte.weight
    assert torch.equal(ck.model.lm_head.weight, tied.lm_head.weight)


def test_wrong_shapes_are_refused(blob):
    # weights of a 32-channel model under metadata that claims 64 channels
    small = GPT(GPTConfig(vocab_size=len(VOCAB), n_embd=32))
    bad = st_save(dict(small.state_dict()), metadata=_metadata(blob))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(bad)


def test_missing_tensor_and_bad_metadata_are_refused(model, blob):
    tensors = dict(model.state_dict())
    meta = _metadata(blob)
    partial = dict(tensors)
    del partial["transformer.h.0.mlp.c_fc.weight"]
    with pytest.raises(CheckpointError, match="missing"):
        load_checkpoint(st_save(partial, metadata=meta))
    with pytest.raises(CheckpointError, match="format"):
        load_checkpoint(st_save(tensors))  # a safetensors file, but not ours
    wrong_vocab = _metadata_with(blob, vocab=VOCAB.chars[:-1])
    with pytest.raises(CheckpointError, match="vocab"):
        load_checkpoint(st_save(tensors, metadata=wrong_vocab))
    with pytest.raises(CheckpointError, match="version"):
        load_checkpoint(st_save(tensors, metadata=_metadata_with(blob, format_version="9")))
    with pytest.raises(CheckpointError):
        load_checkpoint(st_save(tensors, metadata={FORMAT: "{broken"}))
    odd = dict(model.config.to_dict(), n_embd=60, n_head=4)   # head size 15: no pairs
    with pytest.raises(CheckpointError, match="even"):
        load_checkpoint(st_save(tensors, metadata=_metadata_with(blob, config=odd)))
    with pytest.raises(CheckpointError):
        load_checkpoint(st_save(tensors, metadata=_metadata_with(blob, config={"n_layer": "4"})))
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint("no/such/file.safetensors")
