"""Survey and rate statistics with honest uncertainty: every estimate carries n and a 95 % interval.

Works on counts (computed by SQL), so the rows never have to leave the database.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    value: float | None   # None when n == 0
    low: float | None
    high: float | None
    n: int

    @property
    def ok(self) -> bool:
        return self.n > 0 and self.value is not None


EMPTY = Estimate(None, None, None, 0)


def rate(successes: int, n: int, z: float = Z95) -> Estimate:
    """Share successes/n with the Wilson score interval (fractions 0..1)."""
    n, k = int(n), int(successes)
    if n <= 0:
        return EMPTY
    if not 0 <= k <= n:
        raise ValueError(f"successes must be within 0..n, got {k} of {n}")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # Exact at the edges (k = 0 → low 0, k = n → high 1); rounding would otherwise leave ±1e-18.
    return Estimate(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)), n)


def nps(promoters: int, passives: int, detractors: int, z: float = Z95) -> Estimate:
    """Net Promoter Score in points (−100..100); SE = 100·√((p+d−(p−d)²)/n), normal interval clipped."""
    pr, pa, de = int(promoters), int(passives), int(detractors)
    if min(pr, pa, de) < 0:
        raise ValueError("counts must be non-negative")
    n = pr + pa + de
    if n == 0:
        return EMPTY
    p, d = pr / n, de / n
    value = 100 * (p - d)
    se = 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)
    return Estimate(value, max(-100.0, value - z * se), min(100.0, value + z * se), n)


def csat(top2: int, n: int) -> Estimate:
    """CSAT = share of 4–5 answers on a 1–5 scale."""
    return rate(top2, n)


def ces(top3: int, n: int) -> Estimate:
    """CES = share of 5–7 answers on a 1–7 scale."""
    return rate(top3, n)


@dataclass(frozen=True)
class Comparison:
    diff: float          # p2 − p1 (fractions)
    z: float
    p_value: float
    n1: int
    n2: int


def two_proportions(k1: int, n1: int, k2: int, n2: int) -> Comparison:
    """Two-proportion z-test (pooled SE) of p2 vs p1; p-value two-sided. n == 0 gives p_value 1."""
    k1, n1, k2, n2 = int(k1), int(n1), int(k2), int(n2)
    if n1 <= 0 or n2 <= 0:
        return Comparison(0.0, 0.0, 1.0, n1, n2)
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return Comparison(p2 - p1, 0.0, 1.0, n1, n2)
    z = (p2 - p1) / se
    return Comparison(p2 - p1, z, math.erfc(abs(z) / math.sqrt(2)), n1, n2)


def benjamini_hochberg(p_values: list[float], q: float = 0.05) -> list[bool]:
    """Which of many tests are discoveries at false-discovery rate q (so 24 touchpoints × 2 periods
    do not produce "emerging issues" by chance alone)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    cutoff = -1
    for rank, i in enumerate(order, 1):
        if p_values[i] <= q * rank / m:
            cutoff = rank
    keep = set(order[:cutoff]) if cutoff > 0 else set()
    return [i in keep for i in range(m)]
