"""Time grain for trends and the heatmap's time columns: day, week (ISO, Monday first) or month.

``auto`` picks it from the period so a trend always has enough points and a two-week spike stays visible:
up to 45 days → day, up to 200 days → week, longer → month. Users can override it on the pages.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

GRAINS = {"day": "日", "week": "周", "month": "月"}
AUTO = "auto"
LABELS = {AUTO: "自动", **GRAINS}                              # the grain picker's choices (ui/grain.py)
PER = {"day": "每日", "week": "每周", "month": "月度"}          # "NPS 每周趋势": a trend's title at its grain
DAY_MAX, WEEK_MAX = 45, 200                                   # auto: days up to which a period goes by day / week
AUTO_HELP = f"自动：{DAY_MAX} 天内按日，{WEEK_MAX} 天内按周，更长按月"


def auto(start: date, end: date) -> str:
    days = (end - start).days + 1
    return "day" if days <= DAY_MAX else "week" if days <= WEEK_MAX else "month"


def resolve(grain: str | None, start: date, end: date) -> str:
    """``grain`` if it is one of GRAINS, else the automatic choice for [start, end]."""
    if grain in GRAINS:
        return grain
    if grain not in (None, AUTO):
        raise ValueError(f"未知的时间粒度：{grain}（可选：day/week/month/auto）")
    return auto(start, end)


def bucket(days: pd.Series, grain: str) -> pd.Series:
    """The start of each day's period (Timestamp)."""
    d = pd.to_datetime(days)
    if grain == "day":
        return d.dt.normalize()
    if grain == "week":
        return (d - pd.to_timedelta(d.dt.day_of_week, unit="D")).dt.normalize()
    if grain == "month":
        return d.dt.to_period("M").dt.to_timestamp()
    raise ValueError(f"未知的时间粒度：{grain}")


def axis(grain: str) -> dict:
    """Plotly x-axis settings for a trend at this grain."""
    return {"day": {"tickformat": "%m-%d"}, "week": {"tickformat": "%m-%d"},
            "month": {"tickformat": "%Y-%m", "dtick": "M1"}}[grain]
