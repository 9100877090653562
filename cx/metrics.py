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


@dataclass(frozen=True)
class Change:
    diff: float | None      # later − earlier, in the estimate's units (NPS points or fraction)
    p_value: float
    direction: int          # +1 / −1 only when significant at `alpha`, else 0

    @property
    def significant(self) -> bool:
        return self.direction != 0


NO_CHANGE = Change(None, 1.0, 0)


def nps_change(before: tuple[int, int, int], after: tuple[int, int, int], alpha: float = 0.05) -> Change:
    """NPS(after) − NPS(before) with a z-test on the combined SE √(SE₁² + SE₂²)."""
    a, b = nps(*before), nps(*after)
    if not (a.ok and b.ok):
        return NO_CHANGE
    se = math.hypot(_nps_se(*before), _nps_se(*after))
    diff = b.value - a.value
    if se == 0:
        return Change(diff, 1.0, 0)
    p = math.erfc(abs(diff / se) / math.sqrt(2))
    return Change(diff, p, (diff > 0) - (diff < 0) if p < alpha else 0)


def rate_change(before: tuple[int, int], after: tuple[int, int], alpha: float = 0.05) -> Change:
    """Share(after) − share(before) as (successes, n) pairs, two-proportion z-test."""
    if before[1] <= 0 or after[1] <= 0:
        return NO_CHANGE
    c = two_proportions(before[0], before[1], after[0], after[1])
    return Change(c.diff, c.p_value, (c.diff > 0) - (c.diff < 0) if c.p_value < alpha else 0)


def _nps_se(promoters: int, passives: int, detractors: int) -> float:
    n = promoters + passives + detractors
    p, d = promoters / n, detractors / n
    return 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / n)


def format_p(p: float | None) -> str:
    """A p value as people read it: 「p < 0.001」, 「p = 0.003」, 「p = 0.41」 (never scientific notation)."""
    if p is None or p != p:
        return "p 不可用"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"
