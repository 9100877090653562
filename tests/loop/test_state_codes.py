"""Ticket (and incident) states are codes in the store (cx.vocab); migration 014 converts a store written with
the Chinese words."""
from datetime import date

import pytest

from cx import db, vocab
from cx.filters import Filters
from cx.loop import tickets

OLD = {"a": "待处理", "b": "处理中", "c": "已升级", "d": "已解决", "e": "已关闭"}


def _store_without_014(path, newer: bool):
    """A store file written before 014 existed — with the migrations up to 013, or (``newer``) also the later
    ones main already had (016) — holding tickets in every state under their old Chinese words."""
    con = db.duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP DEFAULT now())")
    for version, name, script in db.migrations():
        if version == 14 or version > 16 or (version > 14 and not newer):
            continue
        con.execute(script)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
    con.execute("INSERT INTO stores (store_id, name, region, city) VALUES ('S1', '一号店', '华东', '上海')")
    for tid, status in OLD.items():
        con.execute("INSERT INTO tickets (ticket_id, rule_id, store_id, severity, title, owner_level, status, sla_hours, "
                    "created_at, sla_due_at, due_at) VALUES (?, 'r', 'S1', 'low', 't', 'store', ?, 24, "
                    "'2026-10-15 10:00', '2026-10-16 10:00', '2026-10-16 10:00')", [tid, status])
    con.execute("INSERT INTO ticket_events VALUES ('b', '2026-10-15 11:00', '店长', 'assigned', '已受理')")
    for iid, status in (("i1", "进行中"), ("i2", "已平息")):
        con.execute("INSERT INTO incidents VALUES (?, 'S1', 'touchpoint', 'food_safety', 'high', DATE '2026-08-10', "
                    "NULL, DATE '2026-08-13', DATE '2026-08-24', 40, 3.5, 14, DATE '2026-08-23', 30, 2.0, 1e-12, 1e-9, "
                    "[], 'a', ?, 'm', '2026-08-25')", [iid, status])
    con.close()


@pytest.mark.parametrize("newer", [False, True], ids=["at-013", "at-016-without-014"])
def test_migration_014_converts_every_state_and_keeps_the_rest(tmp_path, newer):
    path = tmp_path / "old.duckdb"
    _store_without_014(path, newer)
    con = db.connect(path)                                   # applies 014 (and anything newer)
    assert 14 in {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    got = dict(con.execute("SELECT ticket_id, status FROM tickets").fetchall())
    assert got == {"a": "open", "b": "in_progress", "c": "escalated", "d": "resolved", "e": "closed"}
    assert con.execute("SELECT detail FROM ticket_events").fetchall() == [("已受理",)]   # free text untouched
    assert dict(con.execute("SELECT incident_id, status FROM incidents").fetchall()) == {"i1": "active", "i2": "subsided"}
    # the converted store works with the state machine and the queue filter (codes and labels)
    f = Filters(start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert set(tickets.queue(con, f, statuses=["open", "已升级"])["ticket_id"]) == {"a", "c"}
    t = tickets.act(con, "d", "close", "店长")
    assert (t["status"], t["status_label"]) == ("closed", "已关闭")
    s = tickets.sla(con, f)
    assert s.open == 3 and dict(zip(s.by_status["status_label"], s.by_status["tickets"])) == {
        "待处理": 1, "处理中": 1, "已升级": 1, "已关闭": 2}
    con.close()


def test_a_fresh_store_and_rerun_of_014_are_noops(tmp_path):
    con = db.connect(tmp_path / "new.duckdb")
    script = dict((v, s) for v, _, s in db.migrations())[14]
    con.execute("INSERT INTO tickets (ticket_id, rule_id, severity, title, owner_level, status, sla_hours, created_at, "
                "sla_due_at, due_at) VALUES ('x', 'r', 'low', 't', 'store', 'open', 24, now(), now(), now())")
    con.execute(script)
    assert con.execute("SELECT status FROM tickets").fetchall() == [("open",)]
    con.close()


def test_vocabulary_codes_labels_and_transitions():
    assert vocab.ticket_state("待处理") == "open" == vocab.ticket_state(" open ")
    with pytest.raises(vocab.VocabError, match="未知的工单状态“pending”"):
        vocab.ticket_state("pending")
    assert vocab.source("线上评价") == "review" and vocab.source_label("kano") == "KANO 问卷"
    assert set(vocab.TICKET_STATE_LABELS) == set(vocab.TICKET_STATES)
    for allowed, to, _ in vocab.TICKET_TRANSITIONS.values():
        assert allowed <= set(vocab.TICKET_STATES) and to in vocab.TICKET_STATES


def test_no_sql_compares_states_with_chinese_words():
    words = set(vocab.TICKET_STATE_LABELS.values()) | set(vocab.INCIDENT_STATE_LABELS.values())
    bad = [p.name for p in db.SQL_DIR.rglob("*.sql") if "migrations" not in p.parts
           and any(f"'{w}'" in p.read_text(encoding="utf-8") for w in words)]
    assert bad == []
