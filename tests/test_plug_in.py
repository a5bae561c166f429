"""core.plug_in against NumPy for random valid inputs, and its plain-sentence errors."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import plug_in
from core.content import load_chapters
from core.mathparse import parse, to_float

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
    got = np.asarray(out.result, dtype=float)
    assert got.shape == np.shape(want)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9), (values, got, want)
    return out


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
), number)
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
    ("cross_entropy", {"y": "[0, 1]", "y_hat": "[1.1, -0.1]"}, "cannot be negative"),
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
