"""Score a reading against its target sentence, word by word.

Both sides are normalised (core.speech.normalise), aligned with jiwer's word alignment,
and scored as hits / (hits + substitutions + deletions + insertions): 100 for a perfect
reading, 0 for silence, and extra words cost as much as missing ones.

Two things make the judge fair to a recogniser's spelling and to the learner's eye:
- a heard word that is not in the sentence but spells a run of its single-letter symbols
  ("ij" where the sentence reads "i j") counts as those letters;
- the diff shows a term of several words ("square root", "sum from", "y hat") as one unit,
  so "root" for "square root" is one word said differently, heard as "root". The counts and
  the percent stay per word: half a term said earns half its words.
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
    target: str      # the expected word (or term) as written ("" for an insertion)
    heard: str       # the word(s) heard ("" for a deletion)
    canon: str       # the expected word's (or term's) canonical form ("" for an insertion)


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


# Terms the diff shows as one unit, in canonical words; "<letter> hat" is one too.
TERMS = tuple(tuple(t.split()) for t in (
    "square root", "sum from", "transpose of", "with respect to", "plus or minus", "dot dot dot",
    "open bracket", "close bracket", "component wise", "at time", "one half", "to the"))
_RUN = 4   # the longest run of letters a heard word may stand for


def _shown(tok: Token) -> str:
    return tok.said or tok.canon


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isascii() and word.isalpha()


def _letters_of_runs(ref: list[Token], hyp: list[Token]) -> list[Token]:
    """``hyp`` with each word that is not in ``ref`` but spells a run of its single letters
    ("ij" for "i j") split into those letters."""
    canon = [t.canon for t in ref]
    words = set(canon)
    runs = {"".join(canon[i:i + n]) for n in range(2, _RUN + 1) for i in range(len(canon) - n + 1)
            if all(_is_letter(c) for c in canon[i:i + n])}
    out: list[Token] = []
    for t in hyp:
        if t.canon in runs and t.canon not in words:
            out += [Token(ch, ch) for ch in t.canon]
        else:
            out.append(t)
    return out


def _term_spans(ref: list[Token]) -> list[tuple[int, int]]:
    """Where the terms are in ``ref``: (start, end) index pairs, longest term first."""
    canon = [t.canon for t in ref]
    spans, i = [], 0
    while i < len(canon):
        n = max((len(t) for t in TERMS if tuple(canon[i:i + len(t)]) == t), default=0)
        if not n and i + 1 < len(canon) and _is_letter(canon[i]) and canon[i + 1] == "hat":
            n = 2
        if n:
            spans.append((i, i + n))
        i += n or 1
    return spans


def _said(toks: list[Token]) -> str:
    """The words ``toks`` were read from, each once: a token expanded from a phrase ("sqrt" ->
    "square root") carries the phrase on its first word only."""
    return " ".join(t.said or (t.canon if n == 0 else "") for n, t in enumerate(toks)).strip()


Row = tuple[WordDiff, int | None, int | None]   # a word of the diff, its index in ref and in hyp


def _as_units(ref: list[Token], hyp: list[Token], rows: list[Row]) -> list[WordDiff]:
    """The per-word diff with each term of ``ref`` folded into one entry: a hit when all its
    words were, left out when all were, otherwise said differently (heard as what was heard
    in its place, extra words between its words included)."""
    ends = dict(_term_spans(ref))
    out: list[WordDiff] = []
    i = 0
    while i < len(rows):
        w, r, _ = rows[i]
        if r not in ends:
            out.append(w)
            i += 1
            continue
        last, j = ends[r] - 1, i
        while j + 1 < len(rows) and (rows[j][1] is None or rows[j][1] < last):
            j += 1
        while rows[j][1] is None:       # extra words after the term are not part of it
            j -= 1
        group = rows[i:j + 1]
        ops = {g.op for g, _, _ in group}
        op = HIT if ops == {HIT} else DEL if ops == {DEL} else SUB
        heard = _said([hyp[h] for _, _, h in group if h is not None])
        out.append(WordDiff(op, _said(ref[r:ends[r]]), heard,
                            " ".join(t.canon for t in ref[r:ends[r]])))
        i = j + 1
    return out


def score(target: str, heard: str) -> Score:
    """How closely ``heard`` matches ``target``. Never raises, whatever the text."""
    ref, hyp = tokens(target), tokens(heard)
    hyp = _letters_of_runs(ref, hyp)
    if not ref or not hyp:
        rows = [(WordDiff(DEL, _shown(t), "", t.canon), n, None) for n, t in enumerate(ref)] + \
            [(WordDiff(INS, "", _shown(t), ""), None, n) for n, t in enumerate(hyp)]
        percent = 100.0 if not ref and not hyp else 0.0
        return Score(percent, tuple(_as_units(ref, hyp, rows)), 0, 0, len(ref), len(hyp))
    out = jiwer.process_words(" ".join(t.canon for t in ref), " ".join(t.canon for t in hyp))
    rows: list[Row] = []
    for chunk in out.alignments[0]:
        rs, hs = chunk.ref_start_idx, chunk.hyp_start_idx
        r = ref[rs:chunk.ref_end_idx]
        h = hyp[hs:chunk.hyp_end_idx]
        if chunk.type in ("equal", "substitute"):
            op = HIT if chunk.type == "equal" else SUB
            rows += [(WordDiff(op, _shown(a), _shown(b), a.canon), rs + n, hs + n)
                     for n, (a, b) in enumerate(zip(r, h))]
        elif chunk.type == "delete":
            rows += [(WordDiff(DEL, _shown(a), "", a.canon), rs + n, None) for n, a in enumerate(r)]
        else:
            rows += [(WordDiff(INS, "", _shown(b), ""), None, hs + n) for n, b in enumerate(h)]
    words = _as_units(ref, hyp, rows)
    total = out.hits + out.substitutions + out.deletions + out.insertions
    return Score(100.0 * out.hits / total, tuple(words), out.hits, out.substitutions,
                 out.deletions, out.insertions)
