"""What every chapter's plug-in shares: inputs, steps, writing numbers (reading is in reading.py).

A value is a sympy number, a list of them (a vector) or a list of rows (a matrix).
Numbers the learner types exactly (3, 0.5, 3/4) stay exact rationals; irrational inputs
(sqrt(2), pi/4, exp(1)) stay symbols (√2, π/4, e) while they are short, and floats otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
import math
import re
from decimal import Decimal

import mpmath
import sympy as sp


MAX_EXACT_OPS = 24       # an expression bigger than this is carried on as a float
MAX_SHOWN_LATEX = 70     # an exact form longer than this is shown by its decimal only
MAX_EXACT_EXP = 50       # e^x with a log in x stays exact while |x| is this small (k^n of at most ~22 digits)


@dataclass(frozen=True)
class Input:
    name: str            # the key in ``values``
    symbol: str          # how the formula writes it, in LaTeX
    kind: str            # "number", "vector", "matrix" or "number or vector"
    default: str         # practice-answer syntax, from the chapter's worked example
    description: str


def spoken_symbol(latex: str) -> str:
    """How a plug-in input's symbol is said, for a screen reader's name of its field:
    "\\mathbf{v}" is "vector v", "\\mathbf{A}" "matrix A", "\\hat{\\mathbf{y}}" "vector y hat",
    "\\theta_t" "theta sub t", "\\nabla_\\theta L" "gradient of L with respect to theta"."""
    text = latex.strip()
    if m := re.fullmatch(r"\\nabla_\\?(\w+)\s*(\w+)", text):
        return f"gradient of {spoken_symbol(m[2])} with respect to {spoken_symbol(m[1])}"
    if m := re.fullmatch(r"\\hat\{(.+)\}", text):
        return f"{spoken_symbol(m[1])} hat"
    if m := re.fullmatch(r"\\mathbf\{(\w)\}", text):
        return f"{'matrix' if m[1].isupper() else 'vector'} {m[1]}"
    if m := re.fullmatch(r"(.+?)_\{?(\w+)\}?", text):
        return f"{spoken_symbol(m[1])} sub {spoken_symbol(m[2])}"
    if m := re.fullmatch(r"\\(\w+)", text):       # a Greek letter: its name
        return m[1]
    return re.sub(r"[\\{}]", "", text)


@dataclass(frozen=True)
class Step:
    latex: str           # the operation, written out with the learner's numbers
    value: object        # its value as the nearest float (see plain): float, complex, list or list of lists


@dataclass(frozen=True)
class Outcome:
    steps: tuple[Step, ...] = ()
    result: object = None
    error: str | None = None


class PlugInError(ValueError):
    """The values cannot go through this formula; the message says why, in plain words."""


def tame(x: sp.Expr) -> sp.Expr:
    """Keep x exact while it stays small; otherwise carry it on as a 15-digit float."""
    if x.is_Number or x.is_Atom:
        return x
    if x.has(sp.Float) or sp.count_ops(x) > MAX_EXACT_OPS:
        return _float(x)
    return x


def _float(x: sp.Expr) -> sp.Expr:
    """x as a 15-digit float; a complex x (an eigenvalue of a rotation) as two of them, re + im·i."""
    n = sp.N(x, 15)
    if not n.has(sp.I):
        return sp.Float(n, 15)
    re, im = n.as_real_imag()
    return sp.Float(re, 15) + sp.Float(im, 15) * sp.I


def exp(x: sp.Expr) -> sp.Expr:
    """e^x, kept exact while that stays small. sympy writes e^{n ln k} out as the integer k^n,
    of |x| / ln 10 digits (10⁶ · ln 3 would be 477,122 of them), so such an x is weighed first
    and, when large, carried as a float."""
    if x.has(sp.log) and abs(sp.N(x, 15)) > MAX_EXACT_EXP:
        x = sp.Float(sp.N(x, 15), 15)
    return sp.exp(x)


def as_float(value):
    """The same value carried as 15-digit floats: for work whose exact form would sprawl."""
    if isinstance(value, list):
        return [as_float(v) for v in value]
    return _float(value)


# -- plain Python values -------------------------------------------------------

def plain(x):
    """float (or complex) for a number; lists of them for vectors and matrices.

    The nearest float: a value beyond float range (e^{-800}) keeps its sign as ±0.0 or ±inf,
    while the steps' LaTeX, worked in sympy, writes it in full (3.6679 × 10^{-348}).
    """
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if x.is_Float or x.is_Rational:
        return float(x)
    n = sp.N(x, 17)
    re, im = (float(part) for part in n.as_real_imag())
    return complex(re, im) if abs(im) > 1e-300 else re


# -- writing numbers -----------------------------------------------------------

def _decimal(x: sp.Expr) -> str:
    if x.is_Float or x.is_Rational:
        f = float(x)
        if math.isfinite(f) and (x == 0 or 1e-300 < abs(f) < 1e300):   # one that underflows: in full
            return _fstr(f)
    n = sp.N(x, 12)
    re, im = n.as_real_imag()
    text = _nstr(re)
    if im != 0:
        sign = "-" if im < 0 else "+"
        text = f"{text} {sign} {_nstr(abs(im))}\\,i" if re != 0 else f"{_nstr(im)}\\,i"
    return text


def _fstr(f: float) -> str:
    """Five significant digits, trailing zeros dropped; powers of ten in LaTeX."""
    s = f"{f:.5g}"
    if "e" in s:
        mant, _, exp = s.partition("e")
        return _power_of_ten(mant, int(exp))
    return s


def _nstr(x) -> str:
    s = mpmath.nstr(mpmath.mpf(str(sp.Float(x, 12))), 5, min_fixed=-4, max_fixed=7)
    if "e" in s:
        mant, _, exp = s.partition("e")
        return _power_of_ten(mant, int(exp))
    return s[:-2] if s.endswith(".0") else s


def _power_of_ten(mant: str, exp: int) -> str:
    """-{3.6679 \\times 10^{-348}}, {10^{-60}}: one group, so a wrapped line never splits a number."""
    sign, mant = ("-", mant[1:]) if mant.startswith("-") else ("", mant)
    body = f"10^{{{exp}}}" if mant in ("1", "1.0") else f"{mant} \\times 10^{{{exp}}}"
    return f"{sign}{{{body}}}"


def _terminates(x: sp.Rational) -> bool:
    """3/5 = 0.6 and 5/2 = 2.5 are written as decimals; 1/3 stays a fraction."""
    q = int(x.q)
    twos = fives = 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    return q == 1 and max(twos, fives) <= 4 and abs(x) < 10**6


def num(x: sp.Expr) -> str:
    """A number as the steps write it: exact when short, a decimal otherwise (no ≈)."""
    if x.is_Integer:
        return str(int(x))
    if x.is_Float:
        return _decimal(x)
    if x.is_Rational and _terminates(x):
        return _exact_decimal(x)
    s = sp.latex(x)
    return s if len(s) <= MAX_SHOWN_LATEX else _decimal(x)


def _rounded(x: sp.Expr) -> bool:
    """True when the decimal shown for x is not exactly x."""
    if x.is_Integer or (x.is_Rational and _terminates(x)):
        return False
    if x.is_Number or not x.has(sp.I):
        return True
    re, im = x.as_real_imag()
    return _rounded(re) or _rounded(im)


def _exact_decimal(x: sp.Rational) -> str:
    d = Decimal(int(x.p)) / Decimal(int(x.q))
    return format(d.normalize(), "f") if d != d.to_integral() else str(int(d))


def show(value) -> str:
    """A value with its exact form and, beside it, its decimal: \\frac{\\sqrt{2}}{2} ≈ 0.70711.

    The decimal is left out where it would only repeat the exact form (a float, a long form).
    """
    exact, decimal = tex(value), tex(value, decimal=True)
    flat = _flat(value) if isinstance(value, list) else [value]
    if decimal == exact or not any(_rounded(v) for v in flat):
        return exact
    return rf"{exact} \approx {decimal}"


def eq(value) -> str:
    """The value after its relation: "= 5", "= \\frac{1}{3} \\approx 0.33333", or "\\approx 4.4429"
    when the value can only be written rounded (a float, or an exact form too long to show)."""
    flat = _flat(value) if isinstance(value, list) else [value]
    rounded = any(_rounded(v) for v in flat)
    only_decimal = tex(value) == tex(value, decimal=True)
    return rf"\approx {tex(value)}" if rounded and only_decimal else f"= {show(value)}"


def approx(x: sp.Expr) -> str:
    """"= 0.25" when the decimal is exact, "\\approx 0.35667" when it is rounded."""
    return f"= {tex(x, decimal=True)}" if not _rounded(x) else rf"\approx {tex(x, decimal=True)}"


def _flat(value) -> list:
    return [x for item in value for x in (item if isinstance(item, list) else [item])]


def _approx(x: sp.Expr) -> str:
    if x.is_Integer:
        return str(int(x))
    if x.is_Rational and _terminates(x):
        return _exact_decimal(x)
    return _decimal(x)


def tex(value, *, decimal: bool = False) -> str:
    """LaTeX of a number, a vector [a, b] or a matrix (bmatrix)."""
    one = _approx if decimal else num
    if isinstance(value, list) and value and isinstance(value[0], list):
        rows = r" \\ ".join(" & ".join(one(v) for v in row) for row in value)
        return rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    if isinstance(value, list):
        return r"\left[\, " + r",\ ".join(one(v) for v in value) + r" \,\right]"
    return one(value)


def factor(x: sp.Expr) -> str:
    """x as a factor in a product or a term after a minus: negatives in parentheses."""
    s = num(x)
    return f"({s})" if s.startswith("-") or (x.is_Add and not x.is_Number) else s


def base(x: sp.Expr) -> str:
    """x as the base of a power or the argument of log: 3, 0.5, (−3), (3/4), (√2)."""
    s = num(x)
    plain_number = (x.is_Number and x >= 0 and not any(c in s for c in "\\ {")) or x.is_NumberSymbol
    return s if plain_number else rf"\left({s}\right)"


def equals(written: str, value) -> str:
    """"√2 ≈ 1.4142" rather than "√2 = √2 ≈ 1.4142": the written form, then the value."""
    return tidy(f"{written} {eq(value)}")


_RELATIONS = (" = ", r" \approx ")


def segments(latex: str) -> list[str]:
    """A step cut at its top-level = and ≈: [side, relation, side, relation, side, …].

    Relations inside braces, \\left … \\right or an environment stay where they are.
    """
    parts, depth, start, i = [], 0, 0, 0
    while i < len(latex):
        for word, change in ((r"\left", 1), (r"\right", -1), (r"\begin", 1), (r"\end", -1)):
            if latex.startswith(word, i) and not latex[i + len(word):i + len(word) + 1].isalpha():
                depth, i = depth + change, i + len(word)
                break
        else:
            c = latex[i]
            if c == "\\":
                i += 2                     # \{ \} \, \\ are not braces
                continue
            depth += (c == "{") - (c == "}")
            rel = next((r for r in _RELATIONS if depth == 0 and latex.startswith(r, i)), None)
            if rel:
                parts += [latex[start:i].strip(), rel.strip()]
                start = i + len(rel)
                i = start
            else:
                i += 1
    return parts + [latex[start:].strip()]


def tidy(latex: str) -> str:
    """Never "x = x" or "x ≈ x": a side that repeats the one before it is dropped, and where
    the two were joined by ≈ the relation leading to the one kept becomes ≈."""
    parts = segments(latex)
    out = parts[:1]
    for rel, side in zip(parts[1::2], parts[2::2]):
        if side != out[-1]:
            out += [rel, side]
        elif rel != "=" and len(out) > 1:
            out[-2] = r"\approx"
    return " ".join(out)


def sub(i: int) -> str:
    """2 -> ₂, for plain-text messages."""
    return str(i).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def signed_sum(terms: list[sp.Expr]) -> str:
    """t1 + t2 − t3 …, with a negative term written as a subtraction."""
    out = ""
    for i, t in enumerate(terms):
        s = num(t)
        if i == 0:
            out = s
        elif s.startswith("-"):
            out += f" - {s[1:]}" if not t.is_Add else f" + ({s})"
        else:
            out += f" + {s}"
    return out


def dot(a: list, b: list) -> sp.Expr:
    """a1·b1 + a2·b2 + …, exact."""
    return tame(sum((x * y for x, y in zip(a, b)), sp.Integer(0)))


def dot_terms(a: list, b: list) -> str:
    r"""a1·b1 + a2·b2 + …"""
    return " + ".join(rf"{factor(x)} \cdot {factor(y)}" for x, y in zip(a, b))


def same_length(name_a: str, a: list, name_b: str, b: list, what: str) -> None:
    if len(a) != len(b):
        raise PlugInError(
            f"{name_a} has {len(a)} entries and {name_b} has {len(b)}: {what} needs the same length."
        )
