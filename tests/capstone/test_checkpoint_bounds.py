"""Hostile checkpoints: a file's config is bounded before anything is built, its header is
checked against the config and the file's size before a byte of tensor data is read, and
every problem is a CheckpointError with a sentence, never another exception."""
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.torch import save as st_save

from capstone.checkpoint import (FORMAT, MAX_BLOCK, MAX_FLOATS, MAX_LAYERS, Checkpoint,
                                 CheckpointError, config_floats, load_checkpoint,
                                 save_checkpoint)
from capstone.corpus import MAX_VOCAB
from capstone.model import GPT, GPTConfig
from capstone.prepare import Vocab
from capstone.sample import generate

REPO_ROOT = Path(__file__).resolve().parents[2]
VOCAB = Vocab(sorted(set("abcdefghijklmnopqrstuvwxyz .,:\n")))


def _file(header, data=b""):
    """A safetensors file written byte by byte: length, JSON header, tensor bytes."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def _meta(config=None, vocab=VOCAB.chars, **content):
    """Our metadata entry, with the default model's config changed by `config`."""
    cfg = dict(GPTConfig(vocab_size=len(vocab)).to_dict(), **(config or {}))
    return {FORMAT: json.dumps({"format_version": "3", "config": cfg, "vocab": vocab,
                                "info": {}, **content})}


def _weights(config):
    """Zero weights of the config's shapes, as a checkpoint stores them (its shapes do
    not depend on block_size when positions are rotary)."""
    with torch.device("meta"):
        shapes = {k: v.shape for k, v in GPT(config).state_dict().items()}
    return {k: torch.zeros(s) for k, s in shapes.items()}


@pytest.fixture(scope="module")
def blob():
    model = GPT(GPTConfig(vocab_size=len(VOCAB)), generator=torch.Generator().manual_seed(4))
    return save_checkpoint(model, VOCAB)


CHILD = """
import json, resource, sys, time
from capstone.checkpoint import CheckpointError, load_checkpoint
load_checkpoint(sys.argv[1])                     # torch's first-use costs, on a good file
out = []
for path in sys.argv[2:]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        load_checkpoint(path)
        result = "loaded"
    except CheckpointError as e:
        result = str(e)
    out.append({"result": result, "seconds": time.perf_counter() - start,
                "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024})
print(json.dumps(out))
"""


def _load_elsewhere(tmp_path, good, files):
    """Load each file in a fresh process, killed if it takes over a minute (as files like
    these did before they were bounded): the refusal, its time and how much the
    process's peak memory grew."""
    paths = []
    for i, data in enumerate([good, *files]):
        paths.append(tmp_path / f"{i}.safetensors")
        paths[-1].write_bytes(data)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    out = subprocess.run([sys.executable, "-c", CHILD, *map(str, paths)], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_huge_configs_are_refused_before_anything_is_built(blob, tmp_path):
    """Files that once held a server: a 711-byte header asking for 100,000 layers (minutes
    of work and gigabytes, a meta model built layer by layer), 50 layers of real weights
    whose rotary tables at a context of 100,000, not in the file, would be built for
    every layer, and each size field past its bound."""
    header_only = _file({"__metadata__": _meta({"n_layer": 100_000})})
    assert len(header_only) < 800
    wide = GPTConfig(vocab_size=len(VOCAB), n_layer=50, n_embd=32, block_size=100_000)
    rotary = st_save(_weights(GPTConfig(**dict(wide.to_dict(), block_size=64))),
                     metadata=_meta(wide.to_dict()))
    assert len(rotary) < 3_000_000
    cases = [
        (header_only, "n_layer 100000 is more than this app loads (at most 12)"),
        (rotary, "n_layer 50 is more than this app loads (at most 12)"),
        (_file({"__metadata__": _meta({"block_size": 100_000})}),
         f"block_size 100000 is more than this app loads (at most {MAX_BLOCK})"),
        (_file({"__metadata__": _meta({"n_embd": 4096, "n_head": 4})}),
         "n_embd 4096 is more than this app loads (at most 512)"),
        (_file({"__metadata__": _meta({"n_head": 64})}),
         "n_head 64 is more than this app loads (at most 16)"),
        (_file({"__metadata__": _meta({"vocab_size": 50_000})}),
         f"vocab_size 50000 is more than this app loads (at most {MAX_VOCAB})"),
        # every size within its bound, together too many: 12 layers of 512 channels
        (_file({"__metadata__": _meta({"n_layer": 12, "n_embd": 512, "n_head": 8})}),
         f"more than this app loads (at most {MAX_FLOATS:,})"),
    ]
    results = _load_elsewhere(tmp_path, blob, [data for data, _ in cases])
    for (_, message), got in zip(cases, results):
        assert message in got["result"], got
        assert got["seconds"] < 1.0, got
        assert got["grew_mb"] < 32, got          # nothing the size of a model was made


@pytest.mark.parametrize("data, message", [
    # json.loads recursed until it ran out of stack (RecursionError)
    (_file(b'{"a":' * 5000 + b"1" + b"}" * 5000), "nests deeper"),
    (_file(b"[" * 100_000 + b"]" * 100_000), "more than a checkpoint's"),
    (_file({"__metadata__": {FORMAT: "[" * 5000 + "]" * 5000}}), "nests deeper"),
    # metadata that is a number, or a tensor shape that is one (TypeError)
    (_file({"__metadata__": {FORMAT: 5}}), "metadata must map names to text"),
    (_file({"__metadata__": 5}), "metadata must map names to text"),
    # a number too long to read (ValueError)
    (_file(b'{"a":' + b"9" * 5000 + b"}"), "not valid JSON"),
    # dropout 5 (ValueError when the model was built)
    (_file({"__metadata__": _meta({"dropout": 5})}), "dropout 5 is not a probability"),
    (_file({"__metadata__": _meta({"dropout": True})}), "dropout a number"),
    # block_size 1 loaded, then failed an assertion on the first character generated
    (_file({"__metadata__": _meta({"block_size": 1})}), "block_size 1 is less than 2"),
    (_file({"__metadata__": _meta({"n_layer": 4.0})}), "n_layer should be a whole number"),
    (_file({"__metadata__": _meta({"x" * 5000: 1})}), "settings this model does not know: 'xxx"),
    # the most quotes a header may hold, every one of them read
    (_file(b"[" + b'"",' * 33_000 + b'""]'), "header is not a JSON object"),
    # half a UTF-16 pair is no character of any text, and no page can show it
    (_file({"__metadata__": _meta(vocab=VOCAB.chars[:-1] + ["\ud800"])}), "lone surrogate"),
])
def test_malformed_headers_are_refused_with_a_sentence(data, message):
    start = time.perf_counter()
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(data)
    assert time.perf_counter() - start < 1.0


def _header_and_data(blob):
    (n,) = struct.unpack("<Q", blob[:8])
    return json.loads(blob[8:8 + n]), blob[8 + n:]


@pytest.mark.parametrize("change, message", [
    ({"shape": 5}, "no proper shape"),
    ({"shape": [64, "65"]}, "no proper shape"),
    ({"shape": [64, 64]}, "has shape"),
    ({"dtype": "F64"}, "should be float32"),
    ({"dtype": ["F32"]}, "should be float32"),
    ({"data_offsets": [0]}, "no proper data offsets"),
    ({"data_offsets": [0, 10**12]}, "declares"),
])
def test_tensor_entries_are_checked_against_the_config_before_reading(blob, change, message):
    header, data = _header_and_data(blob)
    name = "transformer.wte.weight"
    header[name] = dict(header[name], **change)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(_file(header, data))


def test_the_file_size_must_be_what_the_header_says(blob):
    header, data = _header_and_data(blob)
    with pytest.raises(CheckpointError, match="the header declares .* bytes of tensor data but "
                                              "the file holds"):
        load_checkpoint(_file(header, data + bytes(4096)))
    with pytest.raises(CheckpointError, match="cut short"):
        load_checkpoint(_file(header, data[:-4]))
    # two tensors declared over the same bytes
    first, second = "transformer.h.0.ln_1.weight", "transformer.h.0.ln_2.weight"
    header[second] = dict(header[second], data_offsets=header[first]["data_offsets"])
    with pytest.raises(CheckpointError, match="overlap or leave gaps"):
        load_checkpoint(_file(header, data))


@pytest.fixture
def one_thread():
    """As the page runs the model (set_threads(1))."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_a_model_at_the_bounds_loads_and_talks_quickly(one_thread):
    """About the largest model the bounds let in: 12 layers of 128 channels, a context of
    1024 and a 1000-character vocabulary outside ASCII (the most its header escapes),
    the head tied to the token embedding."""
    vocab = Vocab([chr(0x4E00 + i) for i in range(MAX_VOCAB - 1)] + ["\n"])
    config = GPTConfig(n_layer=MAX_LAYERS, n_embd=128, n_head=4, block_size=MAX_BLOCK,
                       vocab_size=len(vocab), tie_head=True)
    assert 0.95 * MAX_FLOATS < config_floats(config) <= MAX_FLOATS
    blob = save_checkpoint(GPT(config, generator=torch.Generator().manual_seed(1)), vocab)
    start = time.perf_counter()
    ck = load_checkpoint(blob)
    assert time.perf_counter() - start < 5.0      # 0.1 to 0.4 s measured; slack for a busy machine
    assert ck.config == config
    start = time.perf_counter()
    assert len(generate(ck.model, ck.vocab, "\n", 300, seed=1)) == 300
    assert time.perf_counter() - start < 20.0     # 2.4 s measured on a busy 2-core machine
    with pytest.raises(CheckpointError, match="more than this app loads"):
        load_checkpoint(save_checkpoint(GPT(GPTConfig(n_layer=12, n_embd=160, n_head=4,
                                                      block_size=1024, vocab_size=65)),
                                        Vocab([chr(32 + i) for i in range(65)])))


@settings(max_examples=25, deadline=None)
@given(n_layer=st.integers(1, 3), n_head=st.sampled_from([1, 2, 4]), hs=st.sampled_from([2, 4, 6]),
       block_size=st.integers(2, 40), vocab_size=st.integers(1, 30), bias=st.booleans(),
       rope=st.booleans(), tie_head=st.booleans(), mlp=st.sampled_from(["gelu", "swiglu"]),
       qk_norm=st.booleans())
def test_the_count_of_floats_is_what_the_model_holds(n_layer, n_head, hs, block_size, vocab_size,
                                                     bias, rope, tie_head, mlp, qk_norm):
    """config_floats counts from the config what a built model holds: its parameters,
    its buffers, and the causal mask of a full block."""
    config = GPTConfig(n_layer=n_layer, n_head=n_head, n_embd=n_head * hs, block_size=block_size,
                       vocab_size=vocab_size, bias=bias, rope=rope, tie_head=tie_head, mlp=mlp,
                       qk_norm=qk_norm)
    model = GPT(config)
    held = model.num_params() + sum(b.numel() for b in model.buffers()) + block_size ** 2
    assert config_floats(config) == held


# ---------------------------------------------------------------------------------------
# whatever a file holds: a checkpoint, or a CheckpointError with a sentence, in bounded time

JSON = st.recursive(
    # no subnormal floats: importing the trainer flushes them to zero in this process
    st.none() | st.booleans() | st.integers() | st.floats(allow_subnormal=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30)
CONFIG_FIELDS = list(GPTConfig.__dataclass_fields__)


@st.composite
def hostile_files(draw, good):
    """Bytes from anywhere between noise and a real checkpoint with one thing changed."""
    header, data = _header_and_data(good)
    kind = draw(st.sampled_from(["bytes", "header", "metadata", "config", "tensor", "cut"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "header":
        return _file(json.dumps(draw(JSON)).encode(), draw(st.binary(max_size=50)))
    meta = header["__metadata__"]
    content = json.loads(meta[FORMAT])
    if kind == "metadata":
        where = draw(st.sampled_from(["entry", "content", "item"]))
        if where == "entry":
            header["__metadata__"] = draw(st.dictionaries(st.text(max_size=25), JSON, max_size=3)
                                          | st.just({FORMAT: draw(JSON)}) | JSON)
        elif where == "content":
            meta[FORMAT] = json.dumps(draw(JSON))
        else:
            content[draw(st.sampled_from(["format_version", "config", "vocab", "info"]))] = draw(JSON)
            meta[FORMAT] = json.dumps(content)
    elif kind == "config":
        fields = draw(st.lists(st.sampled_from(CONFIG_FIELDS + ["extra"]), min_size=1, max_size=3))
        for name in fields:
            content["config"][name] = draw(JSON | st.integers(-10, 10**6))
        meta[FORMAT] = json.dumps(content)
    elif kind == "tensor":
        name = draw(st.sampled_from(sorted(k for k in header if k != "__metadata__")))
        entry = header[name]
        entry[draw(st.sampled_from(["dtype", "shape", "data_offsets", "other"]))] = draw(JSON)
        header[draw(st.sampled_from([name, "x"]))] = draw(st.just(entry) | JSON)
    else:
        return good[:draw(st.integers(0, len(good)))]
    return _file(header, data)


GOOD = save_checkpoint(GPT(GPTConfig(n_layer=1, n_embd=16, n_head=2, block_size=16,
                                     vocab_size=len(VOCAB)),
                           generator=torch.Generator().manual_seed(2)), VOCAB)


@settings(max_examples=300, deadline=2000,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=hostile_files(GOOD))
def test_any_file_loads_or_is_refused_with_a_sentence(data):
    start = time.perf_counter()
    try:
        result = load_checkpoint(data)
    except CheckpointError as e:
        assert str(e) and len(str(e)) < 400, str(e)
    else:
        assert isinstance(result, Checkpoint)
    assert time.perf_counter() - start < 1.0
