"""Who gets what comes from the accounts: a store ticket reaches the store's accounts (e-mail over a real
SMTP server, aiosmtpd; webhook to a local receiver), an escalation the region's accounts, then HQ's."""
from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
import urllib.parse
from datetime import timedelta

import pytest

from cx import auth, commands, settings
from cx.notify import outbox, recipients
from cx.service import jobs
from tests.service.live import Receiver, Smtp

pytest.importorskip("aiosmtpd")
HQ = auth.User("boss", "总部", "hq")
PW = "a-long-password"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))       # no recipients.yaml: accounts only


@pytest.fixture
def accounts():
    auth.add_user("s1-mgr", PW, "store", "一号店长", store_id="S001", email="s1-mgr@example.com")
    auth.add_user("s2-mgr", PW, "store", "二号店长", store_id="S002", email="s2-mgr@example.com")
    auth.add_user("east", PW, "region", "华东经理", region="华东", email="east@example.com")
    auth.add_user("south", PW, "region", "华南经理", region="华南", email="south@example.com")
    auth.add_user("cx-hq", PW, "hq", "总部客服", email="hq@example.com")
    auth.add_user("ana", PW, "analyst", "分析师", email="ana@example.com")
    auth.add_user("quiet", PW, "store", "没填邮箱", store_id="S001")


def _submit(con, ref="U1", store="S001", text="服务员态度恶劣，等了一个小时才上菜"):
    res = commands.submit_feedback(con, HQ, "survey", [{"store_id": store, "created_at": "2026-10-01 10:00",
                                                        "source_ref": ref, "nps": 0, "text": text}])
    assert res.tickets == 1
    return con.execute("SELECT ticket_id, due_at FROM tickets WHERE owner_level = 'store'").fetchone()


def _deliver_all(con):
    out = outbox.deliver_due(con, now=settings.now() + timedelta(minutes=1))
    assert out == {"sent": out["sent"], "retry": 0, "failed": 0}, out
    return out["sent"]


def test_store_ticket_mails_the_store_user_then_escalations_reach_region_and_hq(con, accounts, monkeypatch):
    with Smtp() as smtp:
        monkeypatch.setenv("CX_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CX_SMTP_PORT", str(smtp.port))
        tid, due = _submit(con)
        assert _deliver_all(con) == 1
        [m] = smtp.wait(1)
        assert m["To"] == "s1-mgr@example.com" and "新工单" in m["Subject"]
        body = m.get_content()
        assert "状态：待处理" in body and "处理层级：门店" in body and "S001" in body
        # the store misses its 24 h SLA: the region's account is told; 24 h later HQ's
        commands.escalate_overdue(con, due + timedelta(minutes=1))
        _deliver_all(con)
        commands.escalate_overdue(con, due + timedelta(hours=24, minutes=1))
        _deliver_all(con)
        msgs = smtp.wait(3)
    assert [x["To"] for x in msgs] == ["s1-mgr@example.com", "east@example.com", "hq@example.com"]
    assert "升级至区域" in msgs[1]["Subject"] and "升级至总部" in msgs[2]["Subject"]
    assert "状态：已升级" in msgs[1].get_content()
    sent = {r[0] for r in con.execute("SELECT target FROM notifications").fetchall()}
    assert not sent & {"s2-mgr@example.com", "south@example.com", "ana@example.com"}


def test_a_users_own_webhook_gets_the_ticket_with_its_signature(con, accounts):
    with Receiver() as hooks:
        auth.set_contact("s1-mgr", webhook={"kind": "dingtalk", "url": hooks.url + "/robot/send?access_token=U1",
                                            "secret": "SECuser"})
        _submit(con)
        assert ("dingtalk", "user:s1-mgr") in con.execute("SELECT channel, target FROM notifications").fetchall()
        out = outbox.deliver_due(con, now=settings.now() + timedelta(minutes=1))   # the real channels
        [got] = hooks.wait(1)
    assert out["sent"] == 1
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(got["path"]).query)
    ts = q["timestamp"][0]
    want = base64.b64encode(hmac.new(b"SECuser", f"{ts}\nSECuser".encode(), hashlib.sha256).digest()).decode()
    assert q["access_token"] == ["U1"] and q["sign"] == [want]
    assert "新工单" in got["json"]["markdown"]["text"]


def test_contact_details_validated_cleared_and_kept_on_replace(accounts):
    with pytest.raises(auth.AuthError, match="邮箱格式不正确"):
        auth.set_contact("s1-mgr", email="not-an-address")
    with pytest.raises(auth.AuthError, match="webhook 类型"):
        auth.set_contact("s1-mgr", webhook={"kind": "slack", "url": "https://x"})
    with pytest.raises(auth.AuthError, match="不存在"):
        auth.set_contact("nobody", email="a@b.cn")
    auth.set_contact("s1-mgr", webhook={"kind": "wecom", "url": "https://qyapi.weixin.qq.com/x?key=K"})
    auth.add_user("s1-mgr", "another-password", "store", "一号店长", store_id="S001", replace=True)
    u = next(u for u in auth.list_users() if u.username == "s1-mgr")
    assert (u.email, u.webhook_kind) == ("s1-mgr@example.com", "wecom")       # a password reset keeps contacts
    u = auth.set_contact("s1-mgr", email="", webhook=None)
    assert (u.email, u.webhook_url) == (None, None)
    assert recipients.targets("ticket_created", "store", "华东", "S001") == []


def test_digest_recipients_name_accounts_mailboxes_and_robots(tmp_path, accounts):
    (tmp_path / "recipients.yaml").write_text(
        "recipients:\n  - {id: east-robot, level: region, region: 华东, webhook: {kind: wecom, url: 'https://q/x'}}\n",
        encoding="utf-8")
    auth.set_contact("east", webhook={"kind": "feishu", "url": "https://open.feishu.cn/x", "secret": "S"})
    pairs, unknown, refused = recipients.named(["boss@example.com", "east-robot", "east", "quiet", "ghost"])
    assert pairs == [("email", "boss@example.com"), ("wecom", "east-robot"), ("email", "east@example.com"),
                     ("feishu", "user:east")]
    assert unknown == ["quiet", "ghost"] and refused == []    # an account without contact details reaches nobody
    s = jobs.Schedule("w", "0 8 * * 1", "region:华东", "last_week", "pptx", ("east", "ghost"), "周报")
    assert jobs._targets(s) == [("email", "east@example.com"), ("feishu", "user:east")]
    chain = jobs.Schedule("w", "0 8 * * 1", "chain", "last_week", "pptx", ("east", "cx-hq"), "周报")
    assert jobs._targets(chain) == [("email", "hq@example.com")]      # the region manager never gets the whole chain
    assert recipients.webhook("user:east").webhook_secret == "S"


def test_cli_sets_and_lists_contact(tmp_path):
    env = {"CX_USERS": str(tmp_path / "u.yaml"), "PATH": "/usr/bin:/bin"}

    def cli(*a, stdin=None):
        return subprocess.run([sys.executable, "-m", "cx", "users", *a], input=stdin, capture_output=True, text=True,
                              env=env)

    assert cli("add", "carol", "--role", "store", "--store", "S0001", "--allow-unknown", "--email", "carol@example.com",
               stdin=PW + "\n").returncode == 0
    r = cli("contact", "carol", "--webhook-kind", "dingtalk", "--webhook-url", "https://oapi.dingtalk.com/robot/send?x=1",
            "--webhook-secret", "SEC1")
    assert r.returncode == 0, r.stderr
    assert "邮箱 carol@example.com、钉钉机器人" in cli("list").stdout
    r = cli("contact", "carol", "--email", "bad")
    assert r.returncode != 0 and "邮箱格式不正确" in r.stderr and "Traceback" not in r.stderr
    assert cli("contact", "carol", "--email", "", "--webhook-url", "").returncode == 0
    assert "未设置通知方式" in cli("list").stdout
