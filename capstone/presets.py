"""Training settings, and named presets: the default plus six small "pathologies".

Each pathology preset changes one or two settings of the default and says what to
look for in the loss curves, so a learner can see a failure mode happen.
"""

from dataclasses import asdict, dataclass, fields, replace


@dataclass
class TrainConfig:
    # model (the vocabulary size comes from the data)
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 64
    block_size: int = 64        # context length in characters
    dropout: float = 0.0
    bias: bool = False          # biases in Linear and LayerNorm layers
    rope: bool = True           # rotary positions (False: a learned position table)
    rope_base: float = 1000.0   # rotary pair i turns rope_base**(-2i / head size) a position
    tie_head: bool = False      # output head shares the token embedding matrix
    mlp: str = "swiglu"         # feed-forward layer: swiglu (gated) or gelu
    qk_norm: bool = True        # queries and keys normalised (RMSNorm) before attention scores
    # data
    batch_size: int = 64        # sequences per step; tokens per step = batch_size * block_size
    data_fraction: float = 1.0  # train on only the first fraction of the training split
    # optimiser: AdamW; learning rate: linear warmup, stable, then linear decay to min_lr
    max_iters: int = 2500       # 10.24 M training characters at batch 64 x 64
    learning_rate: float = 1e-2
    min_lr: float = 1e-4
    warmup_iters: int = 100
    decay_frac: float = 0.5     # the last half of the steps decay to min_lr
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.99
    grad_clip: float = 1.0      # clip the gradient norm to this; 0 switches clipping off
    # evaluation and samples
    eval_interval: int = 200    # evaluate every this many steps (and at step 0 and the end)
    eval_iters: int = 10        # batches per split per evaluation
    eval_batch_size: int = 64
    final_eval_iters: int = 40  # training batches at the very end (validation: all of it)
    sample_interval: int = 200  # generate a sample this often (0: never); used by the job
    sample_chars: int = 200
    # run
    seed: int = 1337
    device: str = "auto"        # auto | cpu | cuda | mps
    threads: int = 0            # CPU threads; 0: automatic (device.default_threads)
    precision: str = "auto"     # training's forward pass: auto | float32 | bfloat16
    preset: str = "default"     # name recorded in the checkpoint

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown training settings: {sorted(unknown)}")
        return cls(**d)


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    look_for: str     # one sentence: what to watch in the curves
    overrides: dict   # settings changed from the default


PRESETS = {p.name: p for p in [
    Preset("default", "Default",
           "Both curves fall together and level off near 1.5; samples turn from noise "
           "into Shakespeare-shaped words and names.",
           {}),
    # warmup raises the rate by 0.01 a step towards 10, a thousand times the default's:
    # measured, the loss fell to 3.55 by step 10, stalled between 3.07 and 3.22 from step
    # 35 to 80 while the rate passed 0.4 to 0.8, climbed to 3.69 at step 85 and 7.5 at
    # step 90, and the run blew up at step 94 (rate 0.95)
    Preset("lr_too_high", "Learning rate too high",
           "As warmup raises the rate, the loss first falls, then stops improving near 3 "
           "and wobbles while the rate keeps rising, then shoots up within a few steps "
           "until it blows up (NaN or far above random guessing) and the run is reported "
           "as diverged.",
           {"learning_rate": 10.0, "min_lr": 10.0, "warmup_iters": 1000, "grad_clip": 0.0,
            "max_iters": 300, "eval_interval": 5, "eval_iters": 4}),
    Preset("lr_too_low", "Learning rate too low",
           "The loss crawls down a gentle slope and is still high when the run ends.",
           {"learning_rate": 3e-5, "min_lr": 3e-5, "max_iters": 750, "eval_interval": 50}),
    # full rate from the first step, and a rate three times the default's: measured,
    # 3.40 at step 10 and 3.35 at 20, then 3.16 at 30, 2.28 at 200 and 1.88 at 500 (the
    # default: 1.95 at step 200; an earlier build's rounding stayed at 3.31 to 3.35
    # until step 70)
    Preset("no_warmup", "No warmup",
           "The first steps use a high learning rate on random weights: the loss drops at "
           "once to about 3.3 (the model knows little more than how common each letter is) "
           "and lingers there before it starts to learn, staying well behind a "
           "warmed-up run.",
           {"warmup_iters": 0, "learning_rate": 3e-2, "max_iters": 600, "eval_interval": 10,
            "eval_iters": 4}),
    # measured at rate 0.5: with clipping at 1.0 the loss fell to 2.63 by step 50, 2.61
    # at 150 and 2.21 at 300; without it, it bounced between 2.65 and 3.1 from step 30
    # to 150 (3.09 at 60) and was at 2.26 at step 300 (at rate 0.15 and 0.3, with
    # queries and keys normalised, both runs learn nearly alike)
    Preset("no_clip", "No gradient clipping",
           "At fifty times the default rate, where a clipped run still learns, the "
           "unclipped model's outsized steps keep knocking it back: its loss bounces "
           "between 2.7 and 3.1 for over a hundred steps and stays behind.",
           {"grad_clip": 0.0, "learning_rate": 0.5, "max_iters": 300, "eval_interval": 10,
            "eval_iters": 4}),
    # batch 1 at the default rate: every step chases one 64-character window
    Preset("batch_1", "Batch of one",
           "Each step sees a single sequence, so progress is slow and uneven: the curves "
           "wobble, and they are still far above the default's when the run ends.",
           {"batch_size": 1, "max_iters": 1500, "eval_interval": 25, "eval_iters": 4}),
    Preset("tiny_data", "Tiny data slice",
           "Trained on 1% of the text, the model memorises it: training loss keeps "
           "falling while validation loss stalls and then rises; the curves part.",
           {"data_fraction": 0.01, "max_iters": 500, "eval_interval": 20,
            "weight_decay": 0.0}),
]}


def make_config(preset="default", **overrides):
    """TrainConfig for a preset, with any further overrides (e.g. seed=1, max_iters=50)."""
    if preset not in PRESETS:
        raise KeyError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}")
    cfg = replace(TrainConfig(), **PRESETS[preset].overrides, preset=preset)
    return replace(cfg, **overrides) if overrides else cfg
