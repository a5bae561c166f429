"""Chapters 1–5: vectors, norm, unit vector, dot product, cosine similarity."""
from __future__ import annotations

import sympy as sp

from core.plug_in.base import (
    Input, PlugInError, base, dot, dot_terms, eq, equals, factor, num, same_length, signed_sum, tame, tex,
)

INPUTS = {
    "vectors": (
        Input("k", "k", "number", "2", "the scale factor"),
        Input("v", r"\mathbf{v}", "vector", "[2, 1]", "the vector to scale"),
        Input("w", r"\mathbf{w}", "vector", "[1, 2]", "the vector to add"),
    ),
    "vector_norm": (Input("v", r"\mathbf{v}", "vector", "[2, -3, 6]", "the vector to measure"),),
    "unit_vector": (Input("v", r"\mathbf{v}", "vector", "[3, 4]", "the vector to shrink to length 1"),),
    "dot_product": (
        Input("a", r"\mathbf{a}", "vector", "[3, 1]", "the first vector"),
        Input("b", r"\mathbf{b}", "vector", "[1, 2]", "the second vector"),
    ),
    "cosine_similarity": (
        Input("a", r"\mathbf{a}", "vector", "[3, 4]", "the first vector"),
        Input("b", r"\mathbf{b}", "vector", "[4, 3]", "the second vector"),
    ),
}


def vectors(x, out):
    k, v, w = x["k"], x["v"], x["w"]
    same_length("v", v, "w", w, "adding two vectors")
    kv = [tame(k * vi) for vi in v]
    written = r",\ ".join(rf"{factor(k)} \cdot {factor(vi)}" for vi in v)
    out(rf"k\mathbf{{v}} = {factor(k)} \cdot {tex(v)} = \left[\, {written} \,\right] {eq(kv)}", kv)
    total = [tame(k * vi + wi) for vi, wi in zip(v, w)]   # from the inputs, not the rounded kv
    # an entry that does not combine (√2π + 1) is written once, as the sum it stays
    written = r",\ ".join(signed_sum([a, b]) if t.is_Number else num(t) for a, b, t in zip(kv, w, total))
    out(rf"k\mathbf{{v}} + \mathbf{{w}} = \left[\, {written} \,\right] {eq(total)}", total)
    return total


def _norm(name: str, v: list, out) -> sp.Expr:
    """‖v‖ in two steps: the sum of squares, then its root."""
    squares = [tame(vi**2) for vi in v]
    written = " + ".join(f"{base(vi)}^2" for vi in v)
    total = tame(sum(squares, sp.Integer(0)))
    out(rf"\lVert {name} \rVert^2 = {written} = {signed_sum(squares)} {eq(total)}", total)
    return _root(name, total, out)


def _root(name: str, total: sp.Expr, out) -> sp.Expr:
    """A norm's last step: the square root of the sum of squares."""
    length = tame(sp.sqrt(total))
    root = equals(rf"\sqrt{{{num(total)}}}", length)
    out(rf"\lVert {name} \rVert = {root}", length)
    return length


def vector_norm(x, out):
    v = x["v"]
    squares = []
    for i, vi in enumerate(v, 1):
        sq = tame(vi**2)
        squares.append(sq)
        out(rf"v_{{{i}}}^2 = {base(vi)}^2 {eq(sq)}", sq)
    total = tame(sum(squares, sp.Integer(0)))
    if len(v) > 1:
        out(rf"{' + '.join(f'v_{{{i}}}^2' for i in range(1, len(v) + 1))} = {signed_sum(squares)} {eq(total)}", total)
    return _root(r"\mathbf{v}", total, out)


def unit_vector(x, out):
    v = x["v"]
    length = _norm(r"\mathbf{v}", v, out)
    if length == 0:
        raise PlugInError(
            "v is the zero vector: its length is 0, and dividing by 0 is undefined. "
            "The zero vector points nowhere, so it has no direction to keep."
        )
    unit = [tame(vi / length) for vi in v]
    out(rf"\hat{{\mathbf{{v}}}} = \frac{{1}}{{{num(length)}}} {tex(v)} {eq(unit)}", unit)
    return unit


def dot_product(x, out):
    a, b = x["a"], x["b"]
    same_length("a", a, "b", b, "a dot product")
    products = []
    for i, (ai, bi) in enumerate(zip(a, b), 1):
        p = tame(ai * bi)
        products.append(p)
        out(rf"a_{{{i}}} b_{{{i}}} = {factor(ai)} \cdot {factor(bi)} {eq(p)}", p)
    total = dot(a, b)   # from the inputs, not the rounded products
    out(rf"\mathbf{{a}} \cdot \mathbf{{b}} = {signed_sum(products)} {eq(total)}", total)
    return total


def cosine_similarity(x, out):
    a, b = x["a"], x["b"]
    same_length("a", a, "b", b, "cosine similarity")
    ab = dot(a, b)
    out(rf"\mathbf{{a}} \cdot \mathbf{{b}} = {dot_terms(a, b)} {eq(ab)}", ab)
    norm_a = _norm(r"\mathbf{a}", a, out)
    norm_b = _norm(r"\mathbf{b}", b, out)
    for name, n in (("a", norm_a), ("b", norm_b)):
        if n == 0:
            raise PlugInError(
                f"{name} is the zero vector: it has no direction, so there is no angle to measure "
                "(the formula would divide by a length of 0)."
            )
    cos = tame(ab / (norm_a * norm_b))
    out(rf"\cos\theta = \frac{{{num(ab)}}}{{{factor(norm_a)} \cdot {factor(norm_b)}}} {eq(cos)}", cos)
    angle = _angle(a, b) * 180 / sp.pi
    angle = angle if angle.is_Rational else sp.Float(sp.N(angle, 15), 15)   # 90° stays exact
    shown = tex(cos, decimal=True)
    if shown in ("1", "-1") and cos not in (1, -1):
        shown = r"\cos\theta"          # rounded to ±1, its arccos would read as 0° or 180°
    out(rf"\theta = \arccos\left({shown}\right) {eq(angle)}{{}}^\circ", angle)
    return cos


def _angle(a: list, b: list) -> sp.Expr:
    """The angle between a and b, in radians, as atan2(‖a‖‖b‖ sin θ, ‖a‖‖b‖ cos θ).

    arccos of a cosine near ±1 loses the angle (1 − cos θ ≈ θ²/2 cancels); here the sine side is
    a sum of squares, Σ (a_i b_j − a_j b_i)², so nearly parallel vectors keep their small angle.
    """
    n = len(a)
    cross = sum(((a[i] * b[j] - a[j] * b[i]) ** 2 for i in range(n) for j in range(i + 1, n)), sp.Integer(0))
    return sp.atan2(sp.sqrt(cross), sum((x * y for x, y in zip(a, b)), sp.Integer(0)))


RULES = {
    "vectors": vectors, "vector_norm": vector_norm, "unit_vector": unit_vector,
    "dot_product": dot_product, "cosine_similarity": cosine_similarity,
}
