"""Fresh-eyes findings on #18 (API results, errors, CLI output, token scopes, notification texts, sign-in lock-out,
access log) against one real service process (uvicorn + st.App) with a real SMTP server and a webhook receiver."""
from __future__ import annotations

import re
import shutil
import threading
import urllib.parse
from datetime import datetime, timedelta

import httpx
import pytest
import yaml

from cx import commands, db
from tests.service.live import Receiver, Service, Smtp, copy_store

pytest.importorskip("aiosmtpd")
PUBLIC = "https://cx.example.com"
PW = "a-long-password-1"


def h(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def svc(demo_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("svc-fresh18b")
    path = copy_store(demo_db, home)
    con = db.connect(path)
    commands.escalate_overdue(con, datetime.now() + timedelta(hours=72))   # demo backlog settled before we listen
    region = con.execute("SELECT region FROM stores WHERE store_id = 'S0001'").fetchone()[0]
    # a digest missed an hour ago: caught up once at start, to a mailbox and a group robot
    con.execute("INSERT INTO job_runs VALUES ('digest:east-week', ?, ?, 'ok')",
                [datetime.now() - timedelta(hours=3, minutes=1), datetime.now() - timedelta(hours=3)])
    con.close()
    with Receiver() as hooks, Smtp() as smtp:
        (home / "recipients.yaml").write_text(yaml.safe_dump({"recipients": [
            {"id": "s1-wecom", "level": "store", "store": "S0001",
             "webhook": {"kind": "wecom", "url": hooks.url + "/cgi-bin/webhook/send?key=K1"}},
            {"id": "east-feishu", "level": "region", "region": region,
             "webhook": {"kind": "feishu", "url": hooks.url + "/open-apis/bot/v2/hook/E1"}}]},
            allow_unicode=True), encoding="utf-8")
        (home / "schedules.yaml").write_text(yaml.safe_dump({"digests": [
            {"id": "east-week", "cron": "0 * * * *", "scope": f"region:{region}", "period": "last_30_days",
             "format": "html", "title": "区域周报", "recipients": ["boss@example.com", "east-feishu"]}]},
            allow_unicode=True), encoding="utf-8")
        s = Service(path, home, CX_UPLOAD_MB="1", CX_API_RATE="100000", CX_PUBLIC_URL=PUBLIC,
                    CX_SMTP_HOST="127.0.0.1", CX_SMTP_PORT=str(smtp.port))
        try:
            s.start()
            s.region, s.hooks, s.smtp = region, hooks, smtp
            s.tokens = {"hq": s.token("hq-bot", "hq"), "region": s.token("east-bot", "region", "--region", region)}
            yield s
        finally:
            s.stop()


def _post(svc, items, token="hq", source="survey"):
    r = httpx.post(svc.url + "/api/v1/feedback", json={"source": source, "items": items}, headers=h(svc.tokens[token]),
                   timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def test_changed_resubmission_is_updated_and_in_batch_repeats_say_so_for_both_rows(svc):
    when = (datetime.now() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    first = _post(svc, [{"source_ref": "FX-1", "store_id": "S0001", "created_at": when, "nps": 9, "text": "很好"}])
    assert first["results"][0]["status"] == "created"
    items = [{"source_ref": "FX-1", "store_id": "S0001", "created_at": when, "nps": 9, "text": "很好，上菜也快"},   # changed
             {"source_ref": "FX-2", "store_id": "S0001", "created_at": when, "nps": 5},
             {"source_ref": "FX-2", "store_id": "S0001", "created_at": when, "nps": 7},                      # later wins
             {"source_ref": "FX-3", "store_id": "S0001", "created_at": when, "nps": 8},
             {"source_ref": "FX-3", "store_id": "S0001", "created_at": when, "nps": 8}]                      # exact repeat
    res = _post(svc, items)["results"]
    assert [x["status"] for x in res] == ["updated", "duplicate", "created", "duplicate", "created"], res
    assert res[0]["reason"] == "已更新（此前提交过，内容有变化）"
    assert "第 3 条" in res[1]["reason"] and "取代" in res[1]["reason"]
    assert "第 2 条" in res[2]["reason"] and "保留本条" in res[2]["reason"]
    assert "第 5 条" in res[3]["reason"] and "完全相同" in res[3]["reason"]
    again = _post(svc, items[:1])["results"][0]
    assert again["status"] == "duplicate" and "此前已提交" in again["reason"]


def test_summary_counts_every_item_as_the_rows_do_and_names_json_not_a_file(svc):
    when = (datetime.now() - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    every = httpx.get(svc.url + "/api/v1/stores", headers=h(svc.tokens["hq"])).json()["stores"]
    other = next(s["store_id"] for s in every if s["store_id"] not in _scope(svc))
    _post(svc, [{"source_ref": "SUM-4", "store_id": "S0001", "created_at": when, "nps": 6}], token="region")
    items = [{"source_ref": "SUM-1", "store_id": "S0001", "created_at": when, "nps": 10},
             {"source_ref": "SUM-2", "store_id": other, "created_at": when, "nps": 10},                  # out of scope
             {"source_ref": "SUM-3", "store_id": "S0001", "created_at": "2031-01-01 10:00", "nps": 10},  # future
             {"source_ref": "SUM-4", "store_id": "S0001", "created_at": when, "nps": 6}]                 # repeat
    body = _post(svc, items, token="region")
    rows = [x["status"] for x in body["results"]]
    assert rows == ["created", "rejected", "rejected", "duplicate"]
    assert (body["received"], body["created"], body["updated"], body["rejected"], body["duplicate"]) == (4, 1, 0, 2, 1)
    assert "收到 4 条 = 成功 1 + 拒绝 2 + 重复 1" in body["summary"], body["summary"]
    assert "JSON" in body["summary"] and "CSV" not in body["summary"]
    hist = httpx.get(svc.url + "/api/v1/imports", headers=h(svc.tokens["region"])).json()["imports"]
    mine = next(i for i in hist if i["import_id"] == body["import_id"])
    assert re.fullmatch(r"API 提交 east-bot \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", mine["file_name"]), mine["file_name"]
    assert (mine["rows_in"], mine["rows_rejected"]) == (4, 2)
    rej = httpx.get(svc.url + f"/api/v1/imports/{body['import_id']}/rejects", headers=h(svc.tokens["region"])).json()
    assert sorted((r["row_number"], "权限" in r["reason"] or "未来" in r["reason"]) for r in rej["rejects"]) == \
        [(2, True), (3, True)]                                       # numbered by item, scope refusals included


def _scope(svc) -> set:
    return {s["store_id"] for s in httpx.get(svc.url + "/api/v1/stores", headers=h(svc.tokens["region"])).json()["stores"]}


def test_validation_errors_in_chinese_chunked_oversize_413_and_kano_refused(svc):
    r = httpx.post(svc.url + "/api/v1/feedback", headers=h(svc.tokens["hq"]),
                   json={"source": "survey", "items": [{"store_id": "S0001", "created_at": "2026-10-01", "nps": [1]}]})
    msg = r.json()["error"]["message"]
    assert r.status_code == 422 and "items[0].source_ref：缺少必填字段" in msg, msg
    assert not re.search(r"[A-Za-z]{5,} [a-z]{3,}", msg.replace("source_ref", "").replace("items", "")), msg
    r = httpx.post(svc.url + "/api/v1/feedback", headers=h(svc.tokens["hq"]), json={"source": "survey", "items": []})
    assert r.status_code == 422 and "items：至少需要 1 项" in r.json()["error"]["message"]
    r = httpx.get(svc.url + "/api/v1/kpis?start=2026-13-01&end=2026-10-01", headers=h(svc.tokens["hq"]))
    assert r.status_code == 422 and "查询参数 start：应为日期" in r.json()["error"]["message"]

    def chunks():
        for _ in range(12):
            yield b"x" * (100 * 1024)                     # 1.2 MB streamed without a Content-Length
    r = httpx.post(svc.url + "/api/v1/feedback", content=chunks(),
                   headers={**h(svc.tokens["hq"]), "content-type": "application/json"}, timeout=60)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large", r.text
    small = iter([b'{"source": "survey", ', b'"items": [{"source_ref": "CH-1", "store_id": "S0001", '
                  b'"created_at": "2026-10-01 10:00", "nps": 8}]}'])
    r = httpx.post(svc.url + "/api/v1/feedback", content=small,
                   headers={**h(svc.tokens["hq"]), "content-type": "application/json"}, timeout=60)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "created", r.text   # chunked within limit
    r = httpx.post(svc.url + "/api/v1/feedback", headers=h(svc.tokens["hq"]), json={"source": "kano", "items": [
        {"source_ref": "K-1", "store_id": "S0001", "created_at": "2026-10-01 10:00"}]})
    assert r.status_code == 422 and "/api/v1/imports" in r.json()["error"]["message"]


def test_cli_through_the_service_prints_what_a_direct_run_prints(svc, demo_db, tmp_path):
    f = tmp_path / "survey3.csv"
    f.write_text("门店编号,时间,编号,NPS\nS0001,2026-10-02 12:00,CLI-1,9\nS9999,2026-10-02 12:00,CLI-2,3\n"
                 "S0001,2026-10-02 12:05,CLI-3,8\n", encoding="utf-8")
    via = svc.cli("ingest", str(f), "--source", "survey")
    assert via.returncode == 0, via.stderr
    direct_db = tmp_path / "direct.duckdb"
    shutil.copy(demo_db, direct_db)
    direct = svc.cli("ingest", str(f), "--source", "survey", env={"CX_DB": str(direct_db)})
    assert direct.returncode == 0, direct.stderr

    def lines(out):
        return [re.sub(r"导入编号 \w+", "导入编号 X", x) for x in out.splitlines()]
    assert any(x.startswith("拒绝：第 3 行 未知门店“S9999”") for x in lines(via.stdout)), via.stdout
    assert lines(via.stdout) == lines(direct.stdout)


def test_tokens_and_accounts_for_unknown_regions_or_stores_are_refused(svc):
    r = svc.cli("tokens", "add", "mars", "--role", "region", "--region", "火星")
    assert r.returncode != 0 and "没有区域“火星”" in r.stderr and svc.region in r.stderr
    r = svc.cli("tokens", "add", "typo", "--role", "store", "--store", "S00001")
    assert r.returncode != 0 and "没有门店“S00001”" in r.stderr and "S0001" in r.stderr
    r = svc.cli("users", "add", "ghost", "--role", "store", "--store", "S9999", stdin=PW + "\n")
    assert r.returncode != 0 and "S9999" in r.stderr and "--allow-unknown" in r.stderr
    assert "mars" not in svc.cli("tokens", "list").stdout
    r = svc.cli("tokens", "add", "later", "--role", "store", "--store", "S9999", "--allow-unknown")
    assert r.returncode == 0, r.stderr


def test_ticket_notifications_show_the_number_and_a_link(svc):
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    body = _post(svc, [{"source_ref": "NT-1", "store_id": "S0001", "created_at": when, "nps": 0,
                        "text": "服务员态度恶劣，等了一个小时才上菜"}])
    assert body["tickets"] >= 1
    deadline = datetime.now() + timedelta(seconds=60)
    while datetime.now() < deadline and not [g for g in svc.hooks.requests if "/cgi-bin/" in g["path"]]:
        threading.Event().wait(0.3)
    got = [g for g in svc.hooks.requests if "/cgi-bin/" in g["path"]]
    text = got[0]["json"]["markdown"]["content"]
    no = re.search(r"工单：(GD-\d{8}-\d{4})", text)
    assert no, text
    link = re.search(r"查看工单：(\S+)", text).group(1)
    parts = urllib.parse.urlsplit(link)
    assert link.startswith(PUBLIC + "/tickets?") and urllib.parse.parse_qs(parts.query)["ticket"] == [no.group(1)]


def test_the_digest_names_its_scope_in_chinese_and_robots_get_a_link_not_an_attachment(svc):
    mails = svc.smtp.wait(1, timeout=120)
    digest = [m for m in mails if "区域周报" in m["Subject"]]
    assert digest, [m["Subject"] for m in mails]
    text = digest[0].get_body(("plain",)).get_content()
    assert f"范围：{svc.region}区域" in text and "chain" not in text and "附件：" in text
    deadline = datetime.now() + timedelta(seconds=60)
    def robot_digest():
        return [g["json"]["content"]["text"] for g in svc.hooks.requests
                if "/open-apis/" in g["path"] and "区域周报" in g["json"]["content"]["text"]]
    while datetime.now() < deadline and not robot_digest():
        threading.Event().wait(0.3)
    robot = robot_digest()[0]
    assert f"范围：{svc.region}区域" in robot and "附件" not in robot and "邮件附件" not in robot
    link = re.search(r"在线查看：(\S+)", robot).group(1)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert link.startswith(PUBLIC + "/overview?") and q["region"] == [svc.region] and q["from"] and q["to"]


def test_one_users_failures_do_not_lock_colleagues_at_the_same_address(svc):
    for name in ("fx-ana", "fx-store"):
        r = svc.cli("users", "add", name, "--role", "store", "--store", "S0001", stdin=PW + "\n")
        assert r.returncode == 0, r.stderr
    with httpx.Client(base_url=svc.url, timeout=120) as c:
        def fail(i):
            c.post("/auth/login", data={"username": "fx-ana", "password": f"wrong-{i}"})
        threads = [threading.Thread(target=fail, args=(i,)) for i in range(10)]   # in parallel: no 90 s of delays
        [t.start() for t in threads]
        [t.join() for t in threads]
        r = c.post("/auth/login", data={"username": "fx-ana", "password": PW}, follow_redirects=False)
        assert r.status_code == 401 and "锁定" in r.text                  # that account is locked
        r = c.post("/auth/login", data={"username": "fx-store", "password": PW}, follow_redirects=False)
        assert r.status_code == 303 and "cx_session" in r.headers.get("set-cookie", "")   # the colleague is not
        c.post("/auth/login", data={"username": "fx-nobody", "password": "x"}, headers={"X-Forwarded-For": "203.0.113.7"})
    log = httpx.get(svc.url + "/api/v1/audit", headers=h(svc.tokens["hq"])).json()["audit"]
    assert len([e for e in log if e["actor"] == "fx-ana" and e["action"] == "login_failed"]) == 10
    # no CX_TRUSTED_PROXIES: an X-Forwarded-For header from the client is not believed
    assert [e["address"] for e in log if e["actor"] == "fx-nobody"] == ["127.0.0.1"]


def test_no_access_log_is_honoured(svc):
    httpx.get(svc.url + "/api/v1/me", headers=h(svc.tokens["hq"]))
    httpx.get(svc.url + "/healthz")
    log = svc.log.read_text()
    assert "CX Lens service up" in log and '"GET /healthz' not in log and '"GET /api/v1/me' not in log
