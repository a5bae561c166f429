"""Reading the learner's text for one input: checked, bounded, and kept exact where it can be.

The practice parser (core.mathparse, never ``eval``) checks the text and its limits, and gives
a float for anything irrational. Where it did, the same tokens are walked again by the same
grammar into sympy, so √2, π, e and ln 2 stay symbols while they are short:

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("-" | "+") unary | power
    power  := atom (("^" | "**") unary)?
    atom   := NUMBER | CONST | FUNC "(" expr ")" | "√" atom | "(" expr ")" | "[" items "]"

The walk only ever sees text the practice parser accepted, so it need not explain errors.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from core import mathparse
from core.plug_in.base import Input, PlugInError

MAX_ENTRIES = 6          # entries of a vector
MAX_SIDE = 4             # rows and columns of a matrix
MAX_MAGNITUDE = 10**6    # every entry the learner types lies within ± this
MAX_EXACT_DIGITS = 12    # a rational with more digits than this becomes a float
MAX_SYMBOL_LATEX = 32    # an irrational input (√2, π/4, (1 + √5)/2) stays a symbol while its LaTeX is this short


def _entry(x, symbolic: sp.Expr | None) -> sp.Expr:
    """One typed number: x as the practice parser read it, ``symbolic`` the same text read exactly."""
    if abs(x) > MAX_MAGNITUDE:
        raise PlugInError(f"keep every number between −{MAX_MAGNITUDE:,} and {MAX_MAGNITUDE:,}")
    if isinstance(x, float) and symbolic is not None and _short(symbolic, x):
        return symbolic                    # √2, π/4, e, or 2 for sqrt(2)^2
    if isinstance(x, Fraction):
        if max(len(str(abs(x.numerator))), len(str(x.denominator))) <= MAX_EXACT_DIGITS:
            return sp.Rational(x.numerator, x.denominator)
        x = float(x)
    return sp.Float(x, 15)


def _short(e: sp.Expr, x: float) -> bool:
    """True when e, the exact form of the float x, is short enough to carry as it is."""
    small = all(max(len(str(abs(r.p))), len(str(r.q))) <= MAX_EXACT_DIGITS for r in e.atoms(sp.Rational))
    if not (small and e.is_number and not e.has(sp.Float) and len(sp.latex(e)) <= MAX_SYMBOL_LATEX):
        return False
    value = sp.N(e, 20)                    # the same number as the parser's float, not a near miss
    if not value.is_real or (e != 0 and abs(value) < 1e-12):
        return False                       # a form sympy leaves unreduced may be 0 (√(3+2√2) − 1 − √2)
    return abs(float(value) - x) <= 1e-12 * max(1.0, abs(x))


def _noun(s: tuple[int, ...]) -> str:
    if s == ():
        return "a single number"
    if len(s) == 1:
        return f"a vector of {s[0]} entr{'y' if s[0] == 1 else 'ies'}"
    return f"a {s[0]}×{s[1]} matrix"


def read(spec: Input, text: str):
    """The learner's text for one input, checked against its kind, as sympy values."""
    try:
        raw = mathparse.parse(text)
    except mathparse.ParseError as exc:
        raise PlugInError(f"{spec.name}: {exc}") from None
    s = mathparse.shape(raw)
    kind = spec.kind
    wanted = {"number": {0}, "vector": {1}, "matrix": {2}, "number or vector": {0, 1}}[kind]
    if len(s) not in wanted:
        like = {"number": "a single number, like 0.5", "vector": "a vector, like [1, 2]",
                "matrix": "a matrix, like [[1, 2], [3, 4]] (one row is [[1, 2]])",
                "number or vector": "a number like 0.5 or a vector like [1, 2]"}[kind]
        raise PlugInError(f"{spec.name} should be {like}; this is {_noun(s)}.")
    if len(s) == 1 and s[0] > MAX_ENTRIES:
        raise PlugInError(f"{spec.name} has {s[0]} entries; keep vectors to at most {MAX_ENTRIES} here.")
    if len(s) == 2 and max(s) > MAX_SIDE:
        raise PlugInError(f"{spec.name} is {s[0]}×{s[1]}; keep matrices to at most {MAX_SIDE}×{MAX_SIDE} here.")
    flat = mathparse.flatten(raw)
    irrational = any(isinstance(x, float) for x in flat)   # only then is the text read again, exactly
    symbolic = mathparse.flatten(exact(text)) if irrational else [None] * len(flat)
    try:
        entries = [_entry(x, e) for x, e in zip(flat, symbolic)]
    except PlugInError as exc:
        raise PlugInError(f"{spec.name}: {exc}.") from None
    if len(s) == 0:
        return entries[0]
    if len(s) == 1:
        return entries
    return [entries[i * s[1]:(i + 1) * s[1]] for i in range(s[0])]


# -- the same text, read exactly ---------------------------------------------------

def exact(text: str):
    """``text`` (already accepted by mathparse.parse) as sympy: a number, a tuple, or rows."""
    return _Walk(mathparse.tokenize(text)).expr()


CONSTANTS = {"pi": sp.pi, "π": sp.pi, "e": sp.E, "tau": 2 * sp.pi}
FUNCTIONS = {"sqrt": sp.sqrt, "exp": sp.exp, "ln": sp.log, "log": sp.log, "abs": sp.Abs}


class _Walk:
    def __init__(self, tokens):
        self.tokens, self.i = tokens, 0

    def take(self) -> str:
        self.i += 1
        return self.tokens[self.i - 1].text

    def at(self, *texts: str) -> bool:
        return self.i < len(self.tokens) and self.tokens[self.i].kind == "op" and self.tokens[self.i].text in texts

    def expr(self):
        left = self.term()
        while self.at("+", "-"):
            left = left + self.term() if self.take() == "+" else left - self.term()
        return left

    def term(self):
        left = self.unary()
        while self.at("*", "/"):
            left = left * self.unary() if self.take() == "*" else left / self.unary()
        return left

    def unary(self):
        if self.at("-", "+"):
            return -self.unary() if self.take() == "-" else self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self.at("^", "**"):
            self.take()
            return sp.Pow(base, self.unary())
        return base

    def atom(self):
        tok = self.tokens[self.i]
        self.take()
        if tok.kind == "num":
            f = Fraction(tok.text)
            return sp.Rational(f.numerator, f.denominator)
        if tok.kind == "name":
            name = tok.text.lower() if tok.text != "π" else tok.text
            if name in CONSTANTS:
                return CONSTANTS[name]
            self.take()                      # (
            arg = self.expr()
            self.take()                      # )
            return FUNCTIONS[name](arg)
        if tok.text == "√":
            return sp.sqrt(self.atom())
        if tok.text == "(":
            value = self.expr()
            self.take()                      # )
            return value
        items = [self.expr()]                # [ items ]
        while self.at(","):
            self.take()
            items.append(self.expr())
        self.take()                          # ]
        return tuple(items)
