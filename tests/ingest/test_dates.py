"""Date columns of real exports: formats, day/month order from the whole column, time zones, serials."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx.ingest.dates import AmbiguousDates, DateColumnError, parse_column

NOW = datetime(2026, 11, 1)


def one(raw, **kw):
    col = parse_column([raw], now=NOW, **kw)
    assert not col.errors, col.errors
    return col.values[0]


@pytest.mark.parametrize("raw,expected", [
    ("2026-03-01", datetime(2026, 3, 1)),
    ("2026/3/1 9:05", datetime(2026, 3, 1, 9, 5)),
    ("2026.03.01 12:30:45", datetime(2026, 3, 1, 12, 30, 45)),
    ("2026年3月1日", datetime(2026, 3, 1)),
    ("2026年3月1日 12时30分", datetime(2026, 3, 1, 12, 30)),
    ("20260301", datetime(2026, 3, 1)),
    ("2026-03-01 12:30:00.000", datetime(2026, 3, 1, 12, 30)),
    ("２０２６－０３－０１", datetime(2026, 3, 1)),
    # Chinese locale: weekday, 上午/下午/晚, 点/分
    ("2026年9月3日 星期四 下午3:05", datetime(2026, 9, 3, 15, 5)),
    ("2026/9/3 周四 晚8:00", datetime(2026, 9, 3, 20, 0)),
    ("2026-09-03 上午12:10", datetime(2026, 9, 3, 0, 10)),
    ("2026年9月3日 中午12点30分", datetime(2026, 9, 3, 12, 30)),
    ("2026-09-03 下午 2点", datetime(2026, 9, 3, 14, 0)),
    # 12-hour clock
    ("2026-09-03 12:30:05 PM", datetime(2026, 9, 3, 12, 30, 5)),
    ("2026-09-03 1:30 AM", datetime(2026, 9, 3, 1, 30)),
    # offsets → Asia/Shanghai; naive = local
    ("2026-03-01T04:30:00Z", datetime(2026, 3, 1, 12, 30)),
    ("2026-09-30T17:06:31+00:00", datetime(2026, 10, 1, 1, 6, 31)),
    ("2026-09-03 12:00:05+08:00", datetime(2026, 9, 3, 12, 0, 5)),
    # Excel serial day numbers in text files; Unix epoch seconds / milliseconds (UTC instants)
    ("46268.5", datetime(2026, 9, 3, 12, 0)),
    ("1788408005", datetime(2026, 9, 3, 12, 0, 5)),
    ("1788408005000", datetime(2026, 9, 3, 12, 0, 5)),
])
def test_formats(raw, expected):
    assert one(raw) == expected


@pytest.mark.parametrize("raw,reason", [
    ("", "时间为空"), ("昨天", "无法识别"), ("2026-02-30", "无法识别"), ("2026", "无法识别"),
    ("1999-12-31", "过早"), ("2027-01-01", "未来"),
])
def test_bad_dates_rejected_per_row(raw, reason):
    col = parse_column(["2026-03-01", raw], now=NOW)
    assert col.values[0] == datetime(2026, 3, 1)
    assert reason in col.errors[1]


def test_month_first_is_inferred_from_the_whole_column():
    col = parse_column(["9/3/2026 12:30:05", "10/5/2026 19:10:00", "9/20/2026 18:30:00", "9/3/2026 12:30:05 PM"], now=NOW)
    assert col.order == "mdy"
    assert col.values[0] == datetime(2026, 9, 3, 12, 30, 5) and col.values[1] == datetime(2026, 10, 5, 19, 10)
    assert any("9/20/2026" in a and "月/日/年" in a for a in col.assumptions)


def test_day_first_is_inferred_from_the_whole_column():
    col = parse_column(["03.09.2026 12:30", "25.09.2026 08:00", "1/10/2026"], now=NOW)
    assert col.order == "dmy" and col.values[0] == datetime(2026, 9, 3, 12, 30) and col.values[2] == datetime(2026, 10, 1)


def test_ambiguous_order_is_refused_not_guessed():
    with pytest.raises(AmbiguousDates, match="--date-order"):
        parse_column(["9/3/2026", "10/5/2026", "11/2/2026"], now=NOW)
    col = parse_column(["9/3/2026", "10/5/2026"], order="mdy", now=NOW)
    assert col.values == [datetime(2026, 9, 3), datetime(2026, 10, 5)]


def test_contradictory_order_names_both_rows():
    with pytest.raises(DateColumnError, match="第 2 个.*第 3 个"):
        parse_column(["2026-01-01", "25/9/2026", "9/25/2026"], now=NOW)
    with pytest.raises(DateColumnError, match="只能是 日/月/年"):
        parse_column(["25/9/2026"], order="mdy", now=NOW)


def test_naive_times_in_a_source_zone_are_converted():
    assert one("2026-09-03 04:00:06", source_tz="UTC") == datetime(2026, 9, 3, 12, 0, 6)
    assert one("2026-09-03 12:00", chain_tz="UTC", source_tz="Asia/Shanghai") == datetime(2026, 9, 3, 4, 0)


def test_fast_path_and_slow_path_agree():
    """A large homogeneous column goes through pandas' vectorised parser; the same values one by one through
    dateutil. Both must give the same datetimes (including offsets)."""
    vals = [f"2026-0{1 + i % 9}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00" for i in range(60)]
    fast = parse_column(vals, now=NOW).values
    slow = [parse_column([v], now=NOW).values[0] for v in vals]
    assert fast == slow


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2026, 10, 30)),
       st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%dT%H:%M:%S",
                        "%m/%d/%Y %I:%M:%S %p"]))
def test_round_trip_local(dt, fmt):
    dt = dt.replace(microsecond=0)
    s = dt.strftime(fmt)
    order = "mdy" if fmt.startswith("%m") else "auto"
    assert parse_column([s], order=order, now=NOW).values[0] == dt


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2026, 10, 30)), st.integers(-12, 14))
def test_round_trip_offsets(dt, hours):
    """Any instant written with any offset lands on the same Asia/Shanghai wall-clock time."""
    dt = dt.replace(microsecond=0)
    local_cn = dt  # the wall-clock time in Shanghai we expect back
    instant = local_cn - timedelta(hours=8)        # UTC (Shanghai has no DST since 1991)
    tz = timezone(timedelta(hours=hours))
    s = instant.replace(tzinfo=timezone.utc).astimezone(tz).isoformat()
    assert parse_column([s], now=NOW).values[0] == local_cn


@given(st.integers(1, 28), st.integers(1, 12), st.integers(2001, 2025))
def test_any_day_above_12_decides_the_order(d, m, y):
    """With one unambiguous witness (day 20) in the column, every other value is read in that order."""
    mdy = parse_column([f"{m}/{d}/{y}", f"1/20/{y}"], now=NOW)
    dmy = parse_column([f"{d}/{m}/{y}", f"20/1/{y}"], now=NOW)
    assert mdy.values[0] == dmy.values[0] == datetime(y, m, d)
