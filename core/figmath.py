"""The arithmetic behind the chapter figures, in plain Python (lists in, lists out).

Each function is what one figure computes live; the figure only draws the result.
"""
from __future__ import annotations

import math

# The lesson's gradient-descent bowl: L(θ) = 1.1·θ². Its gradient is 2.2·θ, so a plain step
# multiplies θ by (1 − 2.2·η) and the ball climbs out once η passes 2 / 2.2 ≈ 0.909.
BOWL_CURVATURE = 1.1


def dot(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def norm(v) -> float:
    return math.sqrt(dot(v, v))


def angle_deg(a, b) -> float | None:
    """The angle between two vectors in degrees; None if either has length zero."""
    na, nb = norm(a), norm(b)
    if na == 0 or nb == 0:
        return None
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(a, b) / (na * nb)))))


def projection(a, b) -> list[float] | None:
    """The projection of ``a`` onto the line of ``b``: (a·b / b·b)·b; None if b is zero."""
    bb = dot(b, b)
    return None if bb == 0 else [dot(a, b) / bb * x for x in b]


def matmul(A, B) -> list[list[float]]:
    if len(A[0]) != len(B):
        raise ValueError(f"A has {len(A[0])} columns but B has {len(B)} rows")
    return [[sum(A[i][k] * B[k][j] for k in range(len(B))) for j in range(len(B[0]))]
            for i in range(len(A))]


def matvec(A, x) -> list[float]:
    return [dot(row, x) for row in A]


def det2(A) -> float:
    (a, b), (c, d) = A
    return a * d - b * c


def eigen2(A) -> list[tuple[float, list[float]]]:
    """Real eigenpairs of a 2×2 matrix (unit eigenvectors), largest λ first; [] if complex."""
    (a, b), (c, d) = A
    tr, det = a + d, det2(A)
    disc = tr * tr - 4 * det
    if disc < -1e-12:
        return []
    root = math.sqrt(max(disc, 0.0))
    if abs(b) < 1e-12 and abs(c) < 1e-12 and abs(a - d) < 1e-12:
        return [(a, [1.0, 0.0]), (a, [0.0, 1.0])]  # A = λI: every direction is an eigen-direction
    pairs = []
    for lam in sorted({(tr + root) / 2, (tr - root) / 2}, reverse=True):
        # (A − λI)v = 0: v is perpendicular to the larger row of A − λI.
        r1, r2 = [a - lam, b], [c, d - lam]
        row = r1 if norm(r1) >= norm(r2) else r2
        v = [-row[1], row[0]] if norm(row) > 0 else [1.0, 0.0]
        n = norm(v) * (-1 if v[0] < 0 or (v[0] == 0 and v[1] < 0) else 1)  # point rightwards
        pairs.append((lam, [v[0] / n, v[1] / n]))
    return pairs


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    e = math.exp(x)
    return e / (1 + e)


def softmax(z, temperature: float = 1.0) -> list[float]:
    """softmax(z / τ), computed with the largest logit subtracted first (no overflow)."""
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    s = [x / temperature for x in z]
    m = max(s)
    e = [math.exp(x - m) for x in s]
    total = sum(e)
    return [x / total for x in e]


def entropy_bits(p) -> float:
    return -sum(x * math.log2(x) for x in p if x > 0)


def mse(y, y_hat) -> float:
    return sum((a - b) ** 2 for a, b in zip(y, y_hat, strict=True)) / len(y)


def cross_entropy(y, y_hat) -> float:
    """−Σ yᵢ log ŷᵢ (natural log); infinite if the true class was given probability 0."""
    total = 0.0
    for t, p in zip(y, y_hat, strict=True):
        if t:
            if p <= 0:
                return math.inf
            total -= t * math.log(p)
    return total


def descend(theta0: float, eta: float, momentum: float = 0.0, steps: int = 30,
            curvature: float = BOWL_CURVATURE, limit: float = 1e6) -> list[float]:
    """Positions of gradient descent with momentum on L(θ) = curvature·θ², θ₀ first.

    velocity ← momentum·velocity + ∇L(θ);  θ ← θ − η·velocity. Stops early once |θ| > limit.
    """
    path, theta, velocity = [float(theta0)], float(theta0), 0.0
    for _ in range(steps):
        velocity = momentum * velocity + 2 * curvature * theta
        theta = theta - eta * velocity
        path.append(theta)
        if abs(theta) > limit:
            break
    return path


def neuron(x: float, w: float, b: float, y: float) -> dict[str, float]:
    """Forward and backward through z = w·x + b, a = σ(z), L = (a − y)²."""
    z = w * x + b
    a = sigmoid(z)
    L = (a - y) ** 2
    dL_da = 2 * (a - y)
    da_dz = a * (1 - a)
    dL_dz = dL_da * da_dz
    return {"z": z, "a": a, "L": L, "dL_da": dL_da, "da_dz": da_dz, "dL_dz": dL_dz,
            "dL_dw": dL_dz * x, "dL_db": dL_dz, "dL_dx": dL_dz * w}


def attention(Q, K, V, scaled: bool = True) -> dict[str, list[list[float]]]:
    """softmax(QKᵀ / √d_k)·V row by row; with ``scaled`` off the √d_k division is skipped."""
    d_k = len(K[0])
    scale = math.sqrt(d_k) if scaled else 1.0
    scores = [[dot(q, k) / scale for k in K] for q in Q]
    weights = [softmax(row) for row in scores]
    out = matmul(weights, V)
    return {"scores": scores, "weights": weights, "out": out}


def rank_by_cosine(query, words: dict[str, list[float]]) -> list[tuple[str, float]]:
    """Words sorted by cosine similarity to ``query``, most similar first (zero vectors last)."""
    nq = norm(query)
    def cos(v):
        nv = norm(v)
        return -2.0 if nq == 0 or nv == 0 else dot(query, v) / (nq * nv)
    return sorted(((w, cos(v)) for w, v in words.items()), key=lambda t: -t[1])
