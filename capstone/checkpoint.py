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
import struct
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from .model import FEED_FORWARD, GPT, GPTConfig
from .prepare import Vocab

FORMAT = "formula-lab-capstone"
FORMAT_VERSION = "3"              # "1": config, vocab, info as separate metadata entries;
                                  # "2": one entry, rotary pairs (i, i + hs/2)
MAX_BYTES = 64 * 1024 * 1024      # a spec-size model is under 1 MB; refuse huge files
MAX_HEADER_BYTES = 1024 * 1024
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
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"not a safetensors file (header is not JSON: {e})") from e
    if not isinstance(header, dict):
        raise CheckpointError("not a safetensors file (header is not a JSON object)")
    return header


def _metadata_items(meta):
    """(config dict, vocabulary list, info dict, format version) from either layout."""
    if isinstance(meta, dict) and FORMAT in meta:            # version 2 on: one JSON entry
        try:
            content = json.loads(meta[FORMAT])
        except json.JSONDecodeError as e:
            raise CheckpointError(f"checkpoint metadata is not valid JSON: {e}") from e
        if not isinstance(content, dict):
            raise CheckpointError("checkpoint metadata is not a JSON object")
        if content.get("format_version") not in ("2", FORMAT_VERSION):
            raise CheckpointError(
                f"unsupported checkpoint version {content.get('format_version')!r}")
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
        raise CheckpointError(f"unsupported checkpoint version {meta.get('format_version')!r}")
    for key in ("config", "vocab"):
        if key not in meta:
            raise CheckpointError(f"checkpoint metadata lacks '{key}'")
    try:
        cfg_dict = json.loads(meta["config"])
        chars = json.loads(meta["vocab"])
        info = json.loads(meta.get("info", "{}"))
    except json.JSONDecodeError as e:
        raise CheckpointError(f"checkpoint metadata is not valid JSON: {e}") from e
    if isinstance(cfg_dict, dict):
        # version 1 predates these settings too: learned positions, a tied head
        cfg_dict = {"rope": False, "tie_head": True, **UNNAMED_BEFORE, **cfg_dict}
    return cfg_dict, chars, info, "1"


def _parse_metadata(meta):
    cfg_dict, chars, info, version = _metadata_items(meta)

    # config: known fields, right types, sane values
    if not isinstance(cfg_dict, dict):
        raise CheckpointError("checkpoint config is not a JSON object")
    try:
        config = GPTConfig.from_dict(cfg_dict)
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"checkpoint config is invalid: {e}") from e
    for name in ("n_layer", "n_head", "n_embd", "block_size", "vocab_size"):
        v = getattr(config, name)
        if not isinstance(v, int) or isinstance(v, bool) or not 0 < v <= 100_000:
            raise CheckpointError(f"checkpoint config {name}={v!r} is not a sensible size")
    if config.n_embd % config.n_head:
        raise CheckpointError("checkpoint config: n_embd must be divisible by n_head")
    if config.rope and (config.n_embd // config.n_head) % 2:
        raise CheckpointError("checkpoint config: rotary positions turn channel pairs, "
                              "so the head size (n_embd / n_head) must be even")
    if (not all(isinstance(getattr(config, f), bool) for f in ("bias", "rope", "tie_head", "qk_norm"))
            or not isinstance(config.dropout, (int, float))):
        raise CheckpointError("checkpoint config: bias, rope, tie_head and qk_norm must be "
                              "true/false, dropout a number")
    if (not isinstance(config.rope_base, (int, float)) or isinstance(config.rope_base, bool)
            or not 1.0 < config.rope_base < 1e9):
        raise CheckpointError(f"checkpoint config: rope_base={config.rope_base!r} is not a "
                              "number above 1")
    if config.mlp not in FEED_FORWARD:
        raise CheckpointError(f"checkpoint config: unknown feed-forward layer {config.mlp!r}")

    # vocabulary: distinct single characters, one per token id
    if (not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars)
            or len(set(chars)) != len(chars)):
        raise CheckpointError("checkpoint vocabulary must be a list of distinct single characters")
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
            raise CheckpointError(f"checkpoint file is larger than {MAX_BYTES // 2**20} MB")
        data = p.read_bytes()
    if len(data) > MAX_BYTES:
        raise CheckpointError(f"checkpoint is larger than {MAX_BYTES // 2**20} MB")

    header = _read_header(data)
    config, vocab, info, version = _parse_metadata(header.get("__metadata__"))

    # the tensors the config calls for, by name and shape (built on the meta device:
    # no memory is allocated, whatever the config says)
    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in GPT(config).state_dict().items()
                    if not (config.tie_head and k == TIED)}
    found = {k: v for k, v in header.items() if k != "__metadata__"}
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    if missing:
        raise CheckpointError(f"checkpoint is missing tensors: {', '.join(missing[:5])}"
                              + (" ..." if len(missing) > 5 else ""))
    if unexpected:
        raise CheckpointError(f"checkpoint has unexpected tensors: {', '.join(unexpected[:5])}"
                              + (" ..." if len(unexpected) > 5 else ""))
    for name, shape in expected.items():
        entry = found[name]
        if not isinstance(entry, dict) or entry.get("dtype") != "F32":
            raise CheckpointError(f"tensor {name} should be float32, found {entry.get('dtype')!r}"
                                  if isinstance(entry, dict) else f"tensor {name} entry is malformed")
        if tuple(entry.get("shape", ())) != shape:
            raise CheckpointError(f"tensor {name} has shape {tuple(entry.get('shape', ()))}, "
                                  f"expected {shape} for this config")

    try:
        tensors = st_load(data)
    except Exception as e:  # safetensors raises its own error types for bad bytes
        raise CheckpointError(f"checkpoint tensor data is corrupt: {e}") from e
    for name, t in tensors.items():
        if not torch.isfinite(t).all():
            raise CheckpointError(f"tensor {name} contains NaN or infinite values")

    if version == "2" and config.rope:
        tensors = pairs_from_halves(tensors, config)
    model = GPT(config)
    result = model.load_state_dict(tensors, strict=False)
    if result.unexpected_keys or set(result.missing_keys) != ({TIED} if config.tie_head else set()):
        raise CheckpointError(f"checkpoint does not fit the model: {result}")
    model.eval()
    return Checkpoint(model=model.to(device), vocab=vocab, config=config, info=info)
