from datetime import datetime

import pytest

from cx.loop import rules
from tests.helpers import load_rows

SINCE, UNTIL = datetime(2026, 1, 1), datetime(2026, 12, 31)


def survey(con, rows, name="s.csv"):
    return load_rows(con, "survey", ["编号", "门店编号", "时间", "顾客", "推荐度", "满意度", "内容"], rows, name)


def test_hand_cases_open_the_right_tickets(con):
    survey(con, [
        ("a", "S001", "2026-03-01 12:00", "c1", 3, 4, "上菜太慢了"),        # detractor with text → nps_detractor
        ("b", "S001", "2026-03-01 13:00", "c2", 5, 4, ""),                  # detractor without text → nothing
        ("c", "S002", "2026-03-02 12:00", "c3", 9, 1, "一般"),               # csat 1 → csat_very_low
        ("d", "S003", "2026-03-03 12:00", "c4", 8, 4, "吃完拉肚子了"),        # sensitive high → sensitive_high
        ("e", "S001", "2026-03-04 12:00", "c5", 10, 5, "很好"),              # nothing
    ])
    got = {(r[0], r[1]) for r in con.execute("SELECT rule_id, store_id FROM tickets").fetchall()}
    assert got == {("nps_detractor", "S001"), ("csat_very_low", "S002"), ("sensitive_high", "S003")}
    t = con.execute("SELECT owner_level, sla_hours, severity, status, due_at - created_at FROM tickets "
                    "WHERE rule_id = 'sensitive_high'").fetchone()
    assert t[:4] == ("region", 4, "high", "open") and t[4].total_seconds() == 4 * 3600
    assert con.execute("SELECT count(*) FROM ticket_events WHERE event = 'created'").fetchone()[0] == 3


def test_rerunning_rules_creates_nothing(con):
    survey(con, [("a", "S001", "2026-03-01 12:00", "c1", 3, 4, "太慢")])
    before = con.execute("SELECT count(*) FROM tickets").fetchone()[0]
    assert rules.run(con, SINCE, UNTIL) == 0
    assert con.execute("SELECT count(*) FROM tickets").fetchone()[0] == before == 1


def test_dedup_window_one_ticket_per_customer_week(con):
    survey(con, [("a", "S001", "2026-03-02 12:00", "c1", 3, 4, "太慢"),
                 ("b", "S001", "2026-03-03 12:00", "c1", 2, 4, "还是太慢"),      # same customer, same ISO week
                 ("c", "S001", "2026-03-10 12:00", "c1", 2, 4, "又慢了")])       # next week → new ticket
    assert con.execute("SELECT count(*) FROM tickets WHERE rule_id = 'nps_detractor'").fetchone()[0] == 2


def test_spike_rule_finds_a_store_touchpoint_jump(con):
    rows = [(f"b{i}", "S001", f"2026-03-{1 + i % 27:02d} 12:00", f"k{i}", 9, 5, "上菜很快") for i in range(60)]
    rows += [(f"s{i}", "S001", "2026-03-29 12:00", f"x{i}", 9, 5, "上菜太慢了") for i in range(8)]
    survey(con, rows)
    spikes = con.execute("SELECT touchpoint, title FROM tickets WHERE rule_id = 'touchpoint_spike'").fetchall()
    assert [s[0] for s in spikes] == ["serving_speed"]
    assert "8/8" in spikes[0][1]


@pytest.mark.parametrize("doc,needle", [
    ({"rules": [{"id": "x", "label": "X", "when": {"nps_max": 6}, "severity": "urgent", "owner": "store", "sla_hours": 4}]}, "severity"),
    ({"rules": [{"id": "x", "label": "X", "when": {"weather": "rain"}, "severity": "low", "owner": "store", "sla_hours": 4}]}, "条件无效"),
    ({"rules": [{"id": "x", "label": "X", "when": {"nps_max": 6}, "severity": "low", "owner": "ceo", "sla_hours": 4}]}, "owner"),
    ({"rules": [{"id": "x", "label": "X", "when": {"nps_max": 6}, "severity": "low", "owner": "store", "sla_hours": 0}]}, "sla_hours"),
])
def test_rule_file_errors(doc, needle):
    with pytest.raises(rules.RuleError, match=needle):
        rules.parse(doc)
