"""工单中心 shows the Chinese labels of the stored state codes, filters by code, and never escalates on load."""

from streamlit.testing.v1 import AppTest

from cx import auth, db, settings, vocab
from cx.db import ROOT

HQ = auth.User("t-hq", "测试总部", "hq")


def _start():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user"] = HQ
    at.run()
    at.switch_page("pages/tickets.py").run()
    assert not at.exception, at.exception
    return at


def test_queue_shows_labels_and_the_state_filter_works_on_codes(app_db):
    con = db.connect(app_db)
    stored = {r[0] for r in con.execute("SELECT DISTINCT status FROM tickets").fetchall()}
    con.close()
    assert stored and stored <= set(vocab.TICKET_STATES)          # codes in the store, no Chinese words
    at = _start()
    box = at.multiselect(key="tk_status")
    assert box.value == list(vocab.TICKET_OPEN_STATES)            # codes as values …
    assert box.options == [vocab.TICKET_STATE_LABELS[s] for s in vocab.TICKET_STATES]   # … labels shown
    queue = [d.value for d in at.dataframe if "工单号" in d.value.columns][0]
    assert set(queue["状态"]) <= {"待处理", "处理中", "已升级"} and len(queue)
    box.set_value(["resolved"]).run()
    assert not at.exception, at.exception
    queue = [d.value for d in at.dataframe if "工单号" in d.value.columns][0]
    assert set(queue["状态"]) == {"已解决"}
    [by_status] = [d.value for d in at.dataframe if list(d.value.columns) == ["状态", "工单数"]]
    assert set(by_status["状态"]) <= set(vocab.TICKET_STATE_LABELS.values()) and "已关闭" in set(by_status["状态"])


def test_opening_the_page_does_not_escalate(app_db):
    con = db.connect(app_db)
    q = ("SELECT count(*) FROM tickets WHERE status IN ('open', 'in_progress', 'escalated') AND due_at <= ? "
         "AND owner_level <> 'hq'")
    overdue = con.execute(q, [settings.now()]).fetchone()[0]
    events = con.execute("SELECT count(*) FROM ticket_events WHERE event = 'escalated'").fetchone()[0]
    con.close()
    assert overdue > 0                      # there is something a render-path escalation would move
    _start()
    con = db.connect(app_db)
    assert con.execute(q, [settings.now()]).fetchone()[0] == overdue
    assert con.execute("SELECT count(*) FROM ticket_events WHERE event = 'escalated'").fetchone()[0] == events
    con.close()
