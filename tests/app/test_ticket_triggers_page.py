"""工单中心 lists the triggers of a ticket that one incident event raised several times, and its history says
what was attached."""
from __future__ import annotations

import pandas as pd

from cx import db
from cx.loop import rules
from tests.helpers import open_page


def test_the_ticket_detail_lists_the_events_triggers(app_db):
    con = db.connect(app_db)
    tid, created, store = con.execute("SELECT ticket_id, created_at, store_id FROM tickets WHERE status = 'open' "
                                      "AND severity = 'medium' ORDER BY created_at DESC LIMIT 1").fetchone()
    row = pd.DataFrame([{c: None for c in rules.COLUMNS} | {
        "ticket_id": "t-extra", "rule_id": "incident", "store_id": store, "severity": "high",
        "title": "重大事件：测试门店：食品安全敏感词 9 条", "created_at": created, "incident_id": "inc-x", "attach_to": tid}])
    with con.cursor() as cur, db.transaction(cur):
        assert rules._attach(cur, row) == (1, {tid: ("medium", "high", row["title"][0])})
        db.bump_loop_version(cur)
    con.close()
    at = open_page("pages/tickets.py")
    at.selectbox(key="tk_pick").set_value(tid).run()
    assert not at.exception, at.exception
    assert any("触发项（同一事件 2 项）" in m.value for m in at.markdown)
    [trig] = [d.value for d in at.dataframe if list(d.value.columns) == ["时间", "严重度", "触发内容"]]
    assert list(trig["严重度"]) == ["中", "高"] and trig["触发内容"].iloc[1] == row["title"][0]
    [ev] = [d.value for d in at.dataframe if "动作" in d.value.columns]
    added = ev[ev["动作"] == "追加触发"]
    assert len(added) == 1 and "工单严重度由中上调为高" in added["说明"].iloc[0]
