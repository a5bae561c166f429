import pytest

from capstone import prepare as prep


def test_vocab_and_split(small_data, corpus_text):
    d = prep.prepare(corpus_text)
    assert len(d.vocab) == 65 and d.vocab.chars == sorted(d.vocab.chars)
    assert len(d.train) + len(d.val) == len(corpus_text)
    assert abs(len(d.val) / len(corpus_text) - 0.1) < 0.001
    s = "First Citizen:\nBefore we proceed"
    assert d.vocab.decode(d.vocab.encode(s)) == s
    with pytest.raises(ValueError):
        d.vocab.encode("\u00e9")


def test_token_ids_are_kept_compactly_and_given_to_torch_as_int64(corpus_text):
    import torch
    text = corpus_text[:100_000]
    d = prep.prepare(text)
    assert d.nbytes <= 2 * len(text) and d.train_ids.dtype == "uint8"   # 65 characters: one byte each
    assert d.train.dtype == d.val.dtype == torch.long
    every = torch.tensor(d.vocab.encode(text))
    assert torch.equal(torch.cat([d.train, d.val]), every)   # the same ids as before, in the same split
    # more than 256 characters: two bytes each, still exact
    wide = text[:5_000] + "".join(chr(0x4E00 + i) for i in range(300))
    w = prep.prepare(wide)
    assert w.train_ids.dtype == "uint16" and w.nbytes <= 2 * len(wide)
    assert w.vocab.decode(torch.cat([w.train, w.val])) == wide


def test_a_dataset_built_from_int64_ids_keeps_them_compact(small_data):
    # how the training process rebuilds it from the ids it is sent
    d = prep.Dataset(vocab=small_data.vocab, train=small_data.train, val=small_data.val)
    assert d.nbytes == len(d.train) + len(d.val)
    assert (d.train == small_data.train).all() and (d.val == small_data.val).all()
    with pytest.raises(ValueError):
        prep.Dataset(vocab=small_data.vocab, train=[0, len(small_data.vocab)], val=[])
