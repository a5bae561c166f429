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
