from datetime import datetime, timedelta

import pandas as pd
import pytest

from cx.ingest import import_bytes
from cx.loop import tickets
from tests.conftest import NOW

T0 = datetime(2026, 3, 1, 12, 0)


@pytest.fixture
def ticket(con):
    import_bytes(con, "编号,门店编号,时间,推荐度,内容\na,S001,2026-03-01 12:00,3,上菜太慢了\n".encode(), "s.csv", "survey", now=NOW)
    return con, con.execute("SELECT ticket_id FROM tickets").fetchone()[0]


def events(con, tid):
    return [e for e in tickets.events(con, tid)["event"]]


def test_full_lifecycle_and_audit_trail(ticket):
    con, tid = ticket
    tickets.act(con, tid, "accept", "店长", now=T0 + timedelta(hours=1))
    tickets.act(con, tid, "comment", "店长", note="已联系顾客", now=T0 + timedelta(hours=2))
    tickets.act(con, tid, "root_cause", "店长", root_cause="人手不足", now=T0 + timedelta(hours=3))
    t = tickets.act(con, tid, "resolve", "店长", note="增加高峰人手", now=T0 + timedelta(hours=4))
    assert t["status"] == "resolved" and t["status_label"] == "已解决" and t["root_cause"] == "人手不足"
    t = tickets.act(con, tid, "close", "店长", now=T0 + timedelta(hours=30))
    assert t["status"] == "closed"
    t = tickets.act(con, tid, "reopen", "区域经理", note="顾客再次投诉", now=T0 + timedelta(hours=40))
    assert t["status"] == "in_progress"
    assert pd.isna(t["resolved_at"]) and pd.isna(t["closed_at"])
    assert t["due_at"] == pd.Timestamp(T0 + timedelta(hours=40 + 24))       # a fresh SLA from the reopening
    assert events(con, tid) == ["created", "assigned", "commented", "root_cause", "resolved", "closed", "reopened"]


@pytest.mark.parametrize("setup,action,needle", [
    ([], "close", "不能执行“关闭”"),
    ([("accept", None)], "accept", "不能执行“受理”"),
    ([], "reopen", "不能执行“重新打开”"),
    ([], "resolve", "需要填写处理说明"),
    ([], "comment", "不能为空"),
    ([], "fly", "未知的操作"),
])
def test_illegal_transitions_refused_and_nothing_written(ticket, setup, action, needle):
    con, tid = ticket
    for a, note in setup:
        tickets.act(con, tid, a, "x", note=note, now=T0)
    before = (tickets.get(con, tid), len(events(con, tid)))
    with pytest.raises(tickets.TicketError, match=needle):
        tickets.act(con, tid, action, "x", now=T0)
    assert (tickets.get(con, tid), len(events(con, tid))) == before


def test_escalation_with_fake_clock_and_exact_boundary(ticket):
    con, tid = ticket
    due = T0 + timedelta(hours=24)
    assert tickets.escalate(con, due - timedelta(seconds=1)) == 0
    assert tickets.get(con, tid)["owner_level"] == "store"
    assert tickets.escalate(con, due) == 1                         # breached at exactly the deadline
    t = tickets.get(con, tid)
    assert (t["owner_level"], t["status"], t["escalations"]) == ("region", "escalated", 1)
    assert tickets.escalate(con, due) == 0                         # idempotent at the same moment


def test_long_overdue_ticket_climbs_step_by_step_with_event_times(ticket):
    con, tid = ticket
    now = T0 + timedelta(hours=24 * 5)
    assert tickets.escalate(con, now) == 2                          # store → region → hq, never beyond
    ev = tickets.events(con, tid)
    esc = ev[ev["event"] == "escalated"]["event_at"].tolist()
    assert [e.to_pydatetime() for e in esc] == [T0 + timedelta(hours=24), T0 + timedelta(hours=48)]
    assert tickets.get(con, tid)["owner_level"] == "hq"
    assert tickets.escalate(con, now + timedelta(days=10)) == 0


def test_resolved_tickets_do_not_escalate(ticket):
    con, tid = ticket
    tickets.act(con, tid, "resolve", "店长", note="已处理", now=T0 + timedelta(hours=2))
    assert tickets.escalate(con, T0 + timedelta(days=9)) == 0


def test_injectable_clock(ticket):
    con, tid = ticket
    assert tickets.escalate(con, clock=lambda: T0 + timedelta(hours=25)) == 1


def test_ticket_changes_leave_the_analytics_cache_key_alone(ticket):
    from cx import db

    con, tid = ticket
    data, loop = db.data_version(con), db.loop_version(con)
    assert loop >= 1                                     # the import's alert rule opened the ticket
    assert tickets.escalate(con, T0 + timedelta(days=3)) > 0
    tickets.act(con, tid, "comment", "区域经理", note="已联系", now=T0 + timedelta(days=3))
    assert db.data_version(con) == data                  # cached analyses of unchanged feedback stay valid
    assert db.loop_version(con) == loop + 2


def test_sla_figures_aggregate_in_sql(ticket):
    from cx.filters import Filters

    con, tid = ticket
    import_bytes(con, "编号,门店编号,时间,推荐度,内容\nb,S002,2026-03-01 13:00,2,服务员态度很差\n".encode(), "t.csv",
                 "survey", now=NOW)
    f = Filters(T0.date(), T0.date())
    tickets.act(con, tid, "accept", "店长", now=T0 + timedelta(hours=1))
    tickets.act(con, tid, "resolve", "店长", note="已致歉", now=T0 + timedelta(hours=2))   # within the 24 h SLA
    s = tickets.sla(con, f, now=T0 + timedelta(hours=50))                               # the other is 49 h old
    assert (s.tickets, s.open, s.resolved, s.within_sla, s.breached) == (2, 1, 1, 1, 1)
    assert s.within_rate == 1.0
    assert s.open_age.to_dict() == {"<4 小时": 0, "4–24 小时": 0, "1–3 天": 1, "3–7 天": 0, ">7 天": 0}
    assert set(s.by_store["store_id"]) == {"S001", "S002"}
    assert pd.isna(s.by_store.set_index("store_id").loc["S002", "within_rate"])        # none resolved yet
    assert tickets.sla(con, f.with_(scope_stores=("S002",)), now=T0).tickets == 1
