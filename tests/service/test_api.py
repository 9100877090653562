"""REST API v1 against a real service process (uvicorn + st.App) on a free port."""
from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.service.live import Service, copy_store


@pytest.fixture(scope="module")
def svc(demo_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("svc-api")
    s = Service(copy_store(demo_db, home), home, CX_UPLOAD_MB="1", CX_API_RATE="100000")
    try:
        s.start()
        s.tokens = {"hq": s.token("hq-bot", "hq"), "store": s.token("s1-bot", "store", "--store", "S0001"),
                    "analyst": s.token("ana-bot", "analyst")}
        yield s
    finally:
        s.stop()


def h(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_health_ready_openapi_and_pages(svc):
    assert httpx.get(svc.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(svc.url + "/readyz").json() == {"status": "ready", "store": True, "jobs": True}
    doc = httpx.get(svc.url + "/api/openapi.json").json()
    assert "/v1/feedback" in doc["paths"] and "/v1/tickets/{ticket_id}/actions" in doc["paths"]
    assert httpx.get(svc.url + "/api/docs").status_code == 200
    page = httpx.get(svc.url + "/")
    assert page.status_code == 200 and "<div id=\"root\">" in page.text      # the Streamlit app from the same process


def test_auth_is_required_and_revocation_works(svc):
    r = httpx.get(svc.url + "/api/v1/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized" and "令牌" in r.json()["error"]["message"]
    assert httpx.get(svc.url + "/api/v1/me", headers=h("cxl_deadbeef_" + "x" * 43)).status_code == 401
    tok = svc.token("temp-bot", "analyst")
    assert httpx.get(svc.url + "/api/v1/me", headers=h(tok)).json()["role"] == "analyst"
    assert svc.cli("tokens", "revoke", "temp-bot").returncode == 0
    assert httpx.get(svc.url + "/api/v1/me", headers=h(tok)).status_code == 401
    listed = svc.cli("tokens", "list").stdout
    assert "temp-bot" in listed and "已吊销" in listed and tok not in listed
    assert tok not in (svc.home / "api_tokens.yaml").read_text()           # stored hashed only


def test_feedback_submission_idempotent_scoped_per_row(svc):
    when = (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    items = [{"source_ref": "API-1", "store_id": "S0001", "created_at": when, "nps": 10, "text": "上菜很快，服务热情"},
             {"source_ref": "API-2", "store_id": "S0001", "created_at": when, "nps": 11},
             {"source_ref": "API-3", "store_id": "S0002", "created_at": when, "nps": 8}]
    r = httpx.post(svc.url + "/api/v1/feedback", json={"source": "survey", "items": items}, headers=h(svc.tokens["store"]))
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert [x["status"] for x in res] == ["created", "rejected", "rejected"]
    assert "NPS" in res[1]["reason"] and "权限" in res[2]["reason"]
    again = httpx.post(svc.url + "/api/v1/feedback", json={"source": "survey", "items": items[:1]},
                       headers=h(svc.tokens["hq"])).json()
    assert again["results"][0]["status"] == "duplicate" and again["created"] == 0
    # read-only roles cannot write
    r = httpx.post(svc.url + "/api/v1/feedback", json={"source": "survey", "items": items[:1]},
                   headers=h(svc.tokens["analyst"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_malformed_json_oversize_and_invalid_fields(svc):
    r = httpx.post(svc.url + "/api/v1/feedback", content=b'{"source": "survey", "items": [', headers={
        **h(svc.tokens["hq"]), "content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"
    r = httpx.post(svc.url + "/api/v1/feedback", json={"source": "weibo", "items": []}, headers=h(svc.tokens["hq"]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid" and "请求参数不正确" in r.json()["error"]["message"]
    big = b"x" * (1024 * 1024 + 10)
    r = httpx.post(svc.url + "/api/v1/imports", files={"file": ("big.csv", big)}, data={"source": "survey"},
                   headers=h(svc.tokens["hq"]))
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_file_upload_uses_the_import_path_and_history_is_scoped(svc):
    csv = "门店编号,时间,编号,NPS,评价\nS0001,2026-10-02 12:00,UP-1,3,等位太久了服务也慢\nS0001,not-a-date,UP-2,9,好\n"
    r = httpx.post(svc.url + "/api/v1/imports", files={"file": ("up.csv", csv.encode())}, data={"source": "survey"},
                   headers=h(svc.tokens["store"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["rows_in"] == 2 and body["rows_rejected"] == 1 and body["rows_ok"] + body["rows_duplicate"] == 1
    rej = httpx.get(svc.url + f"/api/v1/imports/{body['import_id']}/rejects", headers=h(svc.tokens["store"])).json()
    assert len(rej["rejects"]) == 1 and rej["rejects"][0]["reason"]
    mine = httpx.get(svc.url + "/api/v1/imports", headers=h(svc.tokens["store"])).json()["imports"]
    assert {i["imported_by"] for i in mine} == {"token:s1-bot"}
    hq_import = [i for i in httpx.get(svc.url + "/api/v1/imports", headers=h(svc.tokens["hq"])).json()["imports"]
                 if i["imported_by"] != "token:s1-bot"]
    if hq_import:
        r = httpx.get(svc.url + f"/api/v1/imports/{hq_import[0]['import_id']}/rejects", headers=h(svc.tokens["store"]))
        assert r.status_code == 403


def test_kpis_and_tickets_respect_scope(svc):
    q = {"start": "2026-01-01", "end": "2026-12-31"}
    k = httpx.get(svc.url + "/api/v1/kpis", params=q, headers=h(svc.tokens["store"])).json()["kpis"]
    chain = httpx.get(svc.url + "/api/v1/kpis", params=q, headers=h(svc.tokens["hq"])).json()["kpis"]
    assert 0 < k["n"] < chain["n"] and set(k["nps"]) == {"value", "low", "high", "n"}
    r = httpx.get(svc.url + "/api/v1/kpis", params={**q, "store": "S0002"}, headers=h(svc.tokens["store"]))
    assert r.status_code == 403
    mine = httpx.get(svc.url + "/api/v1/tickets", params=q, headers=h(svc.tokens["store"])).json()["tickets"]
    assert mine and {t["store_id"] for t in mine} == {"S0001"}
    all_t = httpx.get(svc.url + "/api/v1/tickets", params=q, headers=h(svc.tokens["hq"])).json()["tickets"]
    other = next(t for t in all_t if t["store_id"] not in (None, "S0001"))
    assert httpx.get(svc.url + f"/api/v1/tickets/{other['ticket_id']}", headers=h(svc.tokens["store"])).status_code == 404
    r = httpx.post(svc.url + f"/api/v1/tickets/{other['ticket_id']}/actions", json={"action": "accept"},
                   headers=h(svc.tokens["store"]))
    assert r.status_code == 404


def test_ticket_state_machine_and_audit_trail_over_the_api(svc):
    q = {"start": "2026-01-01", "end": "2026-12-31", "status": ["open", "escalated"]}
    by_code = httpx.get(svc.url + "/api/v1/tickets", params=q, headers=h(svc.tokens["store"])).json()["tickets"]
    assert by_code and {(x["status"], x["status_label"]) for x in by_code} <= {("open", "待处理"), ("escalated", "已升级")}
    # the Chinese labels are accepted as well and select the same tickets; an unknown state is refused in Chinese
    by_label = httpx.get(svc.url + "/api/v1/tickets", params={**q, "status": ["待处理", "已升级"]},
                         headers=h(svc.tokens["store"])).json()["tickets"]
    assert [x["ticket_id"] for x in by_label] == [x["ticket_id"] for x in by_code]
    r = httpx.get(svc.url + "/api/v1/tickets", params={**q, "status": "pending"}, headers=h(svc.tokens["store"]))
    assert r.status_code == 422 and "未知的工单状态" in r.json()["error"]["message"]
    t = by_code[0]
    url = svc.url + f"/api/v1/tickets/{t['ticket_id']}/actions"
    r = httpx.post(url, json={"action": "close"}, headers=h(svc.tokens["store"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert httpx.post(url, json={"action": "accept"}, headers=h(svc.tokens["store"])).json()["ticket"]["status"] == "in_progress"
    r = httpx.post(url, json={"action": "resolve", "note": "已与顾客沟通并致歉"}, headers=h(svc.tokens["store"])).json()
    assert (r["ticket"]["status"], r["ticket"]["status_label"]) == ("resolved", "已解决")
    assert [e["event"] for e in r["events"]][-2:] == ["assigned", "resolved"]
    assert r["events"][-1]["actor"].startswith("API 令牌 s1-bot")


def test_cli_works_while_the_service_runs(svc, tmp_path):
    f = tmp_path / "cli.csv"
    f.write_text("store_id,created_at,source_ref,nps,text\nS0003,2026-10-04 09:00,CLI-9,9,很好\n", encoding="utf-8")
    r = svc.cli("ingest", str(f), "--source", "survey")
    assert r.returncode == 0, r.stderr
    assert "成功 1" in r.stdout
    r = svc.cli("escalate")
    assert r.returncode == 0 and "SLA 检查完成" in r.stdout, r.stderr
    r = svc.cli("ingest", str(tmp_path / "missing.csv"), "--source", "survey")
    assert r.returncode == 1 and "无法读取文件" in r.stderr
    imports = httpx.get(svc.url + "/api/v1/imports", headers=h(svc.tokens["hq"])).json()["imports"]
    assert any(i["file_name"] == "cli.csv" for i in imports)
    r = svc.cli("backup", str(tmp_path / "backup.duckdb"))               # a snapshot without stopping the service
    assert r.returncode == 0 and "已备份到" in r.stdout, r.stderr
    import duckdb

    copy = duckdb.connect(str(tmp_path / "backup.duckdb"), read_only=True)
    assert copy.execute("SELECT count(*) FROM feedback WHERE feedback_id IN (SELECT feedback_id FROM feedback "
                        "WHERE store_id = 'S0003' AND nps = 9 AND created_at = '2026-10-04 09:00')").fetchone()[0] == 1
    copy.close()
    r = svc.cli("report", "--period", "2026-10", "--scope", "store:S0001", "--out", str(tmp_path / "r.html"))
    assert r.returncode == 0 and "页内容" in r.stdout and (tmp_path / "r.html").stat().st_size > 10_000, r.stderr


def test_rate_limit_answers_429_with_retry_after(demo_db, tmp_path, monkeypatch):
    """The limiter in front of every endpoint (in-process client: the module's service allows a high rate)."""
    from fastapi.testclient import TestClient

    from cx import tokens
    from cx.service import api as api_mod, state

    monkeypatch.setenv("CX_DB", str(copy_store(demo_db, tmp_path)))
    monkeypatch.setenv("CX_TOKENS", str(tmp_path / "t.yaml"))
    monkeypatch.setenv("CX_API_RATE", "3")
    monkeypatch.setattr(state, "_CON", None)
    _, tok = tokens.add("burst", "analyst")
    try:
        client = TestClient(api_mod.api)
        codes = [client.get("/v1/me", headers=h(tok)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/v1/me", headers=h(tok))
        assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    finally:
        state.close()


def test_a_field_of_several_types_is_named_once_in_chinese(svc):
    r = httpx.post(svc.url + "/api/v1/feedback", headers=h(svc.tokens["hq"]),
                   json={"source": "survey", "items": [{"source_ref": "U-1", "store_id": "S0001", "nps": 3.5}]})
    assert r.status_code == 422, r.text
    msg = r.json()["error"]["message"]
    assert "items[0].nps：" in msg and ".int" not in msg and ".str" not in msg and msg.count("items[0].nps") == 1, msg
