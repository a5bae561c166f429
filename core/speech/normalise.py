"""Math-aware normalisation: turn a spoken or typed reading into comparable words.

"Sigma of x equals 1 / (1 + e^-x)" and "sigma of x equals one over one plus e to the
negative x" should compare as the same words. Each token keeps the text it came from
(``said``), so a word diff can show what the learner actually said while the
comparison uses the canonical form (``canon``).

Steps: runs of capitals that are symbols read as their letters ("AB sub IJ" -> "a b sub i
j"), symbols to words, case folding, punctuation dropped, numbers spelled out ("64" ->
"sixty four"), then a phrase table (letter names, Greek spellings, synonyms such as
"divided by" = "over", "to the power of two" = "squared").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    canon: str   # what is compared
    said: str    # what to show: the word(s) it came from


# Symbols spoken as words, applied before punctuation is dropped.
SYMBOLS = {
    "...": " dot dot dot ", "…": " dot dot dot ", "⋯": " dot dot dot ",
    "=": " equals ", "+": " plus ", "±": " plus or minus ", "−": " minus ", "×": " times ",
    "·": " times ", "∗": " times ", "*": " times ", "÷": " over ", "/": " over ",
    "√": " square root of ", "∑": " sum ", "Σ": " sum ", "∂": " partial ", "∇": " gradient ",
    "²": " squared ", "³": " cubed ", "^": " to the ", "_": " sub ", "%": " percent ", "&": " and ",
    "α": " alpha ", "β": " beta ", "γ": " gamma ", "δ": " delta ", "ε": " epsilon ",
    "ζ": " zeta ", "η": " eta ", "θ": " theta ", "ι": " iota ", "κ": " kappa ",
    "λ": " lambda ", "μ": " mu ", "ν": " nu ", "ξ": " xi ", "π": " pi ", "ρ": " rho ",
    "σ": " sigma ", "τ": " tau ", "υ": " upsilon ", "φ": " phi ", "χ": " chi ",
    "ψ": " psi ", "ω": " omega ",
}

# Multi-word (or single-word) phrases and the canonical words they stand for. Keys are
# matched on canonical tokens, longest first; values are space-separated canon words.
PHRASES = {
    # operations and relations
    "is equal to": "equals", "equal to": "equals", "equal": "equals", "is": "equals",
    "divided by": "over", "divide by": "over", "multiplied by": "times",
    "multiply by": "times", "negative": "minus",
    "subscript": "sub", "sub script": "sub", "underscore": "sub",
    "to the power of two": "squared", "to the power two": "squared",
    "to the second power": "squared", "to the second": "squared",
    "raised to the power of two": "squared", "to the two": "squared",
    "square": "squared", "square root": "square root", "squared root": "square root",
    "to the power of three": "cubed", "to the third": "cubed", "to the three": "cubed",
    "to the power of": "to the", "raised to the": "to the", "raised to": "to the",
    "transposed": "transpose", "superscript t": "transpose", "componentwise": "component wise",
    "one over two": "one half", "a half": "one half",
    "summation": "sum", "logarithm": "log", "cos": "cosine", "sqrt": "square root",
    "det": "determinant", "dett": "determinant", "debt": "determinant",
    "max": "maximum", "soft max": "softmax", "y hat": "y hat", "yhat": "y hat",
    "vhat": "v hat", "xhat": "x hat", "relu": "relu", "rell you": "relu", "rel you": "relu", "rel u": "relu",
    "re lu": "relu", "rello": "relu", "rayleigh": "relu", "ray lu": "relu", "rel": "relu",
    # letter names
    "ay": "a", "bee": "b", "cee": "c", "dee": "d", "ef": "f", "eff": "f", "gee": "g",
    "aitch": "h", "jay": "j", "kay": "k", "el": "l", "ell": "l", "em": "m", "en": "n",
    "pee": "p", "queue": "q", "cue": "q", "ar": "r", "ess": "s", "tee": "t",
    "vee": "v", "double you": "w", "ex": "x", "why": "y", "zee": "z", "zed": "z",
    # Greek spellings
    "lamda": "lambda", "lambada": "lambda", "mew": "mu", "pie": "pi", "fee": "phi", "fi": "phi",
    "phee": "phi", "sai": "psi", "sigh": "psi", "row": "rho", "taw": "tau", "tao": "tau",
    "ksi": "xi", "zi": "xi", "kai": "chi", "thita": "theta", "theeta": "theta",
    "ita": "eta", "eeta": "eta", "etta": "eta", "epsilon": "epsilon", "upsilon": "upsilon",
}
_PHRASE_TABLE = {tuple(k.split()): tuple(v.split()) for k, v in PHRASES.items()}
_LONGEST = max(len(k) for k in _PHRASE_TABLE)

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def number_words(n: int) -> list[str]:
    """0 <= n: the words of n, as read aloud ("64" -> ["sixty", "four"])."""
    if n < 20:
        return [ONES[n]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        rest = number_words(n % 100) if n % 100 else []
        return [ONES[n // 100], "hundred"] + rest
    for size, name in SCALES:
        if n >= size:
            head = number_words(n // size) if n // size < 1000 else list(str(n // size))
            return head + [name] + (number_words(n % size) if n % size else [])
    raise AssertionError("unreachable")


def _spell_number(text: str) -> list[str]:
    """'64' -> sixty four; '0.5' -> zero point five; a long digit run is read digit by digit."""
    whole, _, frac = text.partition(".")
    if len(whole) > 15:
        words = [ONES[int(d)] for d in whole]
    else:
        words = number_words(int(whole)) if whole else ["zero"]
    if frac:
        words += ["point"] + [ONES[int(d)] for d in frac]
    return words


_NUMBER = re.compile(r"\d+(?:\.\d+)?")

# A recogniser writes symbols said one after another as one run of capitals: "A B sub i j"
# comes back as "AB sub IJ". In a text that also has small letters, a run of two to four
# capitals is read letter by letter, unless it is a word: a term or function name the phrase
# table knows, or a short English word (the letter names, "EM", "EX", are not words here).
SHORT_WORDS = frozenset("""
    a an the of to in on at by as is it be or and for from with that this than then are was
    were has have had not but if so do did does we you he she they our your its his her me my
    us up out all any per via into over onto off own same each both time hat bar dot sub sum
    log ln exp max min det sin cos tan norm mean arg abs mod var std ok okay yes no
    """.split())
WORDS_IN_CAPITALS = (SHORT_WORDS | set(ONES) | set(TENS[2:])
                     | {w for words in SYMBOLS.values() for w in words.split()}
                     | {k for k, v in PHRASES.items() if " " not in k and len(v) > 1}
                     | {w for v in PHRASES.values() for w in v.split() if len(w) > 1})
_CAPITALS = re.compile(r"(?<![^\W\d_])[A-Z]{2,4}(?![^\W\d_])")


def _spell_capitals(text: str) -> str:
    """'AB sub IJ equals' -> 'A B sub I J equals'; left as it is when nothing is in small letters."""
    if not any(ch.islower() for ch in text):
        return text
    return _CAPITALS.sub(lambda m: m[0] if m[0].casefold() in WORDS_IN_CAPITALS else " ".join(m[0]), text)


def _raw_tokens(text: str) -> list[str]:
    text = _spell_capitals(text)
    for _ in range(4):  # symbols, then again for those NFKC or case folding turn up ("…" -> "...")
        before = text
        for sym, words in SYMBOLS.items():
            text = text.replace(sym, words)
        text = unicodedata.normalize("NFKC", text).casefold()
        if text == before:
            break
    # digits inside words ("x1") become separate tokens, decimals stay whole
    text = re.sub(r"(\d+(?:\.\d+)?)", r" \1 ", text)
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)  # y-hat, component-wise
    text = re.sub(r"-(?=[\w(])", " minus ", text)                # e^-x, v - w, x-1
    return re.findall(r"\d+(?:\.\d+)?|[^\W_]+", text)


def tokens(text: str) -> list[Token]:
    """The canonical words of ``text``, each with the words it was read from."""
    words: list[Token] = []
    for raw in _raw_tokens(text):
        if _NUMBER.fullmatch(raw):
            words.extend(Token(w, w) for w in _spell_number(raw))
        else:
            words.append(Token(raw, raw))
    out: list[Token] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST, len(words) - i), 0, -1):
            key = tuple(t.canon for t in words[i:i + n])
            if key in _PHRASE_TABLE:
                said = " ".join(t.said for t in words[i:i + n])
                out.extend(Token(c, said if j == 0 else "") for j, c in enumerate(_PHRASE_TABLE[key]))
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def normalise(text: str) -> str:
    """The canonical reading of ``text`` as one space-separated string."""
    return " ".join(t.canon for t in tokens(text))
