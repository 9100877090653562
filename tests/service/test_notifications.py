"""Notifications end to end: a real service, a real SMTP server (aiosmtpd) and a local webhook receiver;
kill -9 with notifications pending; escalation by an injected clock; a digest caught up after downtime;
the inbox folders."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from datetime import timedelta

import httpx
import pytest
import yaml

from cx import commands, db, settings
from tests.service.live import Receiver, Smtp, copy_store, free_port

pytest.importorskip("aiosmtpd")


def h(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _prepare(demo_db, home, recipients: list[dict]):
    path = copy_store(demo_db, home)
    con = db.connect(path)
    commands.escalate_overdue(con, settings.now() + timedelta(hours=72))   # demo backlog settled before we listen
    region = con.execute("SELECT region FROM stores WHERE store_id = 'S0001'").fetchone()[0]
    con.close()
    (home / "recipients.yaml").write_text(yaml.safe_dump(
        {"recipients": [r if r.get("level") != "region" else {**r, "region": region} for r in recipients]},
        allow_unicode=True), encoding="utf-8")
    return path


def _wait(pred, timeout=40.0, step=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (v := pred()):
            return v
        time.sleep(step)
    return pred()


def test_alert_notifications_survive_kill9_and_escalation_reaches_the_region(demo_db, tmp_path, spawn):
    smtp_port = free_port()
    with Receiver() as hooks:
        path = _prepare(demo_db, tmp_path, [
            {"id": "s1-mail", "level": "store", "store": "S0001", "email": "s1@example.com"},
            {"id": "s1-wecom", "level": "store", "store": "S0001",
             "webhook": {"kind": "wecom", "url": hooks.url + "/cgi-bin/webhook/send?key=K1"}},
            {"id": "s1-ding", "level": "store", "store": "S0001",
             "webhook": {"kind": "dingtalk", "url": hooks.url + "/robot/send?access_token=T1", "secret": "SECding"}},
            {"id": "s1-feishu", "level": "store", "store": "S0001",
             "webhook": {"kind": "feishu", "url": hooks.url + "/open-apis/bot/v2/hook/F1", "secret": "feishu-secret"}},
            {"id": "region-mail", "level": "region", "email": "region@example.com"}])
        svc = spawn(path, tmp_path, CX_SMTP_HOST="127.0.0.1", CX_SMTP_PORT=str(smtp_port))
        svc.start()
        hq = svc.token("hq-bot", "hq")
        when = (settings.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
        r = httpx.post(svc.url + "/api/v1/feedback", headers=h(hq), json={"source": "survey", "items": [
            {"source_ref": "N-1", "store_id": "S0001", "created_at": when, "nps": 0, "text": "服务员态度恶劣，等了一个小时才上菜"}]})
        assert r.status_code == 200 and r.json()["tickets"] >= 1, r.text

        # the three robots get their message with the vendors' payload shapes and signatures
        got = hooks.wait(3)
        by = {g["path"].split("?")[0]: g for g in got}
        assert set(by) == {"/cgi-bin/webhook/send", "/robot/send", "/open-apis/bot/v2/hook/F1"}
        assert by["/cgi-bin/webhook/send"]["json"]["msgtype"] == "markdown"
        assert "新工单" in by["/cgi-bin/webhook/send"]["json"]["markdown"]["content"]
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(by["/robot/send"]["path"]).query)
        ts = q["timestamp"][0]
        want = base64.b64encode(hmac.new(b"SECding", f"{ts}\nSECding".encode(), hashlib.sha256).digest()).decode()
        assert q["sign"][0] == want and q["access_token"] == ["T1"]
        assert abs(int(ts) / 1000 - time.time()) < 120
        assert by["/robot/send"]["json"]["msgtype"] == "markdown" and by["/robot/send"]["json"]["markdown"]["title"]
        fs = by["/open-apis/bot/v2/hook/F1"]["json"]
        want = base64.b64encode(hmac.new(f"{fs['timestamp']}\nfeishu-secret".encode(), b"", hashlib.sha256).digest()).decode()
        assert fs["sign"] == want and fs["msg_type"] == "text" and "新工单" in fs["content"]["text"]

        # the mail server is down: the e-mail is retried, not lost
        def mail_row():
            rows = httpx.get(svc.url + "/api/v1/notifications", headers=h(hq)).json()["notifications"]
            return next((x for x in rows if x["channel"] == "email" and x["attempts"] >= 2), None)
        row = _wait(mail_row)
        # "sending" when the sender has just picked it up for the next attempt: not delivered either way
        assert row and row["status"] in ("pending", "sending") and "邮件发送失败" in row["last_error"]
        svc.kill9()                                             # crash with the notification pending

        with Smtp(smtp_port) as smtp:
            svc.start(CX_CLOCK_SHIFT_HOURS="30")                # 30 h later: the 24 h store SLA is missed
            msgs = smtp.wait(2, timeout=60)
            time.sleep(4)                                       # room for any duplicate to show up
            msgs = list(smtp.messages)
            tos = sorted(m["To"] for m in msgs)
            assert tos == ["region@example.com", "s1@example.com"], tos
            assert len({m["Message-ID"] for m in msgs}) == 2
            esc = next(m for m in msgs if m["To"] == "region@example.com")
            assert "升级至区域" in esc["Subject"]
            assert len(hooks.requests) == 3                     # robots were told once, never again
            counts = httpx.get(svc.url + "/api/v1/notifications", headers=h(hq)).json()["counts"]
            assert counts == {"sent": 5}, counts
        svc.stop()
    log = (tmp_path / "service.log").read_text()
    assert "job escalate ok" in log and "sent (attempt" in log


def test_digest_missed_during_downtime_runs_once_with_the_deck_attached_and_inbox(demo_db, tmp_path, spawn):
    path = _prepare(demo_db, tmp_path, [])
    (tmp_path / "schedules.yaml").write_text(yaml.safe_dump({"digests": [
        {"id": "weekly-s1", "cron": "0 * * * *", "scope": "store:S0001", "period": "last_30_days", "format": "pptx",
         "title": "门店周报", "recipients": ["boss@example.com"]}]}, allow_unicode=True), encoding="utf-8")
    con = db.connect(path)
    con.execute("INSERT INTO job_runs VALUES ('digest:weekly-s1', ?, ?, 'ok')",
                [settings.now() - timedelta(hours=3, minutes=1), settings.now() - timedelta(hours=3)])
    con.close()
    inbox = tmp_path / "inbox" / "survey"
    inbox.mkdir(parents=True)
    (inbox / "good.csv").write_text("store_id,created_at,source_ref,nps\nS0002,2026-10-06 10:00,IN-1,9\n", encoding="utf-8")
    (inbox / "bad.csv").write_text("这不是表头\n", encoding="utf-8")
    with Smtp() as smtp:
        svc = spawn(path, tmp_path, CX_SMTP_HOST="127.0.0.1", CX_SMTP_PORT=str(smtp.port), CX_SCHEDULES_SECONDS="1")
        svc.start()
        msgs = smtp.wait(1, timeout=120)
        assert len(msgs) == 1
        m = msgs[0]
        assert m["To"] == "boss@example.com" and "门店周报" in m["Subject"]
        att = [p for p in m.walk() if p.get_filename()]
        assert len(att) == 1 and att[0].get_filename().endswith(".pptx")
        assert att[0].get_payload(decode=True)[:2] == b"PK"            # a real zip container (the deck)
        assert _wait(lambda: (inbox / "done" / "good.csv").exists() and (inbox / "failed" / "bad.csv").exists())
        assert "成功 1" in (inbox / "done" / "good.csv.reason.txt").read_text(encoding="utf-8")
        assert (inbox / "failed" / "bad.csv.reason.txt").read_text(encoding="utf-8").strip()
        # run by hand: the CLI goes through the service's API while it runs
        run = svc.cli("digest", "run", "weekly-s1")
        assert run.returncode == 0 and "摘要 weekly-s1 已生成" in run.stdout and "1 条通知" in run.stdout, run
        assert len(smtp.wait(2, timeout=60)) == 2
        hq = svc.token("hq-bot", "hq")
        r = httpx.post(svc.url + "/api/v1/digests/nope/run", headers=h(hq))
        assert r.status_code == 404 and "没有 id" in r.json()["error"]["message"]
        # schedules.yaml edited while running: a broken file is refused and logged, the old schedule stays
        (tmp_path / "schedules.yaml").write_text("digests: [{id: x, cron: '61 * * * *', recipients: [a@b.c]}]\n",
                                                 encoding="utf-8")
        assert _wait(lambda: "schedules.yaml 有错误" in (tmp_path / "service.log").read_text(), timeout=20)
        svc.stop()
        svc.start()                                                   # a restart does not repeat the caught-up run
        time.sleep(5)
        assert len(smtp.messages) == 2
        svc.stop()
    log = (tmp_path / "service.log").read_text()
    assert "catching up once" in log and "run by hand" in log
