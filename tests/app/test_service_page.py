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
