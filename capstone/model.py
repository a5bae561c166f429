"""A small character-level GPT, small enough to read in one sitting.

Shape of the network (defaults give about 209k parameters):

    idx (B, T) -> token embedding -> (B, T, C)
    -> n_layer x [ x + attn(ln_1(x)) ; x + mlp(ln_2(x)) ]   (Pre-LN blocks; mlp: see MLP)
    -> ln_f -> lm_head (its own matrix, or the token embedding's) -> logits (B, T, V)

Positions enter inside attention: queries and keys are rotated by an angle that grows
with their position (RoPE, see apply_rope), so the score of query t against key s
depends on t - s, how far back the key lies. Checkpoints made before that (rope false)
add a learned position embedding to the token embedding instead. The rotation's base is
1,000 rather than the usual 10,000: over the 64-character context, at base 10,000 three
of a head's eight channel pairs turn by 0.2 radians or less, nearly still; at 1,000 only
the last one does (0.15), so more pairs can tell near from far. Before they are turned,
each head's queries and keys are scaled to one length (RMSNorm, qk_norm), so a score
q . k / sqrt(hs) cannot grow with the weights: how sharply a head attends is set by the
norms' learned gains alone.

Letters used in the shape comments:
    B batch, T time (sequence length), C channels (n_embd),
    nh number of heads, hs head size (C // nh), V vocabulary size.
"""

import functools
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F

from .optim import AdamW


FEED_FORWARD = ("gelu", "swiglu")   # the kinds of feed-forward layer (GPTConfig.mlp)


@dataclass
class GPTConfig:
    n_layer: int = 4        # number of transformer blocks
    n_head: int = 4         # attention heads per block
    n_embd: int = 64        # channels of the residual stream
    block_size: int = 64    # longest context the model can see
    vocab_size: int = 65    # number of distinct characters (set from the corpus)
    dropout: float = 0.0    # 0.0: no dropout (tiny model, short training)
    bias: bool = False      # biases in Linear and LayerNorm layers
    rope: bool = True       # rotary positions in attention (False: learned position table)
    rope_base: float = 1000.0  # pair i turns rope_base**(-2i / hs) radians per position
    tie_head: bool = False  # the output head reuses the token embedding matrix
    mlp: str = "swiglu"     # the feed-forward layer: "swiglu" (gated) or "gelu" (GPT-2's)
    qk_norm: bool = True    # queries and keys scaled to one length (RMSNorm) before scoring

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"unknown GPTConfig fields: {sorted(unknown)}")
        return cls(**d)


def rope_tables(block_size, head_size, base=1000.0):
    """cos and sin of the rotation angles, each (block_size, head_size // 2): position t
    turns channel pair i (channels 2i and 2i + 1) by the angle t * base**(-2i / head_size),
    fast for the first pairs, slow for the last."""
    inv_freq = base ** (-torch.arange(0, head_size, 2, dtype=torch.float32) / head_size)
    angles = torch.arange(block_size, dtype=torch.float32)[:, None] * inv_freq[None, :]
    return angles.cos(), angles.sin()


def apply_rope(x, cos, sin):
    """Rotate each channel pair (x[..., 2i], x[..., 2i + 1]) of x (..., T, hs) by its
    position's angle; cos, sin: (T, hs/2) for those positions. Applied to queries and
    keys alike, q_t . k_s then depends only on t - s.

    Written with complex numbers: the pair (a, b) is a + ib, and turning it by the angle
    θ is multiplying it by cos θ + i sin θ. That is one multiplication per pair where
    the same rotation in real numbers takes four, two sums and a concatenation, and on
    a CPU it makes a training step about 7% faster."""
    if x.device.type == "mps":   # complex numbers on Apple GPUs need a recent macOS
        return rotate_pairs(x, cos, sin)
    pairs = torch.view_as_complex(x.unflatten(-1, (-1, 2)))       # (..., T, hs/2) a + ib
    return torch.view_as_real(pairs * torch.complex(cos, sin)).flatten(-2)


def rotate_pairs(x, cos, sin):
    """apply_rope's turn in real numbers: each pair (a, b) becomes
    (a cos θ - b sin θ, a sin θ + b cos θ)."""
    a, b = x.unflatten(-1, (-1, 2)).unbind(-1)                  # each (..., T, hs/2)
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)


@functools.lru_cache(maxsize=16)
def causal_mask(T, past, device):
    """(T, past + T) additive mask for T new positions after past earlier ones: 0 where
    new position past + i may look (keys 0..past + i), -inf after it. Cached, never
    written to."""
    return torch.full((T, past + T), float("-inf"), device=device).triu(past + 1)


class CausalSelfAttention(nn.Module):

    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout
        self.rope = config.rope
        if config.rope:   # not weights: recomputed at build, so not saved in checkpoints
            cos, sin = rope_tables(config.block_size, config.n_embd // config.n_head,
                                   config.rope_base)
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        self.qk_norm = config.qk_norm
        if config.qk_norm:   # a learned gain per channel, shared by the heads
            hs = config.n_embd // config.n_head
            self.q_norm = nn.RMSNorm(hs)
            self.k_norm = nn.RMSNorm(hs)
        # query, key and value for all heads in one matrix multiply
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        # output projection back into the residual stream
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)

    def qkv(self, x, pos_offset=0):
        """Queries, keys and values of x (B, T, C) at absolute positions pos_offset..,
        each (B, nh, T, hs), with q and k normalised (qk_norm) and turned by their
        positions (rope). The one place attention's inputs are made (forward uses it)."""
        B, T, C = x.size()
        nh, hs = self.n_head, C // self.n_head
        qkv = self.c_attn(x).view(B, T, 3 * nh, hs).transpose(1, 2)  # (B, 3nh, T, hs)
        q, k, v = qkv.split(nh, dim=1)                               # each (B, nh, T, hs)
        if self.qk_norm:   # each head's q and k: root mean square 1, times the learned gains
            # (in float32 even when training in bfloat16: RMSNorm's fast kernel needs its
            # input in its gains' dtype, and the rotation after it is float32 anyway)
            q, k = self.q_norm(q.float()), self.k_norm(k.float())
        if self.rope:
            cos = self.rope_cos[pos_offset:pos_offset + T]           # (T, hs/2)
            sin = self.rope_sin[pos_offset:pos_offset + T]
            q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        return q, k, v

    def weights(self, q, k):
        """Attention weights softmax(q k^T / sqrt(hs) + M), (B, nh, T, S), for queries
        q (B, nh, T, hs) at the last T of S positions and keys k (B, nh, S, hs). M, the
        causal mask, is -inf where a key lies after the query, so row t spreads its weight
        over positions 0..t only. Written out, not fused: at this size the plain batched
        matrix products run faster on a CPU than scaled_dot_product_attention."""
        B, nh, T, hs = q.size()
        S = k.size(2)
        mask = causal_mask(T, S - T, q.device)                     # (T, S): 0 or -inf
        scores = torch.baddbmm(                                    # mask + q k^T / sqrt(hs)
            mask.expand(B * nh, T, S), q.reshape(B * nh, T, hs),
            k.reshape(B * nh, S, hs).transpose(1, 2), alpha=1.0 / math.sqrt(hs))
        return F.softmax(scores, dim=-1).view(B, nh, T, S)

    def forward(self, x, cache=None):
        """x: (B, T, C). cache: None, or a dict {"k": ..., "v": ...} holding the
        keys/values of earlier positions (B, nh, T_past, hs); it is updated in place."""
        B, T, C = x.size()
        past = 0 if cache is None or cache.get("k") is None else cache["k"].size(2)
        q, k, v = self.qkv(x, pos_offset=past)

        if cache is not None and cache.get("k") is not None:
            # generation: append this step's keys/values to the earlier ones
            k = torch.cat([cache["k"], k], dim=2)  # (B, nh, T_past + T, hs)
            v = torch.cat([cache["v"], v], dim=2)
        if cache is not None:
            cache["k"], cache["v"] = k, v

        att = F.dropout(self.weights(q, k), self.dropout, self.training)  # (B, nh, T, S)
        y = att @ v  # (B, nh, T, hs): each position's weighted mix of the values
        # y: (B, nh, T, hs) -> (B, T, C), heads side by side
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    """The feed-forward layer, applied to each position on its own.

    "gelu" (GPT-2):  c_proj(gelu(c_fc(x))), hidden width 4C.
    "swiglu":        c_proj(silu(a) * b), where c_fc(x) = [a, b]: one half of the hidden
                     units decides how much of the other half passes (a gate). Three C x h
                     matrices instead of two C x 4C, so h = 176 keeps the size (8C/3,
                     rounded up to a multiple of 16)."""

    def __init__(self, config):
        super().__init__()
        if config.mlp not in FEED_FORWARD:
            raise ValueError(f"unknown feed-forward layer {config.mlp!r}; use gelu or swiglu")
        C, self.gated = config.n_embd, config.mlp == "swiglu"
        hidden = 16 * math.ceil(8 * C / 3 / 16) if self.gated else 4 * C
        width = 2 * hidden if self.gated else hidden
        self.c_fc = nn.Linear(C, width, bias=config.bias)     # (C -> 2h or 4C)
        self.c_proj = nn.Linear(hidden, C, bias=config.bias)  # (h or 4C -> C)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        if self.gated:
            a, b = self.c_fc(x).chunk(2, dim=-1)   # each (B, T, h)
            h = F.silu(a) * b
        else:
            h = F.gelu(self.c_fc(x))                # (B, T, 4C)
        return self.dropout(self.c_proj(h))


class Block(nn.Module):
    """Pre-LN transformer block: normalise, then attend / think, then add back."""

    def __init__(self, config):
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x, cache=None):
        x = x + self.attn(self.ln_1(x), cache)  # (B, T, C)
        x = x + self.mlp(self.ln_2(x))          # (B, T, C)
        return x


class GPT(nn.Module):

    def __init__(self, config, generator=None):
        """generator: optional torch.Generator for the initial weights, so that two
        models built at once (e.g. in two threads) don't share the global RNG."""
        super().__init__()
        assert config.vocab_size is not None and config.block_size is not None
        self.config = config
        layers = dict(wte=nn.Embedding(config.vocab_size, config.n_embd))  # token embedding (V, C)
        if not config.rope:  # learned position embedding (block_size, C)
            layers["wpe"] = nn.Embedding(config.block_size, config.n_embd)
        self.transformer = nn.ModuleDict(dict(
            **layers,
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        if config.tie_head:
            # Weight tying: the output head reuses the token embedding matrix, so
            # "which character is this vector?" and "which vector is this character?"
            # share one (V, C) table. It saves V*C parameters.
            self.transformer.wte.weight = self.lm_head.weight

        # Initial weights: N(0, 0.02) for matrices, zeros for biases, ones for LN
        # gains; the residual output projections get std 0.02 / sqrt(2 * n_layer)
        # so the residual stream does not grow with depth (GPT-2 recipe).
        with torch.no_grad():
            for name, p in self.named_parameters():
                if p.dim() < 2:
                    if name.endswith("bias"):
                        p.zero_()  # biases start at 0
                    continue  # LayerNorm weights stay 1
                std = 0.02
                if name.endswith("c_proj.weight"):
                    std = 0.02 / math.sqrt(2 * config.n_layer)
                p.normal_(0.0, std, generator=generator)

    def num_params(self):
        """Number of trainable parameters (the tied matrix counted once)."""
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx, targets=None, caches=None, pos_offset=0):
        """idx: (B, T) token ids. targets: (B, T) or None.
        caches: None, or a list with one dict per layer (see new_cache) for generation.
        pos_offset: absolute position of idx[:, 0] (the cache length when generating).
        Returns (logits, loss). With targets, logits are (B, T, V) and loss a scalar;
        without targets, only the last position's logits (B, 1, V) are computed."""
        B, T = idx.size()
        assert pos_offset + T <= self.config.block_size, (
            f"sequence of {pos_offset + T} exceeds block_size {self.config.block_size}")
        x = self.embed(idx, pos_offset)  # (B, T, C)
        for i, block in enumerate(self.transformer.h):
            x = block(x, None if caches is None else caches[i])
        x = self.transformer.ln_f(x)  # (B, T, C)

        if targets is not None:
            logits = self.lm_head(x)  # (B, T, V)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))
            return logits, loss
        logits = self.lm_head(x[:, [-1], :])  # (B, 1, V): only the next character matters
        return logits, None

    def embed(self, idx, pos_offset=0):
        """Token ids (B, T) -> the residual stream's input (B, T, C): token embeddings, plus
        learned positions when the model has no rotary ones."""
        T = idx.size(1)
        x = self.transformer.wte(idx)  # (B, T, C)
        if not self.config.rope:
            pos = torch.arange(pos_offset, pos_offset + T, dtype=torch.long, device=idx.device)
            x = x + self.transformer.wpe(pos)  # (T, C), broadcast over B
        return self.transformer.drop(x)

    def new_cache(self):
        """An empty key/value cache: one dict per layer, filled by forward()."""
        return [dict(k=None, v=None) for _ in range(self.config.n_layer)]

    def param_groups(self, weight_decay):
        """Optimiser groups: matrices (dim >= 2) get weight decay; biases and LayerNorm
        gains don't."""
        params = [p for p in self.parameters() if p.requires_grad]
        return [
            {"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
            {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
        ]

    def configure_optimizer(self, lr, weight_decay, betas):
        """AdamW (capstone.optim) over param_groups(weight_decay)."""
        return AdamW(self.param_groups(weight_decay), lr=lr, betas=betas)

    @torch.no_grad()
    def attention_weights(self, idx):
        """The attention weights of every layer and head for idx (B, T), as in forward():
        (n_layer, B, nh, T, T), where row t holds how much position t takes from each
        position 0..t (each row sums to 1; above the diagonal all zeros)."""
        B, T = idx.size()
        assert T <= self.config.block_size, f"sequence of {T} exceeds block_size {self.config.block_size}"
        x = self.embed(idx)  # (B, T, C)
        weights = []
        for block in self.transformer.h:
            q, k, _ = block.attn.qkv(block.ln_1(x))  # each (B, nh, T, hs), positions applied
            weights.append(block.attn.weights(q, k))  # (B, nh, T, T)
            x = block(x)  # the block itself carries the residual stream on, as in forward()
        return torch.stack(weights)  # (n_layer, B, nh, T, T)


if __name__ == "__main__":
    m = GPT(GPTConfig())
    print(f"parameters: {m.num_params():,}")
