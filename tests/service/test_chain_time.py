"""One clock for the chain (cx.settings.now(), naive in CX_TZ) on a server whose own clock runs on UTC;
escalation notifies every level passed; the inbox waits for complete files; schedules.yaml reloads live;
digests run by hand. Real stores, real ingest, rules, outbox and digest builds; only the wall clock is set."""
from __future__ import annotations

import logging
import shutil
from datetime import datetime, timedelta, timezone

import pytest
import yaml

from cx import auth, cli, commands, db, settings
from cx.service import jobs, state

HQ = auth.User("boss", "总部", "hq")
S1 = auth.User("s1", "一号店长", "store", store_id="S001")
# Sunday 23:14 on the server's UTC clock is Monday 07:14 in Shanghai
INSTANT = datetime(2026, 11, 29, 23, 14, tzinfo=timezone.utc)


class Clock:
    """Sets the real instant seen by cx.settings.now() (the server's zone plays no part)."""

    def __init__(self, monkeypatch, instant: datetime):
        self.instant = instant
        clock = self

        class Fake(datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.instant.astimezone(tz) if tz else clock.instant.replace(tzinfo=None)   # server on UTC

        monkeypatch.setattr(settings, "datetime", Fake)

    def set_local(self, local: datetime) -> None:
        self.instant = local.replace(tzinfo=settings.zone()).astimezone(timezone.utc)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))
    monkeypatch.setenv("CX_TZ", "Asia/Shanghai")
    monkeypatch.delenv("CX_CLOCK_SHIFT_HOURS", raising=False)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch, INSTANT)


def _recipients(tmp_path):
    (tmp_path / "recipients.yaml").write_text(yaml.safe_dump({"recipients": [
        {"id": "s1", "level": "store", "store": "S001", "email": "s1@example.com"},
        {"id": "east", "level": "region", "region": "华东", "email": "east@example.com"},
        {"id": "hq", "level": "hq", "email": "hq@example.com"}]}, allow_unicode=True), encoding="utf-8")


def _complaint(con, ref: str, at: datetime) -> dict:
    res = commands.submit_feedback(con, HQ, "survey", [{"store_id": "S001", "created_at": f"{at:%Y-%m-%d %H:%M}",
                                                       "source_ref": ref, "nps": 0, "text": "菜里有虫子，太恶心了"}])
    assert res.results[0]["status"] == "created", res.results
    row = con.execute("SELECT ticket_id, created_at, due_at, sla_hours FROM tickets "
                      "WHERE feedback_id = ? AND owner_level = 'store'", [res.results[0]["feedback_id"]]).fetchone()
    assert row, "no store-level ticket opened"
    return dict(zip(["ticket_id", "created_at", "due_at", "sla_hours"], row))


def test_now_is_chain_local_while_the_server_clock_is_utc(clock):
    assert settings.now() == datetime(2026, 11, 30, 7, 14)
    assert settings.today().isoformat() == "2026-11-30"
    assert state.now() == settings.now()


def test_ticket_actions_happen_after_the_ticket_they_act_on(con, clock):
    t = _complaint(con, "N-1", datetime(2026, 11, 30, 7, 4))          # submitted at Shanghai "now"
    assert t["created_at"] == datetime(2026, 11, 30, 7, 4)
    commands.ticket_action(con, S1, t["ticket_id"], "accept")
    done = commands.ticket_action(con, S1, t["ticket_id"], "resolve", note="已道歉并退款")
    assert done["resolved_at"].to_pydatetime() == datetime(2026, 11, 30, 7, 14)
    assert done["resolved_at"] >= t["created_at"]
    ev = con.execute("SELECT min(event_at) FROM ticket_events WHERE ticket_id = ? AND event <> 'created'",
                     [t["ticket_id"]]).fetchone()[0]
    assert ev >= t["created_at"]


def test_escalation_fires_at_the_chain_local_due_time(con, clock, tmp_path):
    _recipients(tmp_path)
    t = _complaint(con, "E-1", datetime(2026, 11, 29, 9, 0))
    due = t["due_at"]
    state_of = "SELECT owner_level, escalations FROM tickets WHERE ticket_id = ?"
    clock.set_local(due - timedelta(minutes=1))
    commands.escalate_overdue(con)
    assert con.execute(state_of, [t["ticket_id"]]).fetchone() == ("store", 0)
    clock.set_local(due + timedelta(minutes=1))      # UTC says 8 h earlier: the old clock would not escalate
    assert commands.escalate_overdue(con) >= 1
    assert con.execute(state_of, [t["ticket_id"]]).fetchone() == ("region", 1)
    got = con.execute("SELECT target, created_at FROM notifications WHERE event_key LIKE ?",
                      [f"escalated:{t['ticket_id']}:%"]).fetchall()
    assert got == [("east@example.com", due + timedelta(minutes=1))]


def test_one_pass_through_several_levels_notifies_each_level(con, clock, tmp_path):
    _recipients(tmp_path)
    t = _complaint(con, "OLD-1", datetime(2026, 11, 26, 9, 0))      # older feedback imported today: 3 days overdue
    commands.escalate_overdue(con)                                    # store → region → HQ in one pass
    assert con.execute("SELECT owner_level, escalations FROM tickets WHERE ticket_id = ?",
                       [t["ticket_id"]]).fetchone() == ("hq", 2)
    mine = "SELECT event_key, target, subject, body FROM notifications WHERE event_key LIKE ? ORDER BY event_key"
    rows = con.execute(mine, [f"escalated:{t['ticket_id']}:%"]).fetchall()
    assert [(k, to) for k, to, *_ in rows] == [(f"escalated:{t['ticket_id']}:1", "east@example.com"),
                                               (f"escalated:{t['ticket_id']}:2", "hq@example.com")]
    assert "升级至区域" in rows[0][2] and "升级至总部" in rows[1][2]
    assert "由门店升级至区域" in rows[0][3] and "由区域升级至总部" in rows[1][3]
    assert commands.escalate_overdue(con) == 0                        # nothing repeated
    assert len(con.execute(mine, [f"escalated:{t['ticket_id']}:%"]).fetchall()) == 2


@pytest.fixture
def store_copy(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_db, path)
    c = db.connect(path)
    monkeypatch.setattr(state, "store", lambda: c)
    yield c
    c.close()


def _schedules(tmp_path, **kw):
    d = {"id": "weekly", "cron": "40 7 * * *", "scope": "chain", "period": "last_week", "format": "html",
         "title": "周报", "recipients": ["boss@example.com"], **kw}
    (tmp_path / "schedules.yaml").write_text(yaml.safe_dump({"digests": [d]}, allow_unicode=True), encoding="utf-8")


def test_digest_run_now_on_a_shanghai_monday_covers_the_previous_shanghai_week(store_copy, clock, tmp_path):
    _schedules(tmp_path)
    out = jobs.run_now(store_copy, "weekly")
    assert (out["start"], out["end"]) == ("2026-11-23", "2026-11-29")
    assert out["notifications"] == 1
    key = store_copy.execute("SELECT event_key FROM notifications WHERE kind = 'digest'").fetchone()[0]
    assert key == "digest:weekly:manual:2026-11-30T07:14:00"
    # a run by hand leaves the schedule's own record alone
    assert store_copy.execute("SELECT count(*) FROM job_runs WHERE job_id = 'digest:weekly'").fetchone()[0] == 0
    with pytest.raises(jobs.ScheduleError, match="没有 id"):
        jobs.run_now(store_copy, "nope")


def test_a_daily_digest_missed_during_downtime_is_caught_up_in_the_chain_zone(store_copy, clock, tmp_path):
    _schedules(tmp_path, period="last_day")
    s = jobs.load_schedules()[0]
    store_copy.execute("INSERT INTO job_runs VALUES ('digest:weekly', ?, ?, 'ok')",
                       [datetime(2026, 11, 29, 7, 40), datetime(2026, 11, 29, 7, 41)])
    clock.set_local(datetime(2026, 11, 30, 7, 27))            # down 07:27–07:41: not due yet
    assert jobs.catch_up(s) is None
    clock.set_local(datetime(2026, 11, 30, 7, 41))            # restarted after 07:40 (UTC: still Sunday 23:41)
    assert jobs.catch_up(s) == datetime(2026, 11, 30, 7, 40)
    fire = store_copy.execute("SELECT last_fire FROM job_runs WHERE job_id = 'digest:weekly'").fetchone()[0]
    assert fire == datetime(2026, 11, 30, 7, 40)
    body = store_copy.execute("SELECT body FROM notifications WHERE event_key = 'digest:weekly:2026-11-30T07:40'"
                              ).fetchone()[0]
    assert "2026-11-29 至 2026-11-29" in body
    assert jobs.catch_up(s) is None                            # once, not again


def test_inbox_waits_until_a_growing_file_is_stable(store_copy, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("CX_INBOX_SETTLE_S", "10")
    root = tmp_path / "inbox"
    box = root / "survey"
    box.mkdir(parents=True)
    f = box / "slow.csv"
    f.write_text("store_id,created_at,source_ref,nps\nS0002,2026-10-06 10:00,SL-1,9\n", encoding="utf-8")
    for name in (".hidden.csv", "big.csv.part", "copy.tmp", "~$sheet.xlsx"):
        (box / name).write_text("store_id\n", encoding="utf-8")
    (box / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 legacy excel")
    caplog.set_level(logging.INFO, logger="cx.jobs")
    assert jobs.inbox_job(root, clock=0.0)["done"] == 0                     # first sight: wait
    with f.open("a", encoding="utf-8") as fh:                               # the writer appends a row
        fh.write("S0002,2026-10-06 11:00,SL-2,7\n")
    out = jobs.inbox_job(root, clock=12.0)
    assert out["done"] == 0 and out["failed"] == 1                         # slow.csv changed: wait; old.xls refused
    assert jobs.inbox_job(root, clock=15.0)["done"] == 0                    # stable only 3 s
    out = jobs.inbox_job(root, clock=23.0)
    assert out["done"] == 1 and out["failed"] == 0
    assert "成功 2" in (box / "done" / "slow.csv.reason.txt").read_text(encoding="utf-8")
    assert store_copy.execute("SELECT count(*) FROM feedback WHERE store_id = 'S0002' AND created_at IN "
                              "('2026-10-06 10:00', '2026-10-06 11:00')").fetchone()[0] == 2
    assert ".xls" in (box / "failed" / "old.xls.reason.txt").read_text(encoding="utf-8")
    assert any("old.xls" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)
    left = sorted(p.name for p in box.iterdir() if p.is_file())
    assert left == [".hidden.csv", "big.csv.part", "copy.tmp", "~$sheet.xlsx"]


def test_schedules_yaml_reloads_and_keeps_the_old_schedules_on_errors(tmp_path, caplog):
    from apscheduler.schedulers.background import BackgroundScheduler

    sched = BackgroundScheduler(timezone=settings.zone())
    live = jobs.Schedules(sched)
    assert live.reload() is True and live.current == {}
    _schedules(tmp_path)
    assert live.reload() is True and list(live.current) == ["weekly"]
    assert sched.get_job("digest:weekly") is not None
    assert live.reload() is False                                          # unchanged file: nothing to do
    _schedules(tmp_path, cron="0 9 * * 1")
    assert live.reload() is True and live.current["weekly"].cron == "0 9 * * 1"
    assert "hour='9'" in str(sched.get_job("digest:weekly").trigger)
    caplog.set_level(logging.ERROR, logger="cx.jobs")
    _schedules(tmp_path, cron="61 * * * *")
    assert live.reload() is False
    assert live.current["weekly"].cron == "0 9 * * 1" and sched.get_job("digest:weekly") is not None
    assert any("schedules.yaml 有错误" in r.getMessage() and "cron" in r.getMessage() for r in caplog.records)
    (tmp_path / "schedules.yaml").write_text("digests: []\n", encoding="utf-8")
    assert live.reload() is True and sched.get_job("digest:weekly") is None


def test_cli_digest_run_without_the_service(store_copy, tmp_path, capsys, monkeypatch):
    _schedules(tmp_path)
    path = tmp_path / "store.duckdb"
    store_copy.close()
    monkeypatch.delenv("CX_SMTP_HOST", raising=False)
    assert cli.main(["digest", "run", "weekly", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "摘要 weekly 已生成" in out and "服务未运行" in out
    c = db.connect(path, read_only=True)
    try:
        assert c.execute("SELECT count(*) FROM notifications WHERE kind = 'digest'").fetchone()[0] == 1
    finally:
        c.close()
    assert cli.main(["digest", "run", "nope", "--db", str(path)]) == 2
    assert "没有 id 为“nope”的摘要" in capsys.readouterr().err


def test_the_shipped_schedules_example_is_valid():
    doc = yaml.safe_load((settings.ROOT / "data" / "schedules.example.yaml").read_text(encoding="utf-8"))
    got = jobs.parse_schedules(doc)
    assert [s.id for s in got] == ["weekly-chain", "monthly-east"] and got[1].format == "pdf"
