"""Digest schedules read day-of-week numbers as cron(5) does (0/7 = Sunday, 1 = Monday), not as APScheduler's
from_crontab (0 = Monday), which made every weekday schedule fire a day late."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx.service import jobs

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=TZ)
CRON_DAY = {0: "Sun", 1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}


def next_fire(expr: str, after: datetime = MONDAY) -> datetime:
    return jobs.crontab_trigger(expr, TZ).get_next_fire_time(None, after)


def test_weekly_monday_digest_fires_on_monday():
    assert next_fire("0 8 * * 1") == datetime(2026, 12, 7, 8, 0, tzinfo=TZ)
    assert next_fire("0 9 * * 0").strftime("%a") == next_fire("0 9 * * 7").strftime("%a") == "Sun"
    assert {next_fire("0 8 * * 1-5", datetime(2026, 12, d, 9, tzinfo=TZ)).strftime("%a") for d in range(1, 8)} \
        == {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert next_fire("0 8 * * */2").strftime("%a") == "Tue"        # Sun, Tue, Thu, Sat as in cron
    assert next_fire("0 8 * * mon").strftime("%a") == "Mon"


@given(st.integers(0, 7), st.integers(0, 23))
def test_any_single_day_number_fires_on_that_cron_day(day, hour):
    fire = next_fire(f"0 {hour} * * {day}")
    assert fire.strftime("%a") == CRON_DAY[day] and fire.hour == hour and fire >= MONDAY


@pytest.mark.parametrize("expr", ["0 8 * * 8", "0 8 * *", "0 8 * * 5-3"])
def test_bad_lines_are_refused_in_chinese(expr):
    with pytest.raises(jobs.ScheduleError, match="cron 表达式无效"):
        jobs.parse_schedules({"digests": [{"id": "w", "cron": expr, "recipients": ["a@example.com"]}]})


def test_schedule_trigger_uses_the_chain_zone(monkeypatch):
    monkeypatch.setenv("CX_TZ", "Asia/Shanghai")
    [s] = jobs.parse_schedules({"digests": [{"id": "w", "cron": "0 8 * * 1", "recipients": ["a@example.com"]}]})
    fire = s.trigger().get_next_fire_time(None, MONDAY)
    assert fire.strftime("%a %H:%M") == "Mon 08:00" and fire.utcoffset().total_seconds() == 8 * 3600
