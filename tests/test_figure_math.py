"""The figures' arithmetic against the chapters' worked examples and against numpy."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import figmath as fm

small = st.floats(-10, 10, allow_nan=False)


def test_dot_angle_projection_match_the_dot_product_chapter():
    a, b = [3, 1], [1, 2]
    assert fm.dot(a, b) == 5
    assert fm.angle_deg(a, b) == pytest.approx(45)
    assert fm.projection(a, b) == pytest.approx([1, 2])
    assert fm.angle_deg(a, [0, 0]) is None and fm.projection(a, [0, 0]) is None


def test_matmul_and_matvec_match_the_chapters():
    A, B = [[1, 2, 0], [0, 1, 3]], [[1, 0], [2, 1], [0, 4]]
    assert fm.matmul(A, B) == [[5, 2], [2, 13]]
    assert fm.matvec([[1, 2], [3, 4], [0, -1]], [2, 1]) == [4, 10, -1]
    with pytest.raises(ValueError, match="columns"):
        fm.matmul(B, B)


@settings(max_examples=60, deadline=None)
@given(st.lists(small, min_size=4, max_size=4))
def test_eigen2_pairs_satisfy_Av_equals_lambda_v(entries):
    A = [entries[:2], entries[2:]]
    pairs = fm.eigen2(A)
    real = np.isreal(np.linalg.eigvals(np.array(A)))
    if not pairs:
        assert not real.all()
        return
    for lam, v in pairs:
        assert math.hypot(*v) == pytest.approx(1)
        assert fm.matvec(A, v) == pytest.approx([lam * x for x in v], abs=1e-6)


def test_eigen2_of_the_chapter_and_special_cases():
    (l1, v1), (l2, v2) = fm.eigen2([[2, 1], [1, 2]])
    assert (l1, l2) == pytest.approx((3, 1))
    assert abs(v1[0]) == pytest.approx(abs(v1[1]))
    assert fm.eigen2([[0, -1], [1, 0]]) == []  # a quarter turn keeps no direction
    assert [l for l, _ in fm.eigen2([[2, 0], [0, 2]])] == [2, 2]


def test_softmax_temperature_and_entropy():
    p = fm.softmax([2, 0, -1])
    assert p == pytest.approx([0.844, 0.114, 0.042], abs=1e-3)
    assert sum(fm.softmax([1000, 0, -1000])) == pytest.approx(1)  # no overflow
    assert max(fm.softmax([2, 0, -1], 0.1)) > 0.99 and max(fm.softmax([2, 0, -1], 50)) < 0.35
    assert fm.entropy_bits([0.25] * 4) == pytest.approx(2)
    with pytest.raises(ValueError):
        fm.softmax([1, 2], 0)


def test_losses_match_the_chapters():
    assert fm.mse([3, 5, 2], [2.5, 5, 4]) == pytest.approx(4.25 / 3)
    assert fm.cross_entropy([0, 1, 0], [0.2, 0.7, 0.1]) == pytest.approx(0.357, abs=1e-3)
    assert fm.cross_entropy([0, 1, 0], [0.5, 0, 0.5]) == math.inf


def test_descend_follows_the_chapter_and_diverges_past_about_0_91():
    assert fm.descend(3, 0.1, curvature=1, steps=3) == pytest.approx([3, 2.4, 1.92, 1.536])
    assert abs(fm.descend(3, 0.89, steps=30)[-1]) < 3   # just under 2 / 2.2: still shrinks
    assert abs(fm.descend(3, 0.93, steps=30)[-1]) > 3   # just over: climbs out of the bowl
    with_momentum = fm.descend(3, 0.05, momentum=0.9, steps=3)
    v = 0.0
    theta = 3.0
    for expected in with_momentum[1:]:
        v = 0.9 * v + 2.2 * theta
        theta -= 0.05 * v
        assert expected == pytest.approx(theta)


def test_neuron_matches_the_chain_rule_chapter():
    r = fm.neuron(x=2, w=0, b=0, y=1)
    assert (r["z"], r["a"], r["L"]) == pytest.approx((0, 0.5, 0.25))
    assert (r["dL_da"], r["da_dz"], r["dL_dw"]) == pytest.approx((-1, 0.25, -0.5))
    eps = 1e-6  # and against a finite difference, off the easy point
    f = lambda w: fm.neuron(1.5, w, 0.3, 0.2)["L"]
    assert fm.neuron(1.5, 0.7, 0.3, 0.2)["dL_dw"] == pytest.approx((f(0.7 + eps) - f(0.7 - eps)) / (2 * eps))


def test_attention_matches_the_chapter_and_numpy():
    r = fm.attention([[1, 0, 1, 0]], [[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 1, 1]], [[1, 0], [0, 1], [5, 5]])
    assert r["scores"] == [[1, 0, 1]]
    assert r["weights"][0] == pytest.approx([0.422, 0.155, 0.422], abs=1e-3)
    rng = np.random.default_rng(0)
    Q, K, V = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    s = Q @ K.T / 2
    w = np.exp(s - s.max(1, keepdims=True))
    w /= w.sum(1, keepdims=True)
    got = fm.attention(Q.tolist(), K.tolist(), V.tolist())
    assert np.allclose(got["out"], w @ V)
    assert np.allclose(fm.attention(Q.tolist(), K.tolist(), V.tolist(), scaled=False)["scores"], Q @ K.T)


def test_rank_by_cosine_puts_the_closest_first_and_zero_last():
    ranked = fm.rank_by_cosine([1, 0], {"near": [5, 0.5], "far": [-1, 0], "zero": [0, 0], "mid": [1, 1]})
    assert [w for w, _ in ranked] == ["near", "mid", "far", "zero"]
    assert ranked[0][1] == pytest.approx(5 / math.hypot(5, 0.5))
