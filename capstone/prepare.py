"""Characters to integers, and the text split into training and validation tensors.

    text -> Vocab (sorted unique characters; character i is token id i)
         -> ids (N,) -> first 90% train, last 10% validation

The ids are stored compactly (one byte per character when the vocabulary has at most 256
symbols, else two): a prepared text can stay in the server's memory for many learners.
Torch gets int64 only where it needs it (Dataset.train / Dataset.val).

Where the text comes from (the shipped copy, a setting, a download, an upload) is
corpus.py's business.
"""

import numpy as np
import torch

from .corpus import load_corpus

MAX_VOCAB_IDS = 2**16    # token ids are stored as uint16 at most


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


def id_dtype(vocab_size):
    """The smallest unsigned integer type that holds every token id."""
    if vocab_size > MAX_VOCAB_IDS:
        raise ValueError(f"a vocabulary of {vocab_size:,} characters is more than "
                         f"{MAX_VOCAB_IDS:,}")
    return np.uint8 if vocab_size <= 256 else np.uint16


def compact_ids(ids, vocab_size):
    """Token ids (tensor, array or list) as a compact numpy array, each checked to be < vocab_size."""
    if isinstance(ids, torch.Tensor):
        ids = ids.numpy(force=True)
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"token ids should be one-dimensional, not of shape {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"token ids should lie in 0..{vocab_size - 1}")
    return ids.astype(id_dtype(vocab_size), copy=False)


class Dataset:
    """The vocabulary and the train/val token ids. Built like the dataclass it was
    (Dataset(vocab=, train=, val=)), and .train / .val are still (N,) int64 tensors, made
    on access from the compact .train_ids / .val_ids arrays that are what is kept."""

    def __init__(self, vocab, train, val):
        self.vocab = vocab
        self.train_ids = compact_ids(train, len(vocab))
        self.val_ids = compact_ids(val, len(vocab))

    @property
    def train(self):
        """(N_train,) int64 token ids, for torch (a fresh copy: keep it only while needed)."""
        return torch.from_numpy(self.train_ids.astype(np.int64))

    @property
    def val(self):
        """(N_val,) int64 token ids, for torch (a fresh copy)."""
        return torch.from_numpy(self.val_ids.astype(np.int64))

    @property
    def nbytes(self):
        """Bytes held by the token ids."""
        return self.train_ids.nbytes + self.val_ids.nbytes

    def __repr__(self):
        return (f"Dataset(vocab={len(self.vocab)} characters, train={len(self.train_ids):,} ids, "
                f"val={len(self.val_ids):,} ids, {self.train_ids.dtype})")


def encode_compact(vocab, text):
    """vocab.encode(text), straight into a compact array: a table from code point to id
    instead of a Python list of ints (8+ bytes per character while it lasts)."""
    missing = vocab.unknown(text)
    if missing:
        raise ValueError(f"characters not in the vocabulary: {missing!r}")
    if not text:
        return np.zeros(0, dtype=id_dtype(len(vocab)))
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")  # (N,)
    points = np.array([ord(c) for c in vocab.chars], dtype=np.int64)
    table = np.zeros(int(points.max()) + 1, dtype=id_dtype(len(vocab)))
    table[points] = np.arange(len(vocab))
    return table[codes]


def prepare(text, val_fraction=0.1):
    """Text -> Dataset: vocabulary plus a 90/10 train/val split (first 90% trains)."""
    vocab = Vocab.from_text(text)
    ids = encode_compact(vocab, text)  # (N,)
    n = int(len(ids) * (1.0 - val_fraction))
    return Dataset(vocab=vocab, train=ids[:n], val=ids[n:])


def load_dataset(path=None, download=True, progress=None):
    """Convenience: load_corpus + prepare."""
    return prepare(load_corpus(path, download=download, progress=progress))
