"""Score a reading against its target sentence, word by word.

Both sides are normalised (core.speech.normalise), aligned with jiwer's word alignment,
and scored as hits / (hits + substitutions + deletions + insertions): 100 for a perfect
reading, 0 for silence, and extra words cost as much as missing ones.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import jiwer

from core.speech.normalise import Token, tokens

HIT, SUB, DEL, INS = "hit", "substitution", "deletion", "insertion"


@dataclass(frozen=True)
class WordDiff:
    op: str          # HIT, SUB, DEL or INS
    target: str      # the expected word as written ("" for an insertion)
    heard: str       # the word heard ("" for a deletion)
    canon: str       # the expected word's canonical form ("" for an insertion)


@dataclass(frozen=True)
class Score:
    percent: float                 # 0..100
    words: tuple[WordDiff, ...]    # the alignment, in reading order
    hits: int
    substitutions: int
    deletions: int
    insertions: int

    def missed_most(self) -> WordDiff | None:
        """The expected word missed (said differently or left out) most often. On a tie, a word
        said differently comes before one left out, then the earlier one."""
        missed = [w for w in self.words if w.op in (SUB, DEL)]
        if not missed:
            return None
        counts = Counter(w.canon for w in missed)
        return min(missed, key=lambda w: (-counts[w.canon], w.op != SUB))


def _shown(tok: Token) -> str:
    return tok.said or tok.canon


def score(target: str, heard: str) -> Score:
    """How closely ``heard`` matches ``target``. Never raises, whatever the text."""
    ref, hyp = tokens(target), tokens(heard)
    if not ref or not hyp:
        words = tuple(WordDiff(DEL, _shown(t), "", t.canon) for t in ref) + \
            tuple(WordDiff(INS, "", _shown(t), "") for t in hyp)
        percent = 100.0 if not ref and not hyp else 0.0
        return Score(percent, words, 0, 0, len(ref), len(hyp))
    out = jiwer.process_words(" ".join(t.canon for t in ref), " ".join(t.canon for t in hyp))
    words: list[WordDiff] = []
    for chunk in out.alignments[0]:
        r = ref[chunk.ref_start_idx:chunk.ref_end_idx]
        h = hyp[chunk.hyp_start_idx:chunk.hyp_end_idx]
        if chunk.type == "equal":
            words += [WordDiff(HIT, _shown(a), _shown(b), a.canon) for a, b in zip(r, h)]
        elif chunk.type == "substitute":
            words += [WordDiff(SUB, _shown(a), _shown(b), a.canon) for a, b in zip(r, h)]
        elif chunk.type == "delete":
            words += [WordDiff(DEL, _shown(a), "", a.canon) for a in r]
        else:
            words += [WordDiff(INS, "", _shown(b), "") for b in h]
    total = out.hits + out.substitutions + out.deletions + out.insertions
    return Score(100.0 * out.hits / total, tuple(words), out.hits, out.substitutions,
                 out.deletions, out.insertions)
