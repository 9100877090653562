"""Date-range presets for the filter bar (本周, 上周, 本月, …), anchored on the day they are asked for."""
from __future__ import annotations

from datetime import date, timedelta

PRESETS = ("本周", "上周", "本月", "上月", "近 30 天", "近 90 天", "本季度", "今年")


def preset_range(name: str, today: date) -> tuple[date, date]:
    """(start, end), both inclusive, of a preset on ``today``. Weeks start on Monday; "this" periods end today.

    Raises KeyError for an unknown name.
    """
    month_start = today.replace(day=1)
    if name == "本周":
        return today - timedelta(days=today.weekday()), today
    if name == "上周":
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if name == "本月":
        return month_start, today
    if name == "上月":
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last
    if name == "近 30 天":
        return today - timedelta(days=29), today
    if name == "近 90 天":
        return today - timedelta(days=89), today
    if name == "本季度":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if name == "今年":
        return date(today.year, 1, 1), today
    raise KeyError(name)


def clamp(rng: tuple[date, date], first: date, last: date) -> tuple[date, date]:
    """The range limited to the data's days (a preset never asks for days the store cannot have)."""
    start, end = max(rng[0], first), min(rng[1], last)
    return (start, end) if start <= end else (first if rng[1] < first else last,) * 2
