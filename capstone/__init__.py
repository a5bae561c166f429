"""Capstone: a small character-level GPT trained on tiny Shakespeare.

Modules, in reading order:
    prepare     character vocabulary, train/val split
    model       the transformer (GPTConfig, GPT)
    optim       AdamW, written out
    presets     training settings (TrainConfig) and the named presets
    device      device choice (CUDA, MPS, CPU), CPU threads and precision
    train       the training loop and its command line
    sample      temperature / top-k / top-p sampling with a key/value cache
    checkpoint  save/load one safetensors file, validated
    corpus      where the text comes from (shipped, setting, download, upload), validated
    job         background training jobs for a page to watch
    worker      the child process a job trains in
    inspect     the softmax and attention weights behind one guess

This package never imports a web framework; pages import it, not the other way round.
"""

