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


def test_nps_change_hand_example():
    # before 40/30/30 → NPS 10, SE 100·√(.69/100) = 8.31; after 60/20/20 → NPS 40, SE 100·√(.64/100) = 8.00;
    # diff 30, SE √(69 + 64) = 11.53, z = 2.601, p = 0.0093
    c = metrics.nps_change((40, 30, 30), (60, 20, 20))
    assert c.diff == pytest.approx(30.0)
    assert c.p_value == pytest.approx(0.0093, abs=2e-4)
    assert c.direction == 1 and c.significant


def test_small_changes_have_no_direction():
    assert metrics.nps_change((40, 30, 30), (42, 29, 29)).direction == 0
    assert metrics.rate_change((10, 100), (12, 100)).direction == 0
    assert metrics.rate_change((10, 1000), (60, 1000)).direction == 1
    assert metrics.rate_change((0, 0), (5, 10)) == metrics.NO_CHANGE


@given(counts, counts, counts, counts, counts, counts)
def test_change_is_antisymmetric(a, b, c, d, e, f):
    x, y = metrics.nps_change((a, b, c), (d, e, f)), metrics.nps_change((d, e, f), (a, b, c))
    if x.diff is None:
        assert y.diff is None
        return
    assert x.diff == pytest.approx(-y.diff) and x.direction == -y.direction
