"""Characters to integers, and the text split into training and validation tensors.

    text -> Vocab (sorted unique characters; character i is token id i)
         -> ids (N,) -> first 90% train, last 10% validation

Where the text comes from (the shipped copy, a setting, a download, an upload) is
corpus.py's business.
"""

from dataclasses import dataclass

import torch

from .corpus import load_corpus


class Vocab:
    """Sorted unique characters of the corpus; character i is token id i."""

    def __init__(self, chars):
        self.chars = list(chars)
        self.stoi = {ch: i for i, ch in enumerate(self.chars)}
        if len(self.stoi) != len(self.chars):
            raise ValueError("vocabulary characters must be unique")

    @classmethod
    def from_text(cls, text):
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.chars)

    def unknown(self, text):
        """Characters of `text` the vocabulary does not have (sorted)."""
        return sorted(set(text) - set(self.stoi))

    def encode(self, text):
        missing = self.unknown(text)
        if missing:
            raise ValueError(f"characters not in the vocabulary: {missing!r}")
        return [self.stoi[c] for c in text]

    def decode(self, ids):
        return "".join(self.chars[int(i)] for i in ids)


@dataclass
class Dataset:
    vocab: Vocab
    train: torch.Tensor   # (N_train,) int64 token ids
    val: torch.Tensor     # (N_val,) int64 token ids


def prepare(text, val_fraction=0.1):
    """Text -> Dataset: vocabulary plus a 90/10 train/val split (first 90% trains)."""
    vocab = Vocab.from_text(text)
    ids = torch.tensor(vocab.encode(text), dtype=torch.long)  # (N,)
    n = int(len(ids) * (1.0 - val_fraction))
    return Dataset(vocab=vocab, train=ids[:n], val=ids[n:])


def load_dataset(path=None, download=True, progress=None):
    """Convenience: load_corpus + prepare."""
    return prepare(load_corpus(path, download=download, progress=progress))
