"""Write-side commands and scope checks, on a real in-memory store (ingest, rules and outbox all real)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import yaml

from cx import access, auth, commands
from cx.notify import outbox

HQ = auth.User("boss", "总部", "hq")
S1 = auth.User("s1", "一号店长", "store", store_id="S001")
ANALYST = auth.User("ana", "分析师", "analyst")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))


def rows(n=3, store="S001", nps=9, prefix="R"):
    return [{"store_id": store, "created_at": "2026-10-0%d 12:00" % (i + 1), "source_ref": f"{prefix}{i}", "nps": nps,
             "text": "服务很好，上菜也快"} for i in range(n)]


def test_submit_is_idempotent_and_reports_each_row(con):
    first = commands.submit_feedback(con, HQ, "survey", rows(3) + [{"store_id": "S001", "created_at": "2026-10-05",
                                                                     "source_ref": "BAD", "nps": 42}])
    assert [r["status"] for r in first.results] == ["created", "created", "created", "rejected"]
    assert "NPS" in first.results[3]["reason"] or "0" in first.results[3]["reason"]
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3
    again = commands.submit_feedback(con, HQ, "survey", rows(3) + rows(1, prefix="NEW"))
    assert [r["status"] for r in again.results] == ["duplicate", "duplicate", "duplicate", "created"]
    assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 4


def test_submit_refuses_rows_outside_scope_and_read_only_roles(con):
    res = commands.submit_feedback(con, S1, "survey", rows(1) + rows(1, store="S003", prefix="X"))
    assert [r["status"] for r in res.results] == ["created", "rejected"]
    assert "权限" in res.results[1]["reason"]
    with pytest.raises(access.Forbidden):
        commands.submit_feedback(con, ANALYST, "survey", rows(1))
    res = commands.submit_feedback(con, HQ, "survey", [{"store_id": "S001", "created_at": "2026-10-01", "nps": 3}])
    assert res.results[0]["status"] == "rejected" and "source_ref" in res.results[0]["reason"]


def test_imports_and_rejects_are_scoped(con):
    commands.submit_feedback(con, HQ, "survey", rows(1) + [{"store_id": "S001", "created_at": "x", "source_ref": "B"}])
    commands.submit_feedback(con, S1, "survey", rows(1, prefix="S1-"))
    assert len(access.imports_for(con, HQ)) == 2
    mine = access.imports_for(con, S1)
    assert list(mine["imported_by"]) == ["s1"]
    hq_import = access.imports_for(con, HQ).query("imported_by == 'boss'")["import_id"].iloc[0]
    assert len(access.rejects_for(con, HQ, hq_import)) == 1
    with pytest.raises(access.Forbidden):
        access.rejects_for(con, S1, hq_import)


def test_ticket_action_respects_scope_and_escalation_queues_notifications(con, tmp_path):
    (tmp_path / "recipients.yaml").write_text(yaml.safe_dump({"recipients": [
        {"id": "east", "level": "region", "region": "华东", "email": "east@example.com"},
        {"id": "s3", "level": "store", "store": "S003", "email": "s3@example.com"},
        {"id": "s1", "level": "store", "store": "S001", "email": "s1@example.com",
         "webhook": {"kind": "dingtalk", "url": "http://127.0.0.1:9/robot", "secret": "SEC"}}]}, allow_unicode=True))
    commands.submit_feedback(con, HQ, "survey", [{"store_id": "S001", "created_at": "2026-10-01 10:00",
                                                  "source_ref": "D1", "nps": 0, "text": "菜里有虫子，太恶心了"}])
    t = con.execute("SELECT ticket_id, owner_level, due_at FROM tickets").df()
    assert len(t) >= 1
    t = t[t["owner_level"] == "store"]
    tid = t["ticket_id"].iloc[0]
    # the ticket and its notifications were written together
    created = con.execute("SELECT channel, target FROM notifications WHERE kind = 'ticket_created'").fetchall()
    assert ("email", "s1@example.com") in created and ("dingtalk", "s1") in created
    with pytest.raises(access.Forbidden):
        commands.ticket_action(con, auth.User("s3", "三号店长", "store", store_id="S003"), tid, "accept")
    with pytest.raises(access.Forbidden):
        commands.ticket_action(con, ANALYST, tid, "accept")
    assert commands.ticket_action(con, S1, tid, "accept")["status"] == "in_progress"
    due = t["due_at"].iloc[0].to_pydatetime()
    assert commands.escalate_overdue(con, due + timedelta(minutes=1)) >= 1
    esc = con.execute("SELECT target, body FROM notifications WHERE kind = 'escalated' AND event_key LIKE ?",
                      [f"escalated:{tid}:%"]).fetchall()
    assert [e[0] for e in esc] == ["east@example.com"] and "升级至区域" in esc[0][1]
    # the same escalation moment again queues nothing more
    assert commands.escalate_overdue(con, due + timedelta(minutes=1)) == 0
    assert con.execute("SELECT count(*) FROM notifications WHERE event_key LIKE ?", [f"escalated:{tid}:%"]).fetchone()[0] == 1


def test_outbox_retries_with_backoff_and_never_resends(con, monkeypatch):
    monkeypatch.setenv("CX_RETRY_BASE_S", "60")
    t0 = datetime(2026, 11, 1, 9, 0)
    with con.cursor() as cur:
        outbox.enqueue_digest(cur, "digest:x", "周报", "正文", [("email", "a@example.com"), ("email", "b@example.com")],
                              None, now=t0)
        outbox.enqueue_digest(cur, "digest:x", "周报", "正文", [("email", "a@example.com")], None, now=t0)  # same key
    assert con.execute("SELECT count(*) FROM notifications").fetchone()[0] == 2
    sent = []

    def flaky(row):
        if row["target"] == "b@example.com" and row["attempts"] < 3:
            raise OSError("connection refused")
        sent.append(row["target"])

    assert outbox.deliver_due(con, flaky, now=t0 + timedelta(hours=1)) == {"sent": 1, "retry": 1, "failed": 0}
    assert outbox.deliver_due(con, flaky, now=t0 + timedelta(hours=1, seconds=30)) == {"sent": 0, "retry": 0, "failed": 0}
    assert outbox.deliver_due(con, flaky, now=t0 + timedelta(hours=1, seconds=61))["retry"] == 1
    assert outbox.deliver_due(con, flaky, now=t0 + timedelta(hours=1, minutes=5))["sent"] == 1
    assert outbox.deliver_due(con, flaky, now=t0 + timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}
    assert sorted(sent) == ["a@example.com", "b@example.com"]


def test_digest_formats_html_and_pdf(demo_con, tmp_path):
    import shutil
    from datetime import date

    html = commands.build_digest(demo_con, "chain", date(2026, 9, 1), date(2026, 9, 30), "html", tmp_path, name="d")
    assert html.suffix == ".html" and "<html" in html.read_text(encoding="utf-8")[:2000].lower()
    if not shutil.which("chromium"):
        pytest.skip("system Chromium not installed (scripts/setup.sh installs it)")
    pdf = commands.build_digest(demo_con, "store:S0001", date(2026, 9, 1), date(2026, 9, 30), "pdf", tmp_path, name="d")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000
    with pytest.raises(commands.CommandError):
        commands.build_digest(demo_con, "chain", date(2026, 9, 1), date(2026, 9, 30), "docx", tmp_path)


def test_schedules_yaml_is_validated_with_chinese_errors():
    from cx.service import jobs

    ok = jobs.parse_schedules({"digests": [{"id": "w", "cron": "0 8 * * 1", "recipients": ["a@example.com"]}]})
    assert ok[0].period == "last_week" and ok[0].format == "pptx"
    for bad, word in [({"digests": [{"id": "w", "cron": "61 * * * *", "recipients": ["a@b.c"]}]}, "cron"),
                      ({"digests": [{"id": "w", "cron": "0 8 * * 1"}]}, "recipients"),
                      ({"digests": [{"id": "w", "cron": "0 8 * * 1", "recipients": ["x"], "period": "yearly"}]}, "period")]:
        with pytest.raises(jobs.ScheduleError, match=word):
            jobs.parse_schedules(bad)
    assert jobs.period_dates("last_week", datetime(2026, 11, 4, 8)) == (datetime(2026, 10, 26).date(),
                                                                      datetime(2026, 11, 1).date())
    assert jobs.period_dates("last_month", datetime(2026, 3, 1, 9)) == (datetime(2026, 2, 1).date(),
                                                                       datetime(2026, 2, 28).date())


def test_a_broken_recipients_file_does_not_stop_tickets(con, tmp_path):
    (tmp_path / "recipients.yaml").write_text("recipients: [{id: x, level: nowhere}]", encoding="utf-8")
    res = commands.submit_feedback(con, HQ, "survey", [{"store_id": "S001", "created_at": "2026-10-01 10:00",
                                                        "source_ref": "B1", "nps": 0, "text": "菜里有头发"}])
    assert res.results[0]["status"] == "created" and res.tickets >= 1
    assert con.execute("SELECT count(*) FROM notifications").fetchone()[0] == 0


def test_json_rejects_are_stored_like_file_rows_masked_and_hashed(con):
    """Items refused before the import (outside the scope, no source_ref) and items refused by validation keep
    the same raw shape — the staged row, every field as text — and neither keeps a phone number or a customer
    key in clear (a file row's customer key hashes to the same value)."""
    import json

    from cx.ingest import import_bytes, rejects_of

    phone = "13812345678"
    item = {"store_id": "S001", "created_at": "2026-10-01 12:00", "nps": 3, "customer_key": phone, "text": f"电话{phone}"}
    res = commands.submit_feedback(con, S1, "survey", [
        {**item, "source_ref": "A", "nps": 42},            # refused by validation (NPS out of range)
        {**item, "source_ref": "B", "store_id": "S003"},   # refused before the import: outside the account's scope
        item])                                             # refused before the import: no source_ref
    assert [r["status"] for r in res.results] == ["rejected"] * 3
    raws = [json.loads(x) for x in rejects_of(con, res.import_id).sort_values("row_number")["raw"]]
    assert len(raws) == 3 and len({tuple(r) for r in raws}) == 1                  # the same keys, in the same order
    assert all(isinstance(v, str) for r in raws for v in r.values())
    assert [r["nps"] for r in raws] == ["42", "3", "3"] and [r["source_ref"] for r in raws] == ["A", "B", ""]
    assert not any(phone in json.dumps(r, ensure_ascii=False) for r in raws)
    assert {r["text"] for r in raws} == {"电话138****5678"}
    f = import_bytes(con, f"source_ref,store_id,created_at,nps,customer_key\nF,S001,2026-10-01 12:00,42,{phone}\n".encode(),
                     "f.csv", "survey")
    from_file = json.loads(rejects_of(con, f.import_id)["raw"].iloc[0])
    assert {r["customer_key"] for r in raws} == {from_file["customer_key"]} and from_file["customer_key"] != phone
