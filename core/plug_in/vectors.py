"""Chapters 1–5: vectors, norm, unit vector, dot product, cosine similarity."""
from __future__ import annotations

import math

import sympy as sp

from core.plug_in.base import (
    Input, PlugInError, base, dot, equals, dot_terms, factor, num, same_length, show, signed_sum, tame, tex,
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
    out(rf"k\mathbf{{v}} = {factor(k)} \cdot {tex(v)} = \left[\, {written} \,\right] = {show(kv)}", kv)
    total = [tame(a + b) for a, b in zip(kv, w)]
    written = r",\ ".join(signed_sum([a, b]) for a, b in zip(kv, w))
    out(rf"k\mathbf{{v}} + \mathbf{{w}} = \left[\, {written} \,\right] = {show(total)}", total)
    return total


def _norm(name: str, v: list, out) -> sp.Expr:
    """‖v‖ in two steps: the sum of squares, then its root."""
    squares = [tame(vi**2) for vi in v]
    written = " + ".join(f"{base(vi)}^2" for vi in v)
    total = tame(sum(squares, sp.Integer(0)))
    out(rf"\lVert {name} \rVert^2 = {written} = {signed_sum(squares)} = {show(total)}", total)
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
        out(rf"v_{{{i}}}^2 = {base(vi)}^2 = {show(sq)}", sq)
    total = tame(sum(squares, sp.Integer(0)))
    if len(v) > 1:
        out(rf"{' + '.join(f'v_{{{i}}}^2' for i in range(1, len(v) + 1))} = {signed_sum(squares)} = {show(total)}", total)
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
    out(rf"\hat{{\mathbf{{v}}}} = \frac{{1}}{{{num(length)}}} {tex(v)} = {show(unit)}", unit)
    return unit


def dot_product(x, out):
    a, b = x["a"], x["b"]
    same_length("a", a, "b", b, "a dot product")
    products = []
    for i, (ai, bi) in enumerate(zip(a, b), 1):
        p = tame(ai * bi)
        products.append(p)
        out(rf"a_{{{i}}} b_{{{i}}} = {factor(ai)} \cdot {factor(bi)} = {show(p)}", p)
    total = tame(sum(products, sp.Integer(0)))
    out(rf"\mathbf{{a}} \cdot \mathbf{{b}} = {signed_sum(products)} = {show(total)}", total)
    return total


def cosine_similarity(x, out):
    a, b = x["a"], x["b"]
    same_length("a", a, "b", b, "cosine similarity")
    ab = dot(a, b)
    out(rf"\mathbf{{a}} \cdot \mathbf{{b}} = {dot_terms(a, b)} = {show(ab)}", ab)
    norm_a = _norm(r"\mathbf{a}", a, out)
    norm_b = _norm(r"\mathbf{b}", b, out)
    for name, n in (("a", norm_a), ("b", norm_b)):
        if n == 0:
            raise PlugInError(
                f"{name} is the zero vector: it has no direction, so there is no angle to measure "
                "(the formula would divide by a length of 0)."
            )
    cos = tame(ab / (norm_a * norm_b))
    out(rf"\cos\theta = \frac{{{num(ab)}}}{{{factor(norm_a)} \cdot {factor(norm_b)}}} = {show(cos)}", cos)
    angle = sp.Float(math.degrees(math.acos(max(-1.0, min(1.0, float(sp.N(cos, 15)))))), 15)
    out(rf"\theta = \arccos\left({tex(cos, decimal=True)}\right) \approx {tex(angle, decimal=True)}^\circ", angle)
    return cos


RULES = {
    "vectors": vectors, "vector_norm": vector_norm, "unit_vector": unit_vector,
    "dot_product": dot_product, "cosine_similarity": cosine_similarity,
}
