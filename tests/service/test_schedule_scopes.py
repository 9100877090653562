"""A digest scope in schedules.yaml that does not parse (cx.scope.parse_scope) is caught when the schedules are
loaded — at start and on live reload — with a Chinese error naming the digest and the scope; the other digests
still load."""
from __future__ import annotations

import logging

import pytest
import yaml
from apscheduler.schedulers.background import BackgroundScheduler

from cx import settings
from cx.service import jobs


def _digest(i: str, scope: str | None = "chain", cron: str = "0 8 * * 1") -> dict:
    d = {"id": i, "cron": cron, "period": "last_week", "format": "html", "recipients": ["boss@example.com"]}
    return d | ({"scope": scope} if scope is not None else {})


def _write(tmp_path, *digests: dict) -> None:
    (tmp_path / "schedules.yaml").write_text(yaml.safe_dump({"digests": list(digests)}, allow_unicode=True),
                                             encoding="utf-8")


@pytest.fixture(autouse=True)
def _data(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA", str(tmp_path))


def test_a_bad_scope_is_named_and_the_other_digests_load(caplog):
    doc = {"digests": [_digest("east", "region:华东"), _digest("typo", "regoin:华东"), _digest("bare", "store:"),
                       _digest("s1", "store:S0001"), _digest("default", None)]}
    problems: dict[str, str] = {}
    got = jobs.parse_schedules(doc, problems=problems)
    assert [s.id for s in got] == ["east", "s1", "default"] and got[2].scope == "chain"
    assert set(problems) == {"typo", "bare"}
    assert "“typo”" in problems["typo"] and "regoin:华东" in problems["typo"] and "无法识别的范围" in problems["typo"]
    assert "“bare”" in problems["bare"] and "store:" in problems["bare"]
    # without a problems dict the errors go to the log, the good digests still come back
    caplog.set_level(logging.ERROR, logger="cx.jobs")
    assert [s.id for s in jobs.parse_schedules(doc)] == ["east", "s1", "default"]
    [line] = [r.getMessage() for r in caplog.records if "regoin:华东" in r.getMessage()]
    assert "此摘要未加载" in line and "其他摘要照常运行" in line


def test_load_and_live_reload_check_scopes(tmp_path, caplog):
    caplog.set_level(logging.ERROR, logger="cx.jobs")
    sched = BackgroundScheduler(timezone=settings.zone())
    live = jobs.Schedules(sched)
    _write(tmp_path, _digest("weekly"), _digest("east", "华东"))              # "华东" without "region:"
    assert live.reload() is True
    assert list(live.current) == ["weekly"] and sched.get_job("digest:weekly") and not sched.get_job("digest:east")
    assert list(live.problems) == ["east"]
    assert any("摘要“east”" in r.getMessage() and "“华东”" in r.getMessage() for r in caplog.records)
    caplog.clear()
    # live reload: east fixed and a third digest added with a bad scope, weekly changed — all but the bad one load
    _write(tmp_path, _digest("weekly", cron="0 9 * * 1"), _digest("east", "region:华东"), _digest("x", "shop:1"))
    assert live.reload() is True
    assert sorted(live.current) == ["east", "weekly"] and live.current["weekly"].cron == "0 9 * * 1"
    assert sched.get_job("digest:east") and not sched.get_job("digest:x") and list(live.problems) == ["x"]
    assert [r.getMessage() for r in caplog.records if "shop:1" in r.getMessage()]
    caplog.clear()
    # a loaded digest whose scope turns bad keeps its previous settings (as a broken file keeps the old ones)
    _write(tmp_path, _digest("weekly", cron="0 9 * * 1"), _digest("east", "region"))
    assert live.reload() is True
    assert live.current["east"].scope == "region:华东" and sched.get_job("digest:east")
    assert any("摘要“east”" in r.getMessage() and "继续使用原有设置" in r.getMessage() for r in caplog.records)


def test_running_a_digest_with_a_bad_scope_by_hand_says_why(tmp_path):
    _write(tmp_path, _digest("weekly"), _digest("east", "region:"))
    with pytest.raises(jobs.ScheduleError, match="摘要“east”的 scope“region:”无效"):
        jobs.run_now(None, "east")
    assert [s.id for s in jobs.load_schedules()] == ["weekly"]

