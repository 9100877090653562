"""通知与审计: HQ sees delivery status and failures; other roles are refused."""
from streamlit.testing.v1 import AppTest

from cx import auth, db
from cx.db import ROOT


def test_hq_page_shows_delivery_status_and_others_are_refused(app_db):
    con = db.connect(app_db)
    with con.cursor() as cur:
        from cx.notify import outbox

        outbox.enqueue_digest(cur, "digest:t", "周报", "正文", [("email", "a@example.com")], None)
        cur.execute("UPDATE notifications SET status = 'failed', last_error = '邮件发送失败：refused'")
    con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("t-hq", "总部", "hq")
    at.run()
    at.switch_page("pages/service_status.py").run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][3] == "1"                 # one failed
    assert "邮件发送失败" in at.dataframe[0].value.to_string()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("t-s", "店长", "store", store_id="S0001")
    at.run()
    at.switch_page("pages/service_status.py").run()
    assert any("只有总部" in i.value for i in at.info) and not at.dataframe


def test_hq_sets_an_accounts_notification_email_and_robot_on_the_page(app_db):
    auth.add_user("s1-mgr", "a-long-password", "store", "一号店长", store_id="S0001")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = auth.User("t-hq", "总部", "hq")
    at.run()
    at.switch_page("pages/service_status.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="sv_who").select("s1-mgr").run()
    at.text_input[0].input("bad-address")
    [b for b in at.button if b.label == "保存"][0].click().run()
    assert any("邮箱格式不正确" in e.value for e in at.error)
    at.text_input[0].input("s1@example.com")
    [s for s in at.selectbox if s.label == "机器人"][0].select("dingtalk")
    at.text_input[1].input("https://oapi.dingtalk.com/robot/send?access_token=T")
    at.text_input[2].input("SEC123")
    [b for b in at.button if b.label == "保存"][0].click().run()
    assert not at.exception, at.exception
    u = next(u for u in auth.list_users() if u.username == "s1-mgr")
    assert (u.email, u.webhook_kind, u.webhook_secret) == ("s1@example.com", "dingtalk", "SEC123")
    table = [d.value for d in at.dataframe if "邮箱" in d.value.columns][0]
    assert table.set_index("账号").loc["s1-mgr", "机器人"] == "钉钉"


def test_hq_runs_a_scheduled_digest_now_from_the_page(app_db, tmp_path, monkeypatch):
    import yaml

    monkeypatch.setenv("CX_DATA", str(tmp_path))
    (tmp_path / "schedules.yaml").write_text(yaml.safe_dump({"digests": [
        {"id": "weekly", "cron": "0 8 * * 1", "period": "last_30_days", "format": "html",
         "recipients": ["boss@example.com"]}]}), encoding="utf-8")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = auth.User("t-hq", "总部", "hq")
    at.run()
    at.switch_page("pages/service_status.py").run()
    assert not at.exception, at.exception
    [b for b in at.button if b.label == "立即运行"][0].click().run()
    assert not at.exception, at.exception
    assert any("已生成" in s.value for s in at.success), [e.value for e in at.error]
    con = db.connect(app_db)
    try:
        assert con.execute("SELECT target FROM notifications WHERE kind = 'digest'").fetchall() == [("boss@example.com",)]
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'digest_run'").fetchone()[0] == 1
    finally:
        con.close()
