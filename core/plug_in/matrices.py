"""Chapters 6–9: matrix times vector, matrix product, determinant, eigenvalues."""
from __future__ import annotations

import math

import sympy as sp

from core.plug_in.base import Input, PlugInError, base, dot, dot_terms, eq, equals, factor, num, signed_sum, tame

INPUTS = {
    "matrix_vector": (
        Input("A", r"\mathbf{A}", "matrix", "[[1, 2], [3, 4], [0, -1]]", "the matrix, one row per output"),
        Input("x", r"\mathbf{x}", "vector", "[2, 1]", "the vector it acts on"),
    ),
    "matrix_multiplication": (
        Input("A", r"\mathbf{A}", "matrix", "[[1, 2, 0], [0, 1, 3]]", "the left matrix"),
        Input("B", r"\mathbf{B}", "matrix", "[[1, 0], [2, 1], [0, 4]]", "the right matrix"),
    ),
    "determinant": (Input("A", r"\mathbf{A}", "matrix", "[[2, -1], [1, 2]]", "a 2×2 matrix"),),
    "eigenvalues": (Input("A", r"\mathbf{A}", "matrix", "[[2, 1], [1, 2]]", "a 2×2 matrix"),),
}


def matrix_vector(v, out):
    A, x = v["A"], v["x"]
    if len(A[0]) != len(x):
        raise PlugInError(
            f"A has {len(A[0])} columns and x has {len(x)} entries: Ax needs one entry of x "
            "for each column of A."
        )
    result = []
    for i, row in enumerate(A, 1):
        r = dot(row, x)
        result.append(r)
        out(rf"(\mathbf{{A}}\mathbf{{x}})_{{{i}}} = {dot_terms(row, x)} {eq(r)}", r)
    out(rf"\mathbf{{A}}\mathbf{{x}} {eq(result)}", result)
    return result


def matrix_multiplication(v, out):
    A, B = v["A"], v["B"]
    if len(A[0]) != len(B):
        raise PlugInError(
            f"A has {len(A[0])} columns and B has {len(B)} row{'s' * (len(B) != 1)}: AB needs as many columns in A "
            "as rows in B (each entry pairs a row of A with a column of B)."
        )
    columns = [list(c) for c in zip(*B)]
    result = []
    for i, row in enumerate(A, 1):
        result.append([])
        for j, col in enumerate(columns, 1):
            r = dot(row, col)
            result[-1].append(r)
            out(rf"(\mathbf{{AB}})_{{{i}{j}}} = {dot_terms(row, col)} {eq(r)}", r)
    out(rf"\mathbf{{AB}} {eq(result)}", result)
    return result


def _two_by_two(A, what: str):
    rows, cols = len(A), len(A[0])
    if rows != cols:
        raise PlugInError(
            f"A has {rows} row{'s' * (rows != 1)} and {cols} column{'s' * (cols != 1)}: "
            f"{what} is only defined for a square matrix."
        )
    if rows != 2:
        raise PlugInError(f"A is {rows}×{rows}; this chapter's formula works on 2×2 matrices, like [[2, 1], [1, 2]].")
    return A[0][0], A[0][1], A[1][0], A[1][1]


def _det(A, out) -> sp.Expr:
    a, b, c, d = _two_by_two(A, "a determinant")
    ad, bc = tame(a * d), tame(b * c)
    out(rf"ad = {factor(a)} \cdot {factor(d)} {eq(ad)}", ad)
    out(rf"bc = {factor(b)} \cdot {factor(c)} {eq(bc)}", bc)
    det = tame(a * d - b * c)   # from the entries, so exact ones stay exact (√2·√2 − 1·1 = 1)
    out(rf"\det \mathbf{{A}} = ad - bc = {num(ad)} - {factor(bc)} {eq(det)}", det)
    return det


def determinant(v, out):
    return _det(v["A"], out)


def eigenvalues(v, out):
    A = v["A"]
    a, b, c, d = _two_by_two(A, "an eigenvalue")
    tr = tame(a + d)
    out(rf"\operatorname{{tr}}\mathbf{{A}} = a + d = {signed_sum([a, d])} {eq(tr)}", tr)
    det = _det(A, out)
    # tr² − 4 det cancels when the eigenvalues are close; (a − d)² + 4bc is the same number
    # without that subtraction (and never negative for a symmetric matrix)
    disc = tame((a - d) ** 2 + 4 * b * c)
    out(rf"(\operatorname{{tr}}\mathbf{{A}})^2 - 4\det\mathbf{{A}} = (a - d)^2 + 4bc "
        rf"= \left({num(a)} - {factor(d)}\right)^2 + 4 \cdot {factor(b)} \cdot {factor(c)} {eq(disc)}", disc)
    root = tame(sp.sqrt(disc))
    out(equals(rf"\sqrt{{{num(disc)}}}", root), root)
    if sp.N(disc) < 0:
        lam1, lam2 = tame(sp.expand((tr + root) / 2)), tame(sp.expand((tr - root) / 2))
        out(rf"\lambda_1 = \tfrac{{1}}{{2}}\left({num(tr)} + {factor(root)}\right) {eq(lam1)}", lam1)
        out(rf"\lambda_2 = \tfrac{{1}}{{2}}\left({num(tr)} - {factor(root)}\right) {eq(lam2)}", lam2)
        re, im = (float(p) for p in sp.N(lam1).as_real_imag())
        turn, size = abs(math.degrees(math.atan2(im, re))), math.hypot(re, im)
        raise PlugInError(
            f"The eigenvalues are complex, {_plain_complex(lam1)} and {_plain_complex(lam2)}: "
            "no real direction is only stretched, because this matrix rotates the plane. "
            f"Each time it is applied it turns by about {turn:.4g}° (the angle of λ) and scales "
            f"by about {size:.4g} (|λ| = √det A)."
        )
    return _real_roots(tr, det, root, out)


def _real_roots(tr, det, root, out) -> list:
    """λ₁ ≥ λ₂. The one larger in size is ½(tr ± √…) with the sign of tr, a sum of like signs;
    the other is det A over it (λ₁λ₂ = det A), since ½(tr ∓ √…) would subtract nearly equal numbers."""
    plus = sp.N(tr) >= 0
    sign = "+" if plus else "-"
    big = tame(sp.expand((tr + root) / 2 if plus else (tr - root) / 2))
    names = ("1", "2") if plus else ("2", "1")
    out(rf"\lambda_{names[0]} = \tfrac{{1}}{{2}}\left({num(tr)} {sign} {factor(root)}\right) {eq(big)}", big)
    if big == 0:                                 # tr = det = 0: both are ½(0 ± 0) = 0
        small = big
        out(rf"\lambda_2 = \tfrac{{1}}{{2}}\left({num(tr)} - {factor(root)}\right) {eq(small)}", small)
        return [big, small]
    small = det / big
    small = tame(small if small.has(sp.Float) else sp.radsimp(small))   # -2/(5/2 + √33/2) = 5/2 − √33/2
    out(rf"\lambda_{names[1]} = \frac{{\det\mathbf{{A}}}}{{\lambda_{names[0]}}} "
        rf"= \frac{{{num(det)}}}{{{num(big)}}} {eq(small)}", small)
    return [big, small] if plus else [small, big]


def _plain_complex(x) -> str:
    re, im = (float(p) for p in sp.N(x).as_real_imag())
    imag = "i" if abs(im) == 1 else f"{abs(im):.4g}i"
    if re == 0:
        return imag if im > 0 else f"−{imag}"
    return f"{re:.4g} {'+' if im >= 0 else '−'} {imag}"


RULES = {
    "matrix_vector": matrix_vector, "matrix_multiplication": matrix_multiplication,
    "determinant": determinant, "eigenvalues": eigenvalues,
}
