"""A small, restricted parser for learners' answers.

It reads numbers, vectors and matrices written the way people type them:

    42   -3.5   3/4   5e-1   2*3+1   2^10   sqrt(2)/2   pi/4   e   exp(-1)
    [1, 2]      [[1, 2], [3, 4]]     [1/2, sqrt(3)/2]

Nothing here calls ``eval``: the text is tokenised and walked by a
recursive-descent parser that only knows the grammar below.

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("-" | "+") unary | power
    power  := atom (("^" | "**") unary)?
    atom   := NUMBER | CONST | FUNC "(" expr ")" | "(" expr ")" | "[" items "]"

Scalars stay exact (``fractions.Fraction``) while they can and become floats
once an irrational step (sqrt of a non-square, pi, e, exp, ln) appears.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Union

Scalar = Union[Fraction, float]
Value = Union[Scalar, tuple]  # a scalar, a tuple of scalars, or a tuple of rows

MAX_LENGTH = 2000        # characters of input we are willing to read
MAX_DEPTH = 40           # nesting of brackets and parentheses
MAX_EXPONENT = 1000      # |n| in x^n
MAX_MAGNITUDE = 1e300    # anything bigger is refused rather than overflowing
MAX_DIGITS = 300         # digits of an exact fraction's numerator or denominator (10^300 ~ MAX_MAGNITUDE)

CONSTANTS = {"pi": math.pi, "π": math.pi, "e": math.e, "tau": math.tau}
FUNCTIONS = {"sqrt", "exp", "ln", "log", "abs"}

FORMS_HINT = (
    "Write a number (0.5, 1/2, 5e-1, sqrt(2), pi/4), "
    "a vector like [1, 2] or a matrix like [[1, 2], [3, 4]]."
)

_TOKEN = re.compile(
    r"""
    (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-zπ]+)
  | (?P<op>\*\*|[-+*/^(),\[\]√])
  | (?P<space>\s+)
    """,
    re.VERBOSE,
)
# Characters people paste from formulas, mapped to what the grammar knows.
_SUBSTITUTE = str.maketrans({"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/"})


class ParseError(ValueError):
    """The text is not something this parser can read; the message says why."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    pos: int


def tokenize(text: str) -> list[_Token]:
    text = text.translate(_SUBSTITUTE)
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ParseError(f"Unexpected character {text[pos]!r} at position {pos + 1}.")
        if m.lastgroup != "space":
            tokens.append(_Token(m.lastgroup, m.group(), pos))
        pos = m.end()
    return tokens


def _check(x: Scalar) -> Scalar:
    if isinstance(x, float) and (math.isnan(x) or abs(x) > MAX_MAGNITUDE):
        raise ParseError("That number is too large (or undefined) to check.")
    if isinstance(x, Fraction) and (abs(x.numerator) > 10**MAX_DIGITS or x.denominator > 10**MAX_DIGITS):
        raise ParseError("That number is too large to check.")
    return x


def _sqrt(x: Scalar) -> Scalar:
    if x < 0:
        raise ParseError("sqrt() of a negative number is not a real number.")
    if isinstance(x, Fraction):
        n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
        if n * n == x.numerator and d * d == x.denominator:
            return Fraction(n, d)
    return math.sqrt(x)


def _apply(name: str, x: Scalar) -> Scalar:
    if name == "sqrt":
        return _sqrt(x)
    if name == "abs":
        return abs(x)
    if name == "exp":
        if x > 690:
            raise ParseError("exp() of that is too large to check.")
        return math.exp(x)
    if x <= 0:  # ln / log
        raise ParseError(f"{name}() needs a positive number.")
    return Fraction(0) if x == 1 else math.log(x)


def _power(base: Scalar, exp: Scalar) -> Scalar:
    if isinstance(exp, Fraction) and exp.denominator == 1:
        n = exp.numerator
        if abs(n) > MAX_EXPONENT:
            raise ParseError(f"Exponents are limited to ±{MAX_EXPONENT}.")
        if base == 0 and n < 0:
            raise ParseError("Division by zero.")
        if isinstance(base, Fraction):
            # (p/q)^n is p^n/q^n, already in lowest terms: its size is known before it is worked
            if abs(n) * math.log10(max(abs(base.numerator), base.denominator)) > MAX_DIGITS:
                raise ParseError("That number is too large to check.")
            return base**n
        if base != 0 and n * math.log(abs(float(base))) > 690:   # before a float overflows
            raise ParseError("That power is too large to check.")
        return float(base) ** n
    if base < 0:
        raise ParseError("A negative number to a fractional power is not real.")
    if base == 0:
        return Fraction(0)
    if float(exp) * math.log(float(base)) > 690:
        raise ParseError("That power is too large to check.")
    return float(base) ** float(exp)


class _Parser:
    def __init__(self, tokens: list[_Token]):
        self.tokens, self.i, self.depth = tokens, 0, 0

    # -- helpers -----------------------------------------------------------
    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, text: str | None = None, opened: _Token | None = None) -> _Token:
        """The next token (which must be ``text`` if given); ``opened`` is the bracket it closes."""
        tok = self.peek()
        if tok is None:
            if opened is not None:
                raise ParseError(f"The {opened.text} opened at character {opened.pos + 1} is never closed.")
            raise ParseError(f"The answer ends too early{f' (expected {text!r})' if text else ''}.")
        if text is not None and tok.text != text:
            raise ParseError(f"Expected {text!r} at position {tok.pos + 1}, found {tok.text!r}.")
        self.i += 1
        return tok

    def at(self, *texts: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text in texts

    def nest(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError("Too many nested brackets.")

    # -- grammar -----------------------------------------------------------
    def parse(self) -> Value:
        if not self.tokens:
            raise ParseError("The answer is empty.")
        value = self.expr()
        tok = self.peek()
        if tok is not None:
            raise ParseError(f"Unexpected {tok.text!r} at position {tok.pos + 1}.")
        return value

    def expr(self) -> Value:
        left = self.term()
        while self.at("+", "-"):
            op = self.take().text
            right = self.term()
            left = _scalar_op(left, right, op)
        return left

    def term(self) -> Value:
        left = self.unary()
        while self.at("*", "/"):
            op = self.take().text
            right = self.unary()
            left = _scalar_op(left, right, op)
        return left

    def unary(self) -> Value:
        if self.at("-", "+"):
            sign = self.take().text
            self.nest()
            value = self.unary()
            self.depth -= 1
            return value if sign == "+" else _scalar_op(Fraction(0), value, "-")
        return self.power()

    def power(self) -> Value:
        base = self.atom()
        if self.at("^", "**"):
            self.take()
            self.nest()
            exp = self.unary()
            self.depth -= 1
            return _scalar_op(base, exp, "^")
        return base

    def atom(self) -> Value:
        tok = self.take()
        if tok.kind == "num":
            mantissa, _, exponent = tok.text.lower().partition("e")
            if exponent and abs(int(exponent)) > 400:
                raise ParseError("That number is too large (or too small) to check.")
            return _check(Fraction(tok.text))
        if tok.kind == "name":
            name = tok.text.lower() if tok.text != "π" else tok.text
            if name in CONSTANTS:
                return CONSTANTS[name]
            if name in FUNCTIONS:
                opening = self.take("(")
                self.nest()
                arg = self.expr()
                self.depth -= 1
                self.take(")", opening)
                if isinstance(arg, tuple):
                    raise ParseError(f"{name}() takes a single number.")
                return _check(_apply(name, arg))
            raise ParseError(
                f"Unknown word {tok.text!r} at position {tok.pos + 1}; "
                "known are pi, e, sqrt(), exp(), ln()."
            )
        if tok.text == "√":                      # √2, √(1/4): a prefix square root
            self.nest()
            arg = self.atom()
            self.depth -= 1
            if isinstance(arg, tuple):
                raise ParseError("√ takes a single number.")
            return _check(_sqrt(arg))
        if tok.text == "(":
            self.nest()
            value = self.expr()
            self.depth -= 1
            self.take(")", tok)
            return value
        if tok.text == "[":
            return self.bracket(tok)
        raise ParseError(f"Unexpected {tok.text!r} at position {tok.pos + 1}.")

    def bracket(self, opening: _Token) -> tuple:
        self.nest()
        items = [self.expr()]
        while self.at(","):
            self.take()
            items.append(self.expr())
        self.take("]", opening)
        self.depth -= 1
        kinds = {isinstance(x, tuple) for x in items}
        if len(kinds) > 1:
            raise ParseError("Mix of numbers and rows in one bracket: a matrix needs every row in [ ].")
        if True in kinds:
            if any(isinstance(y, tuple) for row in items for y in row):
                raise ParseError("Only vectors and matrices (two levels of brackets) are supported.")
            if len({len(row) for row in items}) > 1:
                raise ParseError("Every row of a matrix needs the same number of entries.")
        return tuple(items)


def _scalar_op(a: Value, b: Value, op: str) -> Scalar:
    if isinstance(a, tuple) or isinstance(b, tuple):
        raise ParseError("Arithmetic works on numbers; write each entry of a vector separately, like [1/2, 3].")
    if op == "+":
        return _check(a + b)
    if op == "-":
        return _check(a - b)
    if op == "*":
        return _check(a * b)
    if op == "/":
        if b == 0:
            raise ParseError("Division by zero.")
        return _check(a / b)
    return _check(_power(a, b))


def parse(text: str) -> Value:
    """Parse an answer into a scalar, a vector (tuple) or a matrix (tuple of tuples)."""
    if not isinstance(text, str):
        raise ParseError("The answer must be text.")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"The answer is longer than {MAX_LENGTH} characters.")
    return _Parser(tokenize(text)).parse()


def shape(value: Value) -> tuple[int, ...]:
    """() for a scalar, (n,) for a vector, (rows, cols) for a matrix."""
    if not isinstance(value, tuple):
        return ()
    if value and isinstance(value[0], tuple):
        return (len(value), len(value[0]))
    return (len(value),)


def flatten(value: Value) -> list[Scalar]:
    if not isinstance(value, tuple):
        return [value]
    return [x for item in value for x in flatten(item)]


def describe_shape(s: tuple[int, ...]) -> str:
    if s == ():
        return "a single number"
    if len(s) == 1:
        return f"a vector of {s[0]} numbers, like [1, 2]"
    return f"a {s[0]}×{s[1]} matrix, like [[1, 2], [3, 4]]"


def to_float(value: Value):
    """The same structure with plain floats (for display and NumPy)."""
    if isinstance(value, tuple):
        return [to_float(v) for v in value]
    return float(value)
