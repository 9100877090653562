"""Time grain: automatic choice, buckets, the overview trend and the heatmap's time columns at each grain."""
from datetime import date

import pandas as pd
import pytest

from cx import journey, overview, timegrain
from cx.filters import Filters


def test_auto_grain_keeps_enough_points():
    assert timegrain.auto(date(2026, 8, 1), date(2026, 8, 31)) == "day"
    assert timegrain.auto(date(2026, 5, 1), date(2026, 10, 31)) == "week"
    assert timegrain.auto(date(2025, 11, 1), date(2026, 10, 31)) == "month"
    assert timegrain.resolve("week", date(2026, 8, 1), date(2026, 8, 31)) == "week"
    with pytest.raises(ValueError, match="粒度"):
        timegrain.resolve("hour", date(2026, 8, 1), date(2026, 8, 31))


def test_week_buckets_start_on_monday():
    b = timegrain.bucket(pd.Series(pd.to_datetime(["2026-08-09", "2026-08-10", "2026-08-16"])), "week")
    assert list(b.dt.date) == [date(2026, 8, 3), date(2026, 8, 10), date(2026, 8, 10)]


@pytest.mark.parametrize("grain,points", [("day", 31), ("week", 6), ("month", 1)])
def test_a_month_trend_at_each_grain(demo_con, grain, points):
    f = Filters(date(2026, 8, 1), date(2026, 8, 31))
    t = overview.monthly(demo_con, f, grain=grain)
    assert len(t) == points and t.attrs["grain"] == grain
    assert t["n"].sum() == overview.kpis(demo_con, f, compare=False)["n"]     # every period adds up
    ok = t["nps_n"] > 0
    assert (t.loc[ok, "nps_low"] <= t.loc[ok, "nps"]).all() and (t.loc[ok, "nps"] <= t.loc[ok, "nps_high"]).all()


def test_heatmap_time_columns_and_drill(demo_con):
    f = Filters(date(2026, 8, 1), date(2026, 8, 31))
    weeks = journey.cells(demo_con, f, "week")
    assert min(weeks["col"].unique()) == "2026-07-27"          # the week holding 1 August starts on Monday
    days = journey.cells(demo_con, f, "day")
    assert days["col"].nunique() == 31
    # a week column drills to its seven days (clipped to the period)
    d = journey.drill(f, "week", "2026-08-10")
    assert (d.start, d.end) == (date(2026, 8, 10), date(2026, 8, 16))
    assert journey.drill(f, "week", "2026-07-27").start == date(2026, 8, 1)
    by_day = days.groupby("col")["n"].sum().sum()
    assert by_day == weeks.groupby("col")["n"].sum().sum() == journey.cells(demo_con, f, "month")["n"].sum()


def test_weekday_hour_rhythm(demo_con):
    f = Filters(date(2025, 11, 1), date(2026, 10, 31))
    df = overview.weekday_hour(demo_con, f)
    assert set(df["weekday"]) == set(range(7)) and df["hour"].between(0, 23).all()
    assert df["n"].sum() == overview.kpis(demo_con, f, compare=False)["n"]
    per_day = df.groupby("weekday")["n"].sum()
    assert per_day[[5, 6]].mean() > 1.2 * per_day[[0, 1, 2, 3]].mean()   # the demo's busy weekends
    lunch, night = df[df["hour"] == 12]["n"].sum(), df[df["hour"] == 9]["n"].sum()
    assert lunch > night


@pytest.mark.parametrize("grain,points,title", [("auto", 31, "NPS 每日趋势"), ("week", 6, "NPS 每周趋势"),
                                                ("month", 1, "NPS 月度趋势")])
def test_deck_trend_at_the_grain(demo_con, grain, points, title):
    from cx.report import deck

    f = Filters(date(2026, 8, 1), date(2026, 8, 31))
    r = deck.collect(demo_con, f, "全连锁", sections=("客户说什么",), grain=grain)
    fig = next(s.figure for s in r.slides if s.title == "核心指标")
    assert fig.layout.title.text.startswith(title)
    line = next(t for t in fig.data if t.mode == "lines+markers")
    assert len(line.x) == points
    assert len(next(t for t in fig.data if t.fill == "toself").x) == 2 * points      # the same interval band


def test_deck_heatmap_time_columns_follow_the_grain(demo_con):
    from cx.report import deck

    f = Filters(date(2026, 8, 1), date(2026, 8, 31), regions=("华东",))
    heat = {}
    for grain in ("auto", "week"):
        r = deck.collect(demo_con, f, "华东区域", sections=("问题是什么",), grain=grain)
        fig = next(s.figure for s in r.slides if s.title.startswith("旅程热力图"))
        heat[grain] = list(fig.data[0].x)
    assert len(heat["auto"]) == 31 and len(heat["week"]) == 6          # a month: days by default, weeks on request
