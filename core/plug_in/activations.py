"""Chapters 10–12: sigmoid, ReLU, softmax."""
from __future__ import annotations

import sympy as sp

from core.plug_in.base import Input, approx, as_float, eq, exp, num, show, tame, tex

MAX_EXACT_SOFTMAX = 4   # more classes than this: e^{z_i} are carried as floats

INPUTS = {
    "sigmoid": (Input("x", "x", "number", "2", "the raw score"),),
    "relu": (Input("x", "x", "number or vector", "[-2, 0.5, 3, -0.1]", "a raw score, or a layer's scores"),),
    "softmax": (Input("z", r"\mathbf{z}", "vector", "[2, 0, -1]", "the logits, one per class"),),
}


def power_of_e(exponent: sp.Expr, value: sp.Expr) -> str:
    """e^{2} ≈ 7.3891, e^{0} = 1, e^{0.2929} ≈ 1.3403: the power, then its value."""
    if value.is_Number:
        return f"e^{{{num(exponent)}}} {eq(value)}"
    return show(value)


def approx_all(values: list) -> str:
    """= [0.5, 0.5] or ≈ [0.84379, 0.1142, 0.04201]: decimals only, for long exact forms."""
    exact = all(approx(v).startswith("=") for v in values)
    joiner = "=" if exact else r"\approx"
    return f"{joiner} {tex(values, decimal=True)}"


def sigmoid(v, out):
    x = v["x"]
    e = tame(exp(-x))
    out(f"e^{{-x}} = {power_of_e(-x, e)}", e)
    denom = tame(1 + e)
    written = num(denom) if e.is_Number else f"1 + {num(e)}"
    out(rf"1 + e^{{-x}} = {written} {approx(denom)}", denom)
    s = tame(1 / denom)
    out(rf"\sigma({num(x)}) = \frac{{1}}{{{written}}} {approx(s)}", s)
    return s


def relu(v, out):
    x = v["x"]
    if not isinstance(x, list):
        r = sp.Max(0, x)
        out(rf"\text{{ReLU}}({num(x)}) = \max(0,\ {num(x)}) {eq(r)}", r)
        return r
    result = []
    for i, xi in enumerate(x, 1):
        r = sp.Max(0, xi)
        result.append(r)
        out(rf"\text{{ReLU}}(x_{{{i}}}) = \max(0,\ {num(xi)}) {eq(r)}", r)
    out(rf"\text{{ReLU}}(\mathbf{{x}}) {eq(result)}", result)
    return result


def softmax_row(z: list) -> tuple[list, sp.Expr, list]:
    """(e^{z_i}, their sum, the probabilities), kept exact while they stay small."""
    if len(z) > MAX_EXACT_SOFTMAX:
        z = as_float(z)
    exps = [tame(exp(zi)) for zi in z]
    total = tame(sum(exps, sp.Integer(0)))
    return exps, total, [tame(e / total) for e in exps]


def softmax(v, out):
    z = v["z"]
    exps, total, probs = softmax_row(z)
    for i, (zi, e) in enumerate(zip(z, exps), 1):
        out(rf"e^{{z_{{{i}}}}} = {power_of_e(zi, e)}", e)
    written = " + ".join(num(e) for e in exps)
    out(rf"\textstyle\sum_j e^{{z_j}} = {written} {approx(total)}", total)
    for i, (e, p) in enumerate(zip(exps, probs), 1):
        out(rf"\text{{softmax}}(z_{{{i}}}) = \frac{{{num(e)}}}{{{written}}} {approx(p)}", p)
    out(rf"\text{{softmax}}(\mathbf{{z}}) {approx_all(probs)}", probs)
    return probs


RULES = {"sigmoid": sigmoid, "relu": relu, "softmax": softmax}
