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


def test_only_hq_sees_the_page_in_the_menu(app_db):
    def labels(user):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["user"] = user
        at.run()
        assert not at.exception, at.exception
        return [p.proto.label for p in at.get("page_link")]

    hq = labels(auth.User("t-hq", "总部", "hq"))
    assert "通知与审计" in hq and "工单中心" in hq
    for user in (auth.User("t-s", "店长", "store", store_id="S0001"), auth.User("t-r", "区域", "region", region="华东"),
                 auth.User("t-a", "分析", "analyst")):
        menu = labels(user)
        assert "工单中心" in menu and "通知与审计" not in menu, (user.role, menu)


def test_a_notification_link_opens_its_ticket(app_db):
    con = db.connect(app_db)
    first, last = con.execute("SELECT min(created_at), max(created_at) FROM tickets "
                              "WHERE status IN ('open', 'escalated')").fetchone()
    con.close()
    dates = {"from": first.date().isoformat(), "to": last.date().isoformat()}

    def open_tickets(extra: dict):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["user"] = auth.User("t-hq", "总部", "hq")
        at.query_params.update(dates)
        at.run()
        at.query_params.update(extra)          # the link opens 工单中心 itself (/tickets?from=&to=&ticket=)
        at.switch_page("pages/tickets.py").run()
        assert not at.exception, at.exception
        return at

    plain = open_tickets({})
    pick = plain.selectbox(key="tk_pick")
    labels = pick.options
    assert len(labels) > 1
    target = labels[-1].split(" · ")[0]                  # not the one shown by default
    assert not pick.format_func(pick.value).startswith(target)
    at = open_tickets({"ticket": target})
    assert at.selectbox(key="tk_pick").format_func(at.selectbox(key="tk_pick").value).startswith(target)
    assert any(target in m.value for m in at.markdown)


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
