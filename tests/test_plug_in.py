"""core.plug_in against NumPy and mpmath for random valid inputs, and its plain-sentence errors."""
from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core import plug_in
from core.content import load_chapters
from core.mathparse import ParseError, parse, to_float
from core.plug_in.base import segments
from core.plug_in.reading import MAX_SYMBOL_LATEX, read

SLUGS = [c.slug for c in load_chapters()]
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- random inputs written the way a learner types them ------------------------

def _fmt(x):
    if isinstance(x, list):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    return x


number = st.one_of(
    st.integers(-9, 9).map(str),
    st.tuples(st.integers(-9, 9), st.integers(1, 6)).map(lambda t: f"{t[0]}/{t[1]}"),
    st.integers(-99, 99).map(lambda n: f"{n / 10}"),
)
positive = st.integers(1, 9).map(lambda n: f"{n}/10")


def vector(n, entry=number):
    return st.lists(entry, min_size=n, max_size=n)


def matrix(r, c, entry=number):
    return st.lists(vector(c, entry), min_size=r, max_size=r)


def sizes(lo=1, hi=6):
    return st.integers(lo, hi)


def arr(text):
    return np.asarray(to_float(parse(text)), dtype=float)


def check(slug, values, want):
    out = plug_in.evaluate(slug, {k: _fmt(v) for k, v in values.items()})
    assert out.error is None, out.error
    assert out.steps, "the formula is worked in steps"
    for s in out.steps:
        assert isinstance(s.latex, str) and s.latex
        assert_says_something_new(s.latex)
    got = np.asarray(out.result, dtype=float)
    assert got.shape == np.shape(want)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9), (values, got, want)
    return out


def assert_says_something_new(latex):
    """No side of a step repeats the one before it: never "x = x" or "x ≈ x"."""
    parts = segments(latex)
    sides = parts[0::2]
    assert all(a != b for a, b in zip(sides, sides[1:])), latex


def shown_number(latex) -> mpmath.mpf:
    """The number a step ends on, as the learner reads it: 0.96, -{7.3357 \\times 10^{-348}}, {10^{-60}}."""
    last = segments(latex)[-1].replace("{}^\\circ", "")
    m = re.fullmatch(r"(-?)\{?(?:(\d+(?:\.\d+)?)(?: \\times )?)?(?:10\^\{(-?\d+)\})?\}?", last)
    assert m and (m.group(2) or m.group(3)), f"not a decimal: {last!r}"
    value = mpmath.mpf(m.group(2) or 1) * mpmath.mpf(10) ** int(m.group(3) or 0)
    return -value if m.group(1) else value


@st.composite
def pair(draw, lo=1, hi=6):
    n = draw(sizes(lo, hi))
    return draw(vector(n)), draw(vector(n))


def A(values, name):
    return arr(_fmt(values[name]))


@FAST
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(number, vector(n), vector(n))))
def test_vectors(t):
    v = {"k": t[0], "v": t[1], "w": t[2]}
    check("vectors", v, float(arr(t[0])) * A(v, "v") + A(v, "w"))


@FAST
@given(sizes().flatmap(vector))
def test_vector_norm(v):
    check("vector_norm", {"v": v}, np.linalg.norm(arr(_fmt(v))))


@FAST
@given(sizes().flatmap(vector))
def test_unit_vector(v):
    x = arr(_fmt(v))
    if not x.any():
        return
    check("unit_vector", {"v": v}, x / np.linalg.norm(x))


@FAST
@given(pair())
def test_dot_product(ab):
    check("dot_product", {"a": ab[0], "b": ab[1]}, arr(_fmt(ab[0])) @ arr(_fmt(ab[1])))


@FAST
@given(pair())
def test_cosine_similarity(ab):
    a, b = arr(_fmt(ab[0])), arr(_fmt(ab[1]))
    if not a.any() or not b.any():
        return
    check("cosine_similarity", {"a": ab[0], "b": ab[1]}, a @ b / np.linalg.norm(a) / np.linalg.norm(b))


@FAST
@given(st.tuples(sizes(1, 4), sizes(1, 4)).flatmap(lambda rc: st.tuples(matrix(*rc), vector(rc[1]))))
def test_matrix_vector(t):
    v = {"A": t[0], "x": t[1]}
    check("matrix_vector", v, A(v, "A") @ A(v, "x"))


@FAST
@given(st.tuples(sizes(1, 4), sizes(1, 4), sizes(1, 4)).flatmap(
    lambda s: st.tuples(matrix(s[0], s[1]), matrix(s[1], s[2]))))
def test_matrix_multiplication(t):
    v = {"A": t[0], "B": t[1]}
    check("matrix_multiplication", v, A(v, "A") @ A(v, "B"))


@FAST
@given(matrix(2, 2))
def test_determinant(m):
    check("determinant", {"A": m}, np.linalg.det(arr(_fmt(m))))


@FAST
@given(number, number, number)
def test_eigenvalues_of_symmetric_matrices(a, b, d):
    m = [[a, b], [b, d]]
    want = np.sort(np.linalg.eigvalsh(arr(_fmt(m))))[::-1]
    check("eigenvalues", {"A": m}, want)


@FAST
@given(number)
def test_sigmoid(x):
    check("sigmoid", {"x": x}, 1 / (1 + np.exp(-float(arr(x)))))


@FAST
@given(st.one_of(number, sizes().flatmap(vector)))
def test_relu(x):
    check("relu", {"x": x}, np.maximum(0, arr(_fmt(x))))


@FAST
@given(sizes().flatmap(vector))
def test_softmax(z):
    x = arr(_fmt(z))
    check("softmax", {"z": z}, np.exp(x) / np.exp(x).sum())


@FAST
@given(pair())
def test_mean_squared_error(t):
    check("mean_squared_error", {"y": t[0], "y_hat": t[1]},
          np.mean((arr(_fmt(t[0])) - arr(_fmt(t[1]))) ** 2))


@FAST
@given(sizes().flatmap(lambda n: st.tuples(vector(n, st.integers(0, 1).map(str)), vector(n, positive))))
def test_cross_entropy(t):
    check("cross_entropy", {"y": t[0], "y_hat": t[1]},
          -np.sum(arr(_fmt(t[0])) * np.log(arr(_fmt(t[1])))))


@FAST
@given(st.one_of(
    st.tuples(number, number),
    sizes().flatmap(lambda n: st.tuples(vector(n), vector(n))),
), number.filter(lambda t: float(arr(t)) >= 0))
def test_gradient_descent(tg, eta):
    v = {"theta": tg[0], "grad": tg[1], "eta": eta}
    check("gradient_descent", v, A(v, "theta") - float(arr(eta)) * A(v, "grad"))


@FAST
@given(number, number, number, number)
def test_chain_rule_matches_a_finite_difference(x, w, b, y):
    xf, wf, bf, yf = (float(arr(s)) for s in (x, w, b, y))
    a = 1 / (1 + np.exp(-(wf * xf + bf)))
    out = check("chain_rule", {"x": x, "w": w, "b": b, "y": y}, 2 * (a - yf) * a * (1 - a) * xf)
    loss = lambda w_: (1 / (1 + np.exp(-(w_ * xf + bf))) - yf) ** 2  # noqa: E731
    h = 1e-6
    assert abs(out.result - (loss(wf + h) - loss(wf - h)) / (2 * h)) < 1e-6
    factors = [s for s in out.steps if s.latex.startswith(r"\frac{\partial")]
    assert len(factors) == 4, "the three factors, then their product"


@FAST
@given(st.tuples(sizes(1, 3), sizes(1, 4), sizes(1, 4), sizes(1, 4)).flatmap(
    lambda s: st.tuples(matrix(s[0], s[1]), matrix(s[2], s[1]), matrix(s[2], s[3]))))
def test_attention(t):
    v = {"Q": t[0], "K": t[1], "V": t[2]}
    Q, K, V = A(v, "Q"), A(v, "K"), A(v, "V")
    s = Q @ K.T / np.sqrt(K.shape[1])
    w = np.exp(s - s.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    check("attention", v, w @ V)


# -- every chapter, its worked example ----------------------------------------

def test_every_chapter_has_inputs_and_its_defaults_work():
    assert set(plug_in._RULES) == set(SLUGS)
    for slug in SLUGS:
        specs = plug_in.inputs(slug)
        assert specs and all(s.name and s.default and s.description for s in specs)
        out = plug_in.evaluate(slug, {})
        assert out.error is None and out.steps, slug
        assert plug_in.evaluate(slug, {s.name: s.default for s in specs}) == out


@pytest.mark.parametrize("slug, result", [
    ("vectors", [5, 4]), ("vector_norm", 7), ("unit_vector", [0.6, 0.8]), ("dot_product", 5),
    ("cosine_similarity", 0.96), ("matrix_vector", [4, 10, -1]),
    ("matrix_multiplication", [[5, 2], [2, 13]]), ("determinant", 5), ("eigenvalues", [3, 1]),
    ("sigmoid", 0.8808), ("relu", [0, 0.5, 3, 0]), ("softmax", [0.844, 0.114, 0.042]),
    ("mean_squared_error", 1.417), ("cross_entropy", 0.357), ("gradient_descent", 2.4),
    ("chain_rule", -0.5), ("attention", [[2.534, 2.267]]),
])
def test_defaults_reproduce_the_worked_example(slug, result):
    assert np.allclose(plug_in.evaluate(slug, {}).result, result, atol=5e-4)


def test_the_steps_of_a_norm_are_the_formulas_operations():
    out = plug_in.evaluate("vector_norm", {"v": "[3, 4]"})
    assert [s.latex for s in out.steps] == [
        "v_{1}^2 = 3^2 = 9", "v_{2}^2 = 4^2 = 16", "v_{1}^2 + v_{2}^2 = 9 + 16 = 25",
        r"\lVert \mathbf{v} \rVert = \sqrt{25} = 5",
    ]
    assert [s.value for s in out.steps] == [9, 16, 25, 5] and out.result == 5


def test_exact_where_the_input_is_exact_with_a_decimal_beside_it():
    out = plug_in.evaluate("unit_vector", {"v": "[1, 1]"})
    assert r"\frac{\sqrt{2}}{2}" in out.steps[-1].latex and "0.70711" in out.steps[-1].latex
    assert np.allclose(out.result, [2**-0.5, 2**-0.5])
    # A decimal the learner typed stays a decimal, not a fraction.
    assert plug_in.evaluate("gradient_descent", {}).steps[0].latex.endswith("0.1 \\cdot 6 = 0.6")


@pytest.mark.parametrize("slug, values, words", [
    ("dot_product", {"a": "[1, 2]", "b": "[1, 2, 3]"},
     "a has 2 entries and b has 3: a dot product needs the same length"),
    ("cosine_similarity", {"a": "[0, 0]"}, "a is the zero vector"),
    ("unit_vector", {"v": "[0, 0, 0]"}, "v is the zero vector"),
    ("cross_entropy", {"y": "[0, 1]", "y_hat": "[1, 0]"}, "log 0 is −∞"),
    ("cross_entropy", {"y": "[0, 1]", "y_hat": "[-0.1, 1.1]"}, "ŷ₁ is -0.1: a probability cannot be negative"),
    ("cross_entropy", {"y_hat": "[0.2, 1.5, 0.1]"}, "ŷ₂ is 1.5: a probability cannot be more than 1"),
    ("cross_entropy", {"y": "[0, 2, 0]"}, "y₂ is 2: y gives the true probability of each class, between 0 and 1"),
    ("gradient_descent", {"eta": "-0.1"}, "η is -0.1: a learning rate cannot be negative"),
    ("dot_product", {"b": "[1, 2"}, "b: The [ opened at character 1 is never closed."),
    ("matrix_vector", {"A": "[[1, 2], [3, 4]"}, "A: The [ opened at character 1 is never closed."),
    ("eigenvalues", {"A": "[[0, -1], [1, 0]]"}, "complex, i and −i"),
    ("eigenvalues", {"A": "[[1, 2, 3], [4, 5, 6]]"}, "only defined for a square matrix"),
    ("determinant", {"A": "[[1, 2, 3], [4, 5, 6]]"}, "A has 2 rows and 3 columns"),
    ("determinant", {"A": "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]"}, "works on 2×2 matrices"),
    ("sigmoid", {"x": "two"}, "Unknown word 'two'"),
    ("sigmoid", {"x": "[1, 2]"}, "x should be a single number"),
    ("vector_norm", {"v": "[1, 2, 3, 4, 5, 6, 7]"}, "at most 6"),
    ("matrix_multiplication", {"A": "[[1, 2, 3, 4, 5]]"}, "at most 4×4"),
    ("matrix_multiplication", {"A": "[[1, 2]]", "B": "[[1, 2]]"}, "A has 2 columns and B has 1 row:"),
    ("matrix_vector", {"x": "[1, 2, 3]"}, "A has 2 columns and x has 3 entries"),
    ("attention", {"Q": "[[1, 0]]"}, "same length d_k"),
    ("attention", {"V": "[[1, 0]]"}, "K has 3 rows and V has 1"),
    ("gradient_descent", {"theta": "[1, 2]"}, "both be numbers or both be vectors"),
    ("vectors", {"k": "10^7"}, "between −1,000,000 and 1,000,000"),
    ("softmax", {"z": ""}, "empty"),
])
def test_bad_input_gets_a_plain_sentence(slug, values, words):
    out = plug_in.evaluate(slug, values)
    assert out.result is None and words in out.error, out.error


def test_complex_eigenvalues_say_the_matrix_rotates_and_show_them():
    out = plug_in.evaluate("eigenvalues", {"A": "[[0, -2], [2, 0]]"})
    assert "rotates" in out.error and "2i and −2i" in out.error
    assert "turns by about 90°" in out.error and "scales by about 2" in out.error
    assert out.steps[-2].latex.endswith("= 2 i") and out.steps[-1].value == -2j


def test_unknown_chapter_and_odd_values_never_raise():
    assert plug_in.evaluate("nope", {}).error
    assert plug_in.evaluate("sigmoid", None).result == plug_in.evaluate("sigmoid", {}).result
    assert "must be text" in plug_in.evaluate("sigmoid", {"x": 3}).error
    values, errors = plug_in.parse_values("dot_product", {"a": "[1, 2]", "b": "[1,"})
    assert values == {"a": [1.0, 2.0]} and "b" in errors


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SLUGS), st.text(alphabet="0123456789[], -+*/^.e()sqrtpi", max_size=40))
def test_whatever_is_typed_it_never_raises(slug, text):
    for spec in plug_in.inputs(slug):
        out = plug_in.evaluate(slug, {spec.name: text})
        assert (out.error is None) != (out.result is None)


def test_big_inputs_are_bounded_and_still_worked():
    big = "[[" + "], [".join(", ".join(f"{i * 7 + j}/{j + 3}" for j in range(4)) for i in range(4)) + "]]"
    out = plug_in.evaluate("attention", {"Q": big, "K": big, "V": big})
    assert out.error is None and np.shape(out.result) == (4, 4)
    out = plug_in.evaluate("softmax", {"z": "[1000000, -1000000, 999999/7, 1/3, sqrt(2), 5]"})
    assert out.error is None and np.allclose(out.result, [1, 0, 0, 0, 0, 0])


# -- bounds checked before the work --------------------------------------------

def _decimal(lo, hi):
    """A decimal the way a learner types it, between lo and hi (three places)."""
    return st.integers(int(lo * 1000), int(hi * 1000)).map(lambda n: f"{n / 1000}")


@FAST
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.integers(0, n - 1), vector(n, _decimal(-2, 2)))))
def test_cross_entropy_refuses_a_probability_outside_0_to_1_and_is_never_negative(t):
    hot, yh = t
    y = ["1" if i == hot else "0" for i in range(len(yh))]
    out = plug_in.evaluate("cross_entropy", {"y": _fmt(y), "y_hat": _fmt(yh)})
    p = arr(_fmt(yh))
    if (p < 0).any() or (p > 1).any():
        i = int(np.argmax((p < 0) | (p > 1)))
        assert out.result is None and out.steps == (), "refused before any step is worked"
        assert out.error.startswith(f"ŷ{'₀₁₂₃₄₅₆'[i + 1]} is ") and "probability cannot be" in out.error
    elif p[hot] == 0:
        assert "log 0 is −∞" in out.error
    else:
        assert out.error is None and out.result >= 0
        assert math.isclose(out.result, -math.log(p[hot]), rel_tol=1e-12, abs_tol=1e-15)


@FAST
@given(_decimal(-5, 5), number, number)
def test_gradient_descent_refuses_a_negative_learning_rate_before_any_step(eta, theta, grad):
    out = plug_in.evaluate("gradient_descent", {"theta": theta, "grad": grad, "eta": eta})
    if float(eta) < 0:
        assert out.result is None and out.steps == ()
        assert out.error.startswith(f"η is {float(eta):g}: a learning rate cannot be negative")
    else:
        assert out.error is None
        assert math.isclose(out.result, float(arr(theta)) - float(eta) * float(arr(grad)), abs_tol=1e-12)


# -- no cancellation: values far past float range, right to the last digit shown --

def test_chain_rule_far_out_on_the_sigmoid_keeps_its_sign_and_digits():
    """The issue's case: z = 400, y = 1. 1 − σ(z) = e^{-400}/(1 + e^{-400}), never 1 − 1."""
    out = plug_in.evaluate("chain_rule", {"x": "1", "w": "400", "b": "0", "y": "1"})
    assert out.error is None
    assert out.steps[-1].latex.endswith(r"\approx -{7.3357 \times 10^{-348}}")
    # −7.3e-348 is below the smallest float: the plain value is −0.0, its sign kept
    assert out.result == 0 and math.copysign(1, out.result) == -1
    one_minus_a = next(s for s in out.steps if s.latex.startswith("1 - a"))
    assert one_minus_a.latex.endswith(r"\approx {1.9152 \times 10^{-174}}") and one_minus_a.value > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_decimal(-3, 3), st.integers(-900, 900).map(str), st.integers(-50, 50).map(str),
       st.one_of(st.sampled_from(["0", "1"]), _decimal(0, 1)))
def test_chain_rule_agrees_with_mpmath_at_any_z(x, w, b, y):
    """Against the textbook formula 2(a − y)·a(1 − a)·x, worked in mpmath with enough digits
    that its own cancellation does not matter (z up to ~3000, so e^{-z} ~ 10^{-1300})."""
    xf, wf, bf, yf = (mpmath.mpf(float(arr(t))) for t in (x, w, b, y))
    with mpmath.workdps(int(abs(wf * xf + bf) / 2.3) + 60):
        a = 1 / (1 + mpmath.exp(-(wf * xf + bf)))
        want = 2 * (a - yf) * a * (1 - a) * xf
        loss = (a - yf) ** 2
    out = plug_in.evaluate("chain_rule", {"x": x, "w": w, "b": b, "y": y})
    assert out.error is None, out.error
    shown = shown_number(out.steps[-1].latex)
    if want == 0:
        assert shown == 0
    else:
        assert mpmath.sign(shown) == mpmath.sign(want), (shown, want)
        assert abs(shown / want - 1) < 1e-4, (shown, want)
        assert math.copysign(1, out.result) == mpmath.sign(want)
        assert math.isclose(out.result, float(want), rel_tol=1e-9, abs_tol=1e-300)
    shown_loss = shown_number(next(s for s in out.steps if s.latex.startswith("L = ")).latex)
    assert shown_loss >= 0 and (loss == 0 or abs(shown_loss / loss - 1) < 1e-4)


@FAST
@given(st.integers(-5000, 5000).map(str))
def test_sigmoid_agrees_with_mpmath_far_past_float_range(x):
    with mpmath.workdps(30):
        want = 1 / (1 + mpmath.exp(-mpmath.mpf(x)))
    out = plug_in.evaluate("sigmoid", {"x": x})
    shown = shown_number(out.steps[-1].latex)
    assert shown > 0 and abs(shown / want - 1) < 1e-4, (shown, want)


def test_eigenvalues_far_apart_are_both_right_and_the_steps_agree():
    """λ₂ = ½(tr − √…) would be 1000 − 1000 = 0; det A / λ₁ gives 10⁻⁶⁰."""
    out = plug_in.evaluate("eigenvalues", {"A": "[[1000, 1e-60], [1e-60, 1e-60]]"})
    assert out.error is None
    lam1, lam2 = out.result
    assert math.isclose(lam1, 1000, rel_tol=1e-12) and math.isclose(lam2, 1e-60, rel_tol=1e-12)
    assert out.steps[-1].latex.startswith(r"\lambda_2 = \frac{\det\mathbf{A}}{\lambda_1}")
    assert out.steps[-1].latex.endswith(r"\approx {10^{-60}}")
    by_name = {s.latex.split(" = ")[0]: s.value for s in out.steps}
    assert math.isclose(lam1 * lam2, by_name[r"\det \mathbf{A}"], rel_tol=1e-12)
    assert math.isclose(lam1 + lam2, by_name[r"\operatorname{tr}\mathbf{A}"], rel_tol=1e-12)


magnitude = st.tuples(st.integers(-9, 9), st.integers(-60, 5)).map(lambda t: f"{t[0]}e{t[1]}")   # within ±10⁶


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(magnitude, magnitude, magnitude, magnitude)
def test_eigenvalues_of_any_magnitude_agree_with_mpmath(a, b, c, d):
    """Entries from 10⁻⁶⁰ to 10⁶: each root right to 1e-9 of itself, however far apart they are."""
    with mpmath.workdps(300):
        ma, mb, mc, md = (mpmath.mpf(float(arr(t))) for t in (a, b, c, d))
        tr, det = ma + md, ma * md - mb * mc
        disc = (ma - md) ** 2 + 4 * mb * mc
        assume(disc >= 0)
        # a det or a discriminant that cancels in the entries is ill-conditioned in the inputs
        # themselves (a nearly singular matrix, a nearly double root): leave those out
        assume(det == 0 or abs(det) > 1e-6 * max(abs(ma * md), abs(mb * mc)))
        assume(disc == 0 or disc > 1e-6 * max((ma - md) ** 2, abs(4 * mb * mc)))
        want = [(tr + mpmath.sqrt(disc)) / 2, (tr - mpmath.sqrt(disc)) / 2]
    out = plug_in.evaluate("eigenvalues", {"A": f"[[{a}, {b}], [{c}, {d}]]"})
    assert out.error is None, out.error
    for got, w in zip(out.result, want):
        assert abs(got - w) <= 1e-9 * abs(w), (out.result, want)


@FAST
@given(st.integers(-10**8, 10**8).filter(bool), st.integers(1, 9))
def test_nearly_parallel_vectors_keep_their_small_angle(tiny, scale):
    """arccos of a cosine that rounds to 1 would give 0°; atan2 of the cross and dot does not."""
    a, b = [str(scale), "0"], [str(scale), f"{tiny}e-16"]
    out = plug_in.evaluate("cosine_similarity", {"a": _fmt(a), "b": _fmt(b)})
    with mpmath.workdps(40):
        want = mpmath.degrees(mpmath.atan2(abs(mpmath.mpf(tiny) / 10**16), scale))
    shown = shown_number(out.steps[-1].latex)
    assert abs(shown / want - 1) < 1e-4, (shown, want)
    assert r"\arccos\left(\cos\theta\right)" in out.steps[-1].latex, "not arccos(1)"


# -- exact where the learner's numbers are exact ------------------------------

def test_square_roots_and_pi_stay_symbols():
    out = plug_in.evaluate("vectors", {"k": "sqrt(2)", "v": "[pi, 1/3]"})
    first = out.steps[0].latex
    assert first.startswith(r"k\mathbf{v} = \sqrt{2} \cdot \left[\, \pi,\ \frac{1}{3} \,\right]")
    assert r"\left[\, \sqrt{2} \pi,\ \frac{\sqrt{2}}{3} \,\right] \approx \left[\, 4.4429,\ 0.4714 \,\right]" in first
    assert "1.4142" not in first and "3.1416" not in first
    assert np.allclose(out.result, [math.sqrt(2) * math.pi + 1, math.sqrt(2) / 3 + 2], rtol=1e-14)
    norm = plug_in.evaluate("vector_norm", {"v": "[1, sqrt(2)]"})
    assert norm.steps[1].latex == r"v_{2}^2 = \left(\sqrt{2}\right)^2 = 2"
    assert norm.steps[-1].latex == r"\lVert \mathbf{v} \rVert = \sqrt{3} \approx 1.7321"
    det = plug_in.evaluate("determinant", {"A": "[[sqrt(2), 1], [1, sqrt(2)]]"})
    assert det.steps[-1].latex == r"\det \mathbf{A} = ad - bc = 2 - 1 = 1" and det.result == 1


def test_a_rounded_value_is_written_once_with_approx():
    """A float (too many digits to keep exact) is "≈ 4.4429", never "= 4.4429 ≈ 4.4429"."""
    out = plug_in.evaluate("dot_product", {"a": "[1.23456789012345]", "b": "[3.6]"})
    assert out.steps[0].latex == r"a_{1} b_{1} = 1.2346 \cdot 3.6 \approx 4.4444"


def test_two_query_rows_keep_the_exact_attention():
    out = plug_in.evaluate("attention", {"Q": "[[1, 0, 1, 0], [0, 1, 0, 1]]"})
    scaled, weights, result = (s.latex for s in out.steps[2:])
    assert scaled == r"\frac{QK^\top}{\sqrt{d_k}} = \begin{bmatrix} 1 & 0 & 1 \\ 0 & 1 & 1 \end{bmatrix}"
    assert r"\frac{e}{1 + 2 e}" in weights
    assert r"= \begin{bmatrix} \frac{6 e}{1 + 2 e} & \frac{1 + 5 e}{1 + 2 e} \\" in result
    same = plug_in.evaluate("attention", {"Q": "[[1, 0, 1, 0], [0, 1, 0, 1]]", "V": "[[1, 0], [1, 0], [1, 0]]"})
    assert same.steps[-1].latex.endswith(r"\cdot V = \begin{bmatrix} 1 & 0 \\ 1 & 0 \end{bmatrix}")


symbol = st.sampled_from(["sqrt(2)", "sqrt(3)/2", "pi", "pi/4", "2*pi", "e", "exp(2)", "ln(2)", "√5", "tau",
                          "sqrt(2)^2", "ln(e)", "abs(-sqrt(7))", "2^(1/2)", "1/sqrt(2)", "(1+sqrt(5))/2", "3"])
expression = st.recursive(symbol, lambda inner: st.tuples(inner, st.sampled_from("+-*/"), inner).map(
    lambda t: f"({t[0]}) {t[1]} ({t[2]})"), max_leaves=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression)
def test_an_exact_reading_is_the_same_number_as_the_parsers(text):
    spec = plug_in.Input("x", "x", "number", "1", "")
    try:
        want = parse(text)
    except ParseError:   # e.g. a division by zero: the parser explains it
        return
    assume(abs(float(want)) <= 10**6)
    got = read(spec, text)
    assert abs(float(got) - float(want)) <= 1e-12 * max(1.0, abs(float(want)))
    if not got.is_Float:   # kept exact: then it is short, and has no float inside
        assert not got.has(sp.Float) and len(sp.latex(got)) <= MAX_SYMBOL_LATEX


# -- the seed exercises, through the plug-ins ----------------------------------

def test_seed_cosine_of_3_4_and_4_3():
    out = plug_in.evaluate("cosine_similarity", {"a": "[3, 4]", "b": "[4, 3]"})
    assert out.result == 0.96
    assert out.steps[0].latex.endswith("= 24")
    assert out.steps[-2].latex == r"\cos\theta = \frac{24}{5 \cdot 5} = 0.96"
    assert out.steps[-1].latex == r"\theta = \arccos\left(0.96\right) \approx 16.26{}^\circ"
    assert math.isclose(out.steps[-1].value, math.degrees(math.acos(0.96)), rel_tol=1e-12)


def test_seed_two_by_two_product_and_its_outer_products():
    A, B = "[[1, 2], [3, 4]]", "[[5, 6], [7, 8]]"
    out = plug_in.evaluate("matrix_multiplication", {"A": A, "B": B})
    assert out.result == [[19, 22], [43, 50]]
    assert out.steps[0].latex == r"(\mathbf{AB})_{11} = 1 \cdot 5 + 2 \cdot 7 = 19"
    # AB as the sum of column p of A times row p of B
    first = plug_in.evaluate("matrix_multiplication", {"A": "[[1], [3]]", "B": "[[5, 6]]"})
    second = plug_in.evaluate("matrix_multiplication", {"A": "[[2], [4]]", "B": "[[7, 8]]"})
    assert first.result == [[5, 6], [15, 18]] and second.result == [[14, 16], [28, 32]]
    assert (np.array(first.result) + np.array(second.result)).tolist() == out.result


def test_seed_determinant_of_diag_2_3():
    out = plug_in.evaluate("determinant", {"A": "[[2, 0], [0, 3]]"})
    assert out.result == 6 and out.steps[-1].latex == r"\det \mathbf{A} = ad - bc = 6 - 0 = 6"


def test_seed_entropy_and_kl_of_two_bernoullis_through_cross_entropy():
    """No chapter computes KL on its own; cross-entropy H(p, q) = −Σ p log q does, with
    H(p) = H(p, p) and KL(p‖q) = H(p, q) − H(p)."""
    def h(p, q):
        out = plug_in.evaluate("cross_entropy", {"y": p, "y_hat": q})
        assert out.error is None, out.error
        return out.result

    p, q = "[0.3, 0.7]", "[0.5, 0.5]"
    assert round(h(p, p), 5) == 0.61086                  # entropy of Bernoulli(0.3), in nats
    assert round(h(p, q) - h(p, p), 6) == 0.082283       # KL(p‖q)
    assert round(h(q, p) - h(q, q), 6) == 0.087177       # KL(q‖p): not symmetric
    assert plug_in.evaluate("cross_entropy", {"y": p, "y_hat": p}).steps[-1].latex.endswith(r"\approx 0.61086")


# -- a learner's numbers never crash a chapter ---------------------------------------

@pytest.mark.parametrize("text", ["e^1000", "pi^1000", "tau^700", "(1/pi)^-1000", "exp(-600)^-2"])
@pytest.mark.parametrize("slug", ["sigmoid", "chain_rule", "gradient_descent"])
def test_an_overflowing_value_is_a_sentence_on_the_input(slug, text):
    name = plug_in.inputs(slug)[0].name
    out = plug_in.evaluate(slug, {name: text})
    assert out.error == f"{name}: That power is too large to check." and out.steps == ()


@pytest.mark.parametrize("slug, values, last", [
    # e^{-x} = 2^{999999}: sympy would write out that 301,030-digit integer
    ("sigmoid", {"x": "-999999*ln(2)"}, r"{2.0201 \times 10^{-301030}}"),
    # e^{-x} = 2^{-999999}: its 301,030-digit denominator, likewise
    ("sigmoid", {"x": "999999*ln(2)"}, "1"),
    # z = 10⁶ · ln 3 + 1/3, so 1 − a has 3^{1000000} in it
    ("chain_rule", {"x": "ln(3)", "w": "1e6", "b": "1/3", "y": "sqrt(2)"}, None),
    ("softmax", {"z": "[999999*ln(2), 1, -999999*ln(2)]"}, (
        r"\left[\, 1,\ {5.4911 \times 10^{-301030}},\ {4.0807 \times 10^{-602060}} \,\right]")),
])
def test_e_to_a_large_multiple_of_a_log_is_worked_as_a_float(slug, values, last):
    out = plug_in.evaluate(slug, values)
    assert out.error is None, out.error
    assert all(len(s.latex) < 400 for s in out.steps)
    if last is not None:
        assert segments(out.steps[-1].latex)[-1] == last
    if values == {"x": "-999999*ln(2)"}:
        assert out.steps[0].latex.endswith(r"\approx {4.9503 \times 10^{301029}}")   # 2^{999999}


def test_complex_eigenvalues_too_long_to_keep_exact_are_explained():
    """Carried as floats, a rotation's eigenvalues are re + im·i, not a crash."""
    out = plug_in.evaluate("eigenvalues", {"A": "[[pi/4, -ln(3)*300000], [tau^5, (1+sqrt(5))/2]]"})
    assert out.error.startswith("The eigenvalues are complex, 1.202 + 5.681e+04i and 1.202 − 5.681e+04i")
