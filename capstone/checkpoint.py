"""Save and load a trained model as ONE safetensors file.

The file holds the weights plus, in its text metadata, ONE entry: canonical JSON (keys
sorted, no spaces) holding the format version, the model config, the vocabulary and
some training info (seed, preset, step). One entry, because safetensors writes the
entries of its metadata map in no fixed order: with several, two saves of the same
model could differ byte for byte. Files of version 1 (one entry per item) still load,
and so do those of version 2, whose rotary pairs were channels i and i + hs/2 (see
pairs_from_halves). safetensors is
plain data (a JSON header + raw tensor bytes): loading it never runs code, unlike
pickle-based formats, which we never use.

Everything is validated before use; any problem raises CheckpointError with a
message fit to show a learner.
"""

import json
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from .corpus import MAX_VOCAB
from .model import FEED_FORWARD, GPT, GPTConfig
from .prepare import Vocab

FORMAT = "formula-lab-capstone"
FORMAT_VERSION = "3"              # "1": config, vocab, info as separate metadata entries;
                                  # "2": one entry, rotary pairs (i, i + hs/2)
# What this app loads. An uploaded file's config is read before anything is built, and a
# model is only built when every size in it, and the floats it would hold, fit these.
# The default model (presets.py) has 4 layers, 64 channels, a 64-character context and
# about 209k parameters (218k floats with its rotary tables and mask); the bounds leave
# room for ten to twenty times that. Measured on a busy 2-core machine at one thread (as
# the page runs it): a model at the bounds (12 layers of 128 channels, context 1024,
# 3.87 M floats, a 9.3 MB file) loads in 0.08 s and writes 300 characters in 2.4 s (the
# default model: 0.01 s and 1.5 s); one layer of 480 channels, 0.05 s and 0.5 s.
MAX_LAYERS = 12
MAX_EMBD = 512
MAX_HEADS = 16
MAX_BLOCK = 1024                  # longest context
MIN_BLOCK = 2                     # generation keeps half a block when its cache is full
MAX_FLOATS = 4_000_000            # parameters and buffers (rotary tables, causal mask): 16 MB
MAX_HEADER_BYTES = 1024 * 1024
MAX_BYTES = 4 * MAX_FLOATS + MAX_HEADER_BYTES   # the weights in float32, and the header
MAX_JSON_MARKS = 100_000          # quotes, backslashes and brackets in one JSON text (a
                                  # checkpoint's header has under 30,000)
MAX_JSON_DEPTH = 8                # a checkpoint's header nests 3 deep, its metadata 4
TIED = "lm_head.weight"           # with a tied head, transformer.wte.weight: stored once
# settings added after files were first written, as those files had them: GELU, rotary
# pairs turned at base 10,000, queries and keys as they come (filled in where a file's
# config does not name them)
UNNAMED_BEFORE = {"mlp": "gelu", "rope_base": 10000.0, "qk_norm": False}


class CheckpointError(ValueError):
    """The file is not a valid checkpoint of this model. The message says why."""


@dataclass
class Checkpoint:
    model: GPT
    vocab: Vocab
    config: GPTConfig
    info: dict = field(default_factory=dict)


def save_checkpoint(model, vocab, path=None, info=None):
    """Serialise model + vocab (+ info dict) to safetensors bytes; also write them to
    `path` when given. Returns the bytes."""
    if len(vocab) != model.config.vocab_size:
        raise ValueError("vocabulary size does not match the model")
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    if model.config.tie_head:
        tensors.pop(TIED)
    content = {"format_version": FORMAT_VERSION, "config": model.config.to_dict(),
               "vocab": vocab.chars, "info": info or {}}
    data = st_save(tensors, metadata={FORMAT: canonical_json(content)})
    if path is not None:
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    return data


def canonical_json(obj):
    """One spelling per value: sorted keys, no spaces, non-ASCII as \\u escapes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _read_header(data):
    """Parse the safetensors header ourselves, for clear errors on junk input:
    8 bytes little-endian length N, then N bytes of JSON."""
    if len(data) < 8:
        raise CheckpointError("file is too short to be a safetensors checkpoint")
    (n,) = struct.unpack("<Q", data[:8])
    if n == 0 or n > MAX_HEADER_BYTES or 8 + n > len(data):
        raise CheckpointError("not a safetensors file (bad header length); the file may be "
                              "corrupt or of another format")
    try:
        text = data[8:8 + n].decode("utf-8")
    except UnicodeDecodeError as e:
        raise CheckpointError(f"not a safetensors file (header is not text: {e})") from e
    header = _json(text, "the safetensors header")
    if not isinstance(header, dict):
        raise CheckpointError("not a safetensors file (header is not a JSON object)")
    return header, 8 + n


_JSON_MARKS = re.compile(r'\\.|["\[\]{}]', re.S)


def _json_depth(text):
    """How deep the arrays and objects of JSON `text` nest, counted without recursion
    (json.loads recurses once per level and a hostile file can nest thousands deep).
    Stops counting once past MAX_JSON_DEPTH. Exact up to the first stray backslash,
    where json.loads stops too."""
    depth = deepest = 0
    in_string = False
    for m in _JSON_MARKS.finditer(text):
        mark = m.group()
        if mark == '"':
            in_string = not in_string
        elif not in_string and mark[0] != "\\":
            depth += 1 if mark in "[{" else -1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
    return deepest


def _json(text, what):
    """json.loads, once `text` is known to be small and shallow enough to parse."""
    marks = sum(text.count(c) for c in '"\\[]{}')
    if marks > MAX_JSON_MARKS:
        raise CheckpointError(f"{what} holds {marks:,} quotes and brackets, more than a "
                              f"checkpoint's (at most {MAX_JSON_MARKS:,})")
    if _json_depth(text) > MAX_JSON_DEPTH:
        raise CheckpointError(f"{what} nests deeper than a checkpoint's does (at most "
                              f"{MAX_JSON_DEPTH} levels)")
    try:
        return json.loads(text)
    except ValueError as e:   # JSONDecodeError, or a number too long to convert
        raise CheckpointError(f"{what} is not valid JSON: {e}") from e


def _metadata_items(meta):
    """(config dict, vocabulary list, info dict, format version) from either layout."""
    if meta is not None and (not isinstance(meta, dict)
                             or not all(isinstance(v, str) for v in meta.values())):
        raise CheckpointError("the file's metadata must map names to text, as safetensors "
                              "writes it")
    if isinstance(meta, dict) and FORMAT in meta:            # version 2 on: one JSON entry
        content = _json(meta[FORMAT], "checkpoint metadata")
        if not isinstance(content, dict):
            raise CheckpointError("checkpoint metadata is not a JSON object")
        if content.get("format_version") not in ("2", FORMAT_VERSION):
            raise CheckpointError(
                f"unsupported checkpoint version {_clip(content.get('format_version'))!r}")
        for key in ("config", "vocab"):
            if key not in content:
                raise CheckpointError(f"checkpoint metadata lacks '{key}'")
        cfg_dict = content["config"]
        if isinstance(cfg_dict, dict):
            cfg_dict = {**UNNAMED_BEFORE, **cfg_dict}
        return cfg_dict, content["vocab"], content.get("info", {}), content["format_version"]
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError("this safetensors file is not a Formula Lab capstone checkpoint "
                              "(metadata 'format' missing or different)")
    if meta.get("format_version") != "1":
        raise CheckpointError(
            f"unsupported checkpoint version {_clip(meta.get('format_version'))!r}")
    for key in ("config", "vocab"):
        if key not in meta:
            raise CheckpointError(f"checkpoint metadata lacks '{key}'")
    cfg_dict = _json(meta["config"], "checkpoint config")
    chars = _json(meta["vocab"], "checkpoint vocabulary")
    info = _json(meta.get("info", "{}"), "checkpoint info")
    if isinstance(cfg_dict, dict):
        # version 1 predates these settings too: learned positions, a tied head
        cfg_dict = {"rope": False, "tie_head": True, **UNNAMED_BEFORE, **cfg_dict}
    return cfg_dict, chars, info, "1"


# the sizes a config names, each with the most this app loads
SIZE_BOUNDS = {"n_layer": MAX_LAYERS, "n_head": MAX_HEADS, "n_embd": MAX_EMBD,
               "block_size": MAX_BLOCK, "vocab_size": MAX_VOCAB}


def _clip(value, most=20):
    """A value from the file, short enough to quote in a sentence."""
    text = str(value)
    return text if len(text) <= most else text[:most - 3] + "..."


def _check_sizes(cfg_dict):
    """Every size of the config a whole number within its bound, read from the JSON
    before a GPTConfig (or anything bigger) is made of it."""
    for name, most in SIZE_BOUNDS.items():
        if name not in cfg_dict:
            continue
        v = cfg_dict[name]
        if not isinstance(v, int) or isinstance(v, bool):
            raise CheckpointError(f"checkpoint config {name} should be a whole number, "
                                  f"found {_clip(v)!r}")
        least = MIN_BLOCK if name == "block_size" else 1
        if v < least:
            raise CheckpointError(f"checkpoint config {name} {_clip(v)} is less than {least}")
        if v > most:
            raise CheckpointError(f"checkpoint config {name} {_clip(v)} is more than this app "
                                  f"loads (at most {most})")


def feed_forward_width(config):
    """MLP's hidden width (see model.MLP): 4C for GELU, 8C/3 rounded up to a multiple
    of 16 for SwiGLU."""
    C = config.n_embd
    return 16 * math.ceil(8 * C / 3 / 16) if config.mlp == "swiglu" else 4 * C


def config_floats(config):
    """Floats a GPT of this config holds, counted from the config alone: its parameters
    (the tied matrix once), its rotary tables (one cos and one sin table per layer, at
    block_size), and the causal mask it makes when it reads a full block."""
    C, V, T, L = config.n_embd, config.vocab_size, config.block_size, config.n_layer
    hs, hidden = C // config.n_head, feed_forward_width(config)
    norm = C * (2 if config.bias else 1)                       # a LayerNorm: gain (+ bias)
    attn = 3 * C * C + C * C + (4 * C if config.bias else 0)   # c_attn and c_proj
    attn += 2 * hs if config.qk_norm else 0                    # q_norm and k_norm gains
    rope = T * hs if config.rope else 0                        # cos and sin, (T, hs/2) each
    width = 2 * hidden if config.mlp == "swiglu" else hidden   # c_fc's outputs
    mlp = C * width + hidden * C + ((width + C) if config.bias else 0)
    per_layer = 2 * norm + attn + rope + mlp
    embed = V * C + (0 if config.rope else T * C)              # wte (+ wpe)
    head = 0 if config.tie_head else V * C                     # lm_head
    return embed + L * per_layer + norm + head + T * T


def _parse_metadata(meta):
    cfg_dict, chars, info, version = _metadata_items(meta)

    # config: known fields, right types, sane values, sizes bounded before anything is built
    if not isinstance(cfg_dict, dict):
        raise CheckpointError("checkpoint config is not a JSON object")
    unknown = sorted(set(cfg_dict) - set(GPTConfig.__dataclass_fields__))
    if unknown:
        raise CheckpointError("checkpoint config has settings this model does not know: "
                              f"{', '.join(repr(k[:30]) for k in unknown[:5])}"
                              + (" ..." if len(unknown) > 5 else ""))
    _check_sizes(cfg_dict)
    try:
        config = GPTConfig.from_dict(cfg_dict)
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"checkpoint config is invalid: {e}") from e
    if config.n_embd % config.n_head:
        raise CheckpointError("checkpoint config: n_embd must be divisible by n_head")
    if config.rope and (config.n_embd // config.n_head) % 2:
        raise CheckpointError("checkpoint config: rotary positions turn channel pairs, "
                              "so the head size (n_embd / n_head) must be even")
    if (not all(isinstance(getattr(config, f), bool) for f in ("bias", "rope", "tie_head", "qk_norm"))
            or not isinstance(config.dropout, (int, float)) or isinstance(config.dropout, bool)):
        raise CheckpointError("checkpoint config: bias, rope, tie_head and qk_norm must be "
                              "true/false, dropout a number")
    if not 0 <= config.dropout < 1:
        raise CheckpointError(f"checkpoint config: dropout {_clip(config.dropout)} is not "
                              "a probability from 0 up to 1")
    if (not isinstance(config.rope_base, (int, float)) or isinstance(config.rope_base, bool)
            or not 1.0 < config.rope_base < 1e9):
        raise CheckpointError(f"checkpoint config: rope_base={_clip(config.rope_base)!r} is "
                              "not a number above 1")
    if not isinstance(config.mlp, str) or config.mlp not in FEED_FORWARD:
        raise CheckpointError(f"checkpoint config: unknown feed-forward layer "
                              f"{_clip(config.mlp)!r}")
    floats = config_floats(config)
    if floats > MAX_FLOATS:
        raise CheckpointError(f"this model would hold {floats:,} numbers (weights, rotary "
                              f"tables and mask), more than this app loads (at most "
                              f"{MAX_FLOATS:,})")

    # vocabulary: distinct single characters of text, one per token id
    if (not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars)
            or len(set(chars)) != len(chars)):
        raise CheckpointError("checkpoint vocabulary must be a list of distinct single characters")
    if any("\ud800" <= c <= "\udfff" for c in chars):   # half a UTF-16 pair: no text has one
        raise CheckpointError("checkpoint vocabulary holds a character that is not text "
                              "(a lone surrogate)")
    if len(chars) != config.vocab_size:
        raise CheckpointError(f"checkpoint vocabulary has {len(chars)} characters but the "
                              f"config says vocab_size={config.vocab_size}")
    if not isinstance(info, dict):
        raise CheckpointError("checkpoint info is not a JSON object")
    return config, Vocab(chars), info, version


def pairs_from_halves(tensors, config):
    """Weights of a version-2 file, reordered for today's rotation. There, RoPE turned
    each head's channel i together with channel i + hs/2; now it turns neighbours 2i
    and 2i + 1 (model.apply_rope). Listing each head's query and key channels in the
    order 0, hs/2, 1, hs/2 + 1, ... (the rows of c_attn that make them, and their
    QK-norm gains) gives the very same network: the same pairs turn by the same angles,
    and a score q . k does not depend on the order of the channels. Values stay."""
    hs, C = config.n_embd // config.n_head, config.n_embd
    order = torch.arange(hs).view(2, hs // 2).t().reshape(-1)        # 0, hs/2, 1, ...
    rows = torch.cat([head * hs + order for head in range(2 * config.n_head)]
                     + [torch.arange(2 * C, 3 * C)])                 # q and k heads, then v
    out = dict(tensors)
    for i in range(config.n_layer):
        attn = f"transformer.h.{i}.attn."
        for name, index in (("c_attn.weight", rows), ("c_attn.bias", rows),
                            ("q_norm.weight", order), ("k_norm.weight", order)):
            if attn + name in out:
                out[attn + name] = out[attn + name][index].contiguous()
    return out


def _check_layout(found, expected, data_bytes):
    """Each tensor the config calls for, as the header declares it: float32, the config's
    shape, and byte offsets that tile the data after the header exactly, so the file's
    size is what the header says. Checked before a byte of tensor data is read."""
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    if missing:
        raise CheckpointError(f"checkpoint is missing tensors: {', '.join(missing[:5])}"
                              + (" ..." if len(missing) > 5 else ""))
    if unexpected:
        raise CheckpointError("checkpoint has unexpected tensors: "
                              f"{', '.join(n[:60] for n in unexpected[:5])}"
                              + (" ..." if len(unexpected) > 5 else ""))
    spans = []
    for name, shape in expected.items():
        entry = found[name]
        if not isinstance(entry, dict):
            raise CheckpointError(f"tensor {name} entry is malformed")
        if entry.get("dtype") != "F32":
            raise CheckpointError(f"tensor {name} should be float32, found "
                                  f"{_clip(entry.get('dtype'))!r}")
        declared = entry.get("shape")
        if (not isinstance(declared, list)
                or not all(isinstance(d, int) and not isinstance(d, bool) for d in declared)):
            raise CheckpointError(f"tensor {name} has no proper shape (a list of whole numbers)")
        if tuple(declared) != shape:
            raise CheckpointError(f"tensor {name} has shape {_clip(tuple(declared), 60)}, "
                                  f"expected {shape} for this config")
        offsets = entry.get("data_offsets")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            raise CheckpointError(f"tensor {name} has no proper data offsets (two whole numbers)")
        size = offsets[1] - offsets[0]
        if size != 4 * math.prod(shape):
            raise CheckpointError(f"tensor {name} declares {_clip(size)} bytes, but its shape "
                                  f"{shape} in float32 takes {4 * math.prod(shape):,}")
        spans.append(offsets)
    end = 0
    for begin, stop in sorted(spans):
        if begin != end:
            raise CheckpointError("checkpoint tensors overlap or leave gaps in the file")
        end = stop
    if end != data_bytes:
        raise CheckpointError(f"the header declares {_clip(end)} bytes of tensor data but the file "
                              f"holds {data_bytes:,}; the file may be cut short or padded")


def load_checkpoint(src, device="cpu"):
    """Load from a path or from bytes (e.g. an upload). Returns a Checkpoint.
    Raises CheckpointError for anything that is not exactly a checkpoint of this model."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
    else:
        p = Path(src)
        if not p.is_file():
            raise CheckpointError(f"checkpoint file {p} does not exist")
        if p.stat().st_size > MAX_BYTES:
            raise CheckpointError(f"checkpoint file is larger than {MAX_BYTES / 2**20:.0f} MB, "
                                  "more than this app loads")
        data = p.read_bytes()
    if len(data) > MAX_BYTES:
        raise CheckpointError(f"checkpoint is larger than {MAX_BYTES / 2**20:.0f} MB, more than "
                              "this app loads")

    header, start = _read_header(data)
    config, vocab, info, version = _parse_metadata(header.get("__metadata__"))

    # the config's sizes are within bounds: the model is small, build it, and compare the
    # tensors it calls for (by name and shape) with those the header declares
    model = GPT(config)
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()
                if not (config.tie_head and k == TIED)}
    _check_layout({k: v for k, v in header.items() if k != "__metadata__"}, expected,
                  len(data) - start)

    try:
        tensors = st_load(data)
    except Exception as e:  # safetensors raises its own error types for bad bytes
        raise CheckpointError(f"checkpoint tensor data is corrupt: {e}") from e
    for name, t in tensors.items():
        if not torch.isfinite(t).all():
            raise CheckpointError(f"tensor {name} contains NaN or infinite values")

    if version == "2" and config.rope:
        tensors = pairs_from_halves(tensors, config)
    result = model.load_state_dict(tensors, strict=False)
    if result.unexpected_keys or set(result.missing_keys) != ({TIED} if config.tie_head else set()):
        raise CheckpointError(f"checkpoint does not fit the model: {result}")
    model.eval()
    return Checkpoint(model=model.to(device), vocab=vocab, config=config, info=info)
