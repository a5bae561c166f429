"""Chapters 13–17: mean squared error, cross-entropy, gradient descent, chain rule, attention."""
from __future__ import annotations

import sympy as sp

from core.plug_in.activations import approx_all, softmax_row
from core.plug_in.base import (
    Input, PlugInError, approx, as_float, base, dot, eq, equals, exp, factor, num, same_length, signed_sum,
    sub, tame, tex,
)

MAX_EXACT_SCORES = 8   # attention with more query–key scores than this is worked in floats

INPUTS = {
    "mean_squared_error": (
        Input("y", r"\mathbf{y}", "vector", "[3, 5, 2]", "the true values"),
        Input("y_hat", r"\hat{\mathbf{y}}", "vector", "[2.5, 5, 4]", "the predictions"),
    ),
    "cross_entropy": (
        Input("y", r"\mathbf{y}", "vector", "[0, 1, 0]", "the true class, one-hot"),
        Input("y_hat", r"\hat{\mathbf{y}}", "vector", "[0.2, 0.7, 0.1]", "the predicted probabilities"),
    ),
    "gradient_descent": (
        Input("theta", r"\theta_t", "number or vector", "3", "the parameter now"),
        Input("grad", r"\nabla_\theta L", "number or vector", "6", "the gradient there (2θ for L = θ²)"),
        Input("eta", r"\eta", "number", "0.1", "the learning rate"),
    ),
    "chain_rule": (
        Input("x", "x", "number", "2", "the input"),
        Input("w", "w", "number", "0", "the weight"),
        Input("b", "b", "number", "0", "the bias"),
        Input("y", "y", "number", "1", "the target"),
    ),
    "attention": (
        Input("Q", "Q", "matrix", "[[1, 0, 1, 0]]", "the queries, one row each"),
        Input("K", "K", "matrix", "[[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 1, 1]]", "the keys, one row per token"),
        Input("V", "V", "matrix", "[[1, 0], [0, 1], [5, 5]]", "the values, one row per token"),
    ),
}


def mean_squared_error(v, out):
    y, yh = v["y"], v["y_hat"]
    same_length("y", y, "y_hat", yh, "the error")
    errors = [tame(a - b) for a, b in zip(y, yh)]
    written = r",\ ".join(f"{num(a)} - {factor(b)}" for a, b in zip(y, yh))
    out(rf"\mathbf{{y}} - \hat{{\mathbf{{y}}}} = \left[\, {written} \,\right] {eq(errors)}", errors)
    squares = [tame(e**2) for e in errors]
    written = r",\ ".join(f"{base(e)}^2" for e in errors)
    out(rf"(y_i - \hat{{y}}_i)^2: \left[\, {written} \,\right] {eq(squares)}", squares)
    total = tame(sum(squares, sp.Integer(0)))
    out(rf"\textstyle\sum_i (y_i - \hat{{y}}_i)^2 = {signed_sum(squares)} {eq(total)}", total)
    loss = tame(total / len(y))
    mean = equals(rf"\frac{{{num(total)}}}{{{len(y)}}}", loss)
    out(f"L = {mean}", loss)
    return loss


def cross_entropy(v, out):
    y, yh = v["y"], v["y_hat"]
    same_length("y", y, "y_hat", yh, "cross-entropy")
    for i, (yi, pi) in enumerate(zip(y, yh), 1):
        if yi < 0 or yi > 1:
            raise PlugInError(
                f"y{sub(i)} is {float(yi):g}: y gives the true probability of each class, between 0 and 1 "
                "(one-hot: 1 for the true class, 0 for the others)."
            )
        if pi < 0:
            raise PlugInError(f"ŷ{sub(i)} is {float(pi):g}: a probability cannot be negative, and its log is not a real number.")
        if pi > 1:
            raise PlugInError(
                f"ŷ{sub(i)} is {float(pi):g}: a probability cannot be more than 1. Its log would be positive, "
                "and the loss could fall below 0, which no real prediction can do."
            )
        if pi == 0 and yi != 0:
            raise PlugInError(
                f"ŷ{sub(i)} is 0 while y{sub(i)} is {float(yi):g}: log 0 is −∞, so the loss is infinite. "
                "The model gave no chance at all to an outcome that happened."
            )
    terms = []
    for i, (yi, pi) in enumerate(zip(y, yh), 1):
        if yi == 0:
            t = sp.Integer(0)
            note = r"\quad (0 \log 0 \text{ counts as } 0)" if pi == 0 else ""
            out(rf"y_{{{i}}} \log \hat{{y}}_{{{i}}} = 0 \cdot \log {base(pi)} = 0{note}", t)
        else:
            t = tame(yi * sp.log(pi))
            out(rf"y_{{{i}}} \log \hat{{y}}_{{{i}}} = {factor(yi)} \cdot \log {base(pi)} {_approx(t)}", t)
        terms.append(t)
    total = tame(sum(terms, sp.Integer(0)))
    out(rf"\textstyle\sum_i y_i \log \hat{{y}}_i {_approx(total)}", total)
    loss = tame(-total)
    out(rf"L = -\left({tex(total, decimal=True)}\right) {_approx(loss)}", loss)
    return loss


def _approx(x: sp.Expr) -> str:
    """= n for a whole number, ≈ its decimal otherwise (logs are rarely worth writing exactly)."""
    return f"= {num(x)}" if x.is_Integer else rf"\approx {tex(x, decimal=True)}"


def gradient_descent(v, out):
    theta, grad, eta = v["theta"], v["grad"], v["eta"]
    if isinstance(theta, list) != isinstance(grad, list):
        raise PlugInError(
            "theta and grad should both be numbers or both be vectors: the gradient has one entry "
            "per parameter."
        )
    if eta < 0:
        raise PlugInError(
            f"η is {float(eta):g}: a learning rate cannot be negative. A step of −η∇L goes uphill, "
            "so the loss would grow instead of shrink; use a small positive η such as 0.1."
        )
    if isinstance(theta, list):
        same_length("theta", theta, "grad", grad, "an update")
        step = [tame(eta * g) for g in grad]
        out(rf"\eta \nabla_\theta L = {factor(eta)} \cdot {tex(grad)} {eq(step)}", step)
        new = [tame(t - eta * g) for t, g in zip(theta, grad)]   # from the inputs, not the rounded step
        written = r",\ ".join(f"{num(t)} - {factor(s)}" for t, s in zip(theta, step))
        out(rf"\theta_{{t+1}} = \theta_t - \eta \nabla_\theta L = \left[\, {written} \,\right] {eq(new)}", new)
        return new
    step = tame(eta * grad)
    out(rf"\eta \nabla_\theta L = {factor(eta)} \cdot {factor(grad)} {eq(step)}", step)
    new = tame(theta - eta * grad)
    out(rf"\theta_{{t+1}} = \theta_t - \eta \nabla_\theta L = {num(theta)} - {factor(step)} {eq(new)}", new)
    return new


def chain_rule(v, out):
    x, w, b, y = v["x"], v["w"], v["b"], v["y"]
    z = tame(w * x + b)
    out(rf"z = wx + b = {factor(w)} \cdot {factor(x)} + {factor(b)} {eq(z)}", z)
    a = tame(1 / (1 + exp(-z)))
    a_is = num(a) if a.is_Number else rf"\frac{{1}}{{1 + e^{{{num(-z)}}}}}"   # as written, not re-ordered
    out(rf"a = \sigma(z) = \frac{{1}}{{1 + e^{{{num(-z)}}}}} {_value(a)}", a)
    # 1 − a as its own fraction: once z passes ~35, a rounds to 1 and 1 − a would be 0 (or noise)
    rest = tame(1 / (1 + exp(z)))
    rest_is = num(rest) if rest.is_Number else rf"\frac{{1}}{{1 + e^{{{num(z)}}}}}"
    out(rf"1 - a = \frac{{e^{{-z}}}}{{1 + e^{{-z}}}} = \frac{{1}}{{1 + e^{{{num(z)}}}}} {_value(rest)}", rest)
    # a − y: for a near 1 it is (1 − y) − (1 − a), so y = 1 gives −(1 − a) with no subtraction at all
    diff = tame(a - y) if sp.N(z) < 0 else tame((1 - y) - rest)
    loss = tame(diff**2)
    out(rf"L = (a - y)^2 = \left({a_is} - {factor(y)}\right)^2 {eq(loss)}", loss)
    dl_da = tame(2 * diff)
    out(rf"\frac{{\partial L}}{{\partial a}} = 2(a - y) = 2\left({a_is} - {factor(y)}\right) {eq(dl_da)}", dl_da)
    da_dz = tame(a * rest)
    out(rf"\frac{{\partial a}}{{\partial z}} = a(1 - a) = {a_is} \cdot {rest_is} {eq(da_dz)}", da_dz)
    out(rf"\frac{{\partial z}}{{\partial w}} = x {eq(x)}", x)
    grad = tame(dl_da * da_dz * x)
    product = r" \cdot ".join(rf"\left({num(f)}\right)" for f in (dl_da, da_dz, x))   # · : a line may break there
    out(rf"\frac{{\partial L}}{{\partial w}} = {product} {eq(grad)}", grad)
    return grad


def _value(x: sp.Expr) -> str:
    """After a fraction written out by hand: its value, or only its decimal if sympy would just
    write the same fraction again (\\frac{1}{1 + e^{-3}} = \\frac{1}{e^{-3} + 1})."""
    return eq(x) if x.is_Number else approx(x)


def attention(v, out):
    Q, K, V = v["Q"], v["K"], v["V"]
    if len(Q[0]) != len(K[0]):
        raise PlugInError(
            f"The rows of Q have {len(Q[0])} entries and the rows of K have {len(K[0])}: each query "
            "is dotted with each key, so both need the same length d_k."
        )
    if len(K) != len(V):
        raise PlugInError(f"K has {len(K)} rows and V has {len(V)}: each token needs one key row and one value row.")
    scores = [[dot(q, k) for k in K] for q in Q]
    out(rf"QK^\top {eq(scores)}", scores)
    dk = len(K[0])
    root = sp.sqrt(dk)
    out(rf"\sqrt{{d_k}} = \sqrt{{{dk}}} {eq(root)}", root)
    scaled = [[tame(s / root) for s in row] for row in scores]
    out(rf"\frac{{QK^\top}}{{\sqrt{{d_k}}}} {eq(scaled)}", scaled)
    if len(Q) * len(K) > MAX_EXACT_SCORES or not all(s.is_Rational for row in scaled for s in row):
        scaled = as_float(scaled)   # exact exponentials of many scores would sprawl
    weights = [softmax_row(row)[2] for row in scaled]
    out(rf"\text{{softmax}}\!\left(\frac{{QK^\top}}{{\sqrt{{d_k}}}}\right) {_rows(weights)}", weights)
    output = [[_combine(sum((wi * V[j][c] for j, wi in enumerate(row)), sp.Integer(0)))
               for c in range(len(V[0]))] for row in weights]
    out(rf"\text{{Attention}}(Q, K, V) = \text{{weights}} \cdot V {_rows(output)}", output)
    return output


MAX_EXACT_ROW = 90     # a matrix of weights or outputs is written exactly while its widest row is this short


def _rows(m: list) -> str:
    """A matrix of softmax weights or outputs: exact while every row is short, else decimals.
    (A matrix is as wide as its widest row, so two short rows stay exact as one does.)"""
    widest = max(len(" & ".join(num(x) for x in row)) for row in m)
    return eq(m) if widest < MAX_EXACT_ROW else approx_all_matrix(m)


def approx_all_matrix(m: list) -> str:
    return approx_all([x for row in m for x in row]).split(" ", 1)[0] + " " + tex(m, decimal=True)


def _combine(x: sp.Expr) -> sp.Expr:
    """One fraction over the shared softmax denominator, while that stays small."""
    x = tame(x)
    return x if x.is_Number else tame(sp.together(x))


RULES = {
    "mean_squared_error": mean_squared_error, "cross_entropy": cross_entropy,
    "gradient_descent": gradient_descent, "chain_rule": chain_rule, "attention": attention,
}
