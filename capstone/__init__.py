"""Capstone: a small character-level GPT trained on tiny Shakespeare.

Modules, in reading order:
    prepare     find the corpus, character vocabulary, train/val split
    model       the transformer (GPTConfig, GPT)
    presets     training settings (TrainConfig) and the named presets
    device      device choice (CUDA, MPS, CPU) and CPU threads
    train       the training loop and its command line
    sample      temperature / top-k / top-p sampling with a key/value cache
    checkpoint  save/load one safetensors file, validated
    job         background training jobs for a page to watch

This package never imports a web framework; pages import it, not the other way round.
"""

import os

# CPU worker threads that wait for work sleep instead of spinning. With spinning (the
# OpenMP default), a busy machine -- a browser, a web server, a second training job --
# leaves the working thread without a core while its partner spins, and every step
# stalls; on a loaded 2-core machine we measured sampling 10x slower. It only takes
# effect if this package is imported before torch; set OMP_WAIT_POLICY=ACTIVE to opt out.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
