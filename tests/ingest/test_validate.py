from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx.ingest.validate import RowError, parse_datetime, parse_kano, parse_rating, parse_score, stable_id

NOW = datetime(2026, 11, 1)


@pytest.mark.parametrize("raw,expected", [
    ("2026-03-01", datetime(2026, 3, 1)),
    ("2026/3/1 9:05", datetime(2026, 3, 1, 9, 5)),
    ("2026.03.01 12:30:45", datetime(2026, 3, 1, 12, 30, 45)),
    ("2026年3月1日", datetime(2026, 3, 1)),
    ("2026年3月1日 12时30分", datetime(2026, 3, 1, 12, 30)),
    ("20260301", datetime(2026, 3, 1)),
    ("2026-03-01T12:30:00Z", datetime(2026, 3, 1, 12, 30)),
    ("2026-03-01 12:30:00.000", datetime(2026, 3, 1, 12, 30)),
    ("01/03/2026", datetime(2026, 3, 1)),
    ("２０２６－０３－０１", datetime(2026, 3, 1)),
])
def test_dates_in_common_formats(raw, expected):
    assert parse_datetime(raw, NOW) == expected


@pytest.mark.parametrize("raw,reason", [
    ("", "时间为空"), ("昨天", "无法识别"), ("2026-02-30", "时间不存在"),
    ("1999-12-31", "过早"), ("2027-01-01", "未来"),
])
def test_bad_dates_rejected_with_reason(raw, reason):
    with pytest.raises(RowError, match=reason):
        parse_datetime(raw, NOW)


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 10, 31)))
def test_date_round_trip(dt):
    dt = dt.replace(microsecond=0)
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S"):
        assert parse_datetime(dt.strftime(fmt), NOW) == dt


@pytest.mark.parametrize("field,raw,value", [("nps", "0", 0), ("nps", "10", 10), ("nps", " 9.0 ", 9),
                                             ("csat", "５", 5), ("ces", "7", 7), ("nps", "", None)])
def test_scores_in_range(field, raw, value):
    assert parse_score(raw, field) == value


@pytest.mark.parametrize("field,raw,reason", [("nps", "11", "超出范围 0–10"), ("csat", "0", "超出范围 1–5"),
                                              ("ces", "8", "超出范围 1–7"), ("nps", "8.5", "整数"),
                                              ("nps", "很好", "不是数字"), ("nps", "nan", "整数")])
def test_scores_rejected(field, raw, reason):
    with pytest.raises(RowError, match=reason):
        parse_score(raw, field)


@given(st.integers(0, 10))
def test_every_valid_nps_accepted(x):
    assert parse_score(str(x), "nps") == x


def test_rating_accepts_halves_and_units():
    assert parse_rating("4.5") == 4.5
    assert parse_rating("3星") == 3.0
    assert parse_rating("") is None
    with pytest.raises(RowError, match="1–5"):
        parse_rating("6")


def test_kano_accepts_codes_and_words():
    assert parse_kano("1", "functional") == 1
    assert parse_kano("理所当然", "functional") == 2
    assert parse_kano("不喜欢", "dysfunctional") == 5
    with pytest.raises(RowError):
        parse_kano("6", "functional")


def test_stable_id_is_deterministic_and_distinguishes_parts():
    assert stable_id("review", "R1") == stable_id("review", "R1")
    assert stable_id("review", "R1") != stable_id("survey", "R1")
    assert stable_id("a", "bc") != stable_id("ab", "c")
