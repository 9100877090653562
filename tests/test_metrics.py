import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx import metrics


def test_nps_hand_example():
    # 50 promoters, 30 passives, 20 detractors: NPS = 50 − 20 = 30
    e = metrics.nps(50, 30, 20)
    assert e.value == pytest.approx(30.0)
    se = 100 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 100)
    assert e.low == pytest.approx(30 - 1.959964 * se, abs=1e-4)
    assert e.high == pytest.approx(30 + 1.959964 * se, abs=1e-4)
    assert e.n == 100


def test_wilson_hand_example():
    e = metrics.rate(8, 10)   # Wilson 95 %: 0.4902 .. 0.9433
    assert e.value == 0.8
    assert e.low == pytest.approx(0.4902, abs=1e-4)
    assert e.high == pytest.approx(0.9433, abs=1e-4)


def test_empty_inputs_give_no_estimate():
    assert metrics.nps(0, 0, 0).value is None
    assert metrics.rate(0, 0).n == 0
    assert not metrics.rate(0, 0).ok


def test_invalid_counts_raise():
    with pytest.raises(ValueError):
        metrics.rate(5, 3)
    with pytest.raises(ValueError):
        metrics.nps(-1, 0, 0)


counts = st.integers(0, 5000)


@given(counts, counts, counts)
def test_nps_bounds_and_interval_contains_estimate(p, a, d):
    e = metrics.nps(p, a, d)
    if p + a + d == 0:
        return
    assert -100 <= e.low <= e.value <= e.high <= 100


@given(st.integers(1, 2000), st.floats(0, 1))
def test_wilson_interval_contains_estimate(n, share):
    k = round(n * share)
    e = metrics.rate(k, n)
    assert 0 <= e.low <= e.value <= e.high <= 1


@given(st.integers(1, 200), st.integers(2, 50), st.floats(0.05, 0.95))
def test_intervals_shrink_as_n_grows(n, factor, share):
    k = round(n * share)
    small, big = metrics.rate(k, n), metrics.rate(k * factor, n * factor)
    assert big.high - big.low < small.high - small.low
    p, d = round(n * share / 2), round(n * (1 - share) / 2)
    a = n - p - d
    s1, s2 = metrics.nps(p, a, d), metrics.nps(p * factor, a * factor, d * factor)
    assert s2.high - s2.low <= s1.high - s1.low + 1e-9
