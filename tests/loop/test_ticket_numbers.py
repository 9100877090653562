"""Human ticket numbers: GD-<creation day>-<per-day sequence>, continued across rule runs, backfilled by the migration."""
from datetime import datetime

import duckdb
import pandas as pd

from cx import db

COLS = ["ticket_id", "rule_id", "feedback_id", "store_id", "touchpoint", "severity", "title", "owner_level", "sla_hours",
        "created_at"]


def _stage(con, rows):
    con.register("staged_tickets", pd.DataFrame([(i, "r", None, None, None, "low", "t", "store", 24, at) for i, at in rows],
                                                columns=COLS))
    con.execute(db.sql("loop/insert_tickets"))
    con.unregister("staged_tickets")


def test_numbers_follow_creation_day_and_continue_the_sequence(con):
    _stage(con, [("a", datetime(2026, 10, 15, 9)), ("b", datetime(2026, 10, 15, 8)), ("c", datetime(2026, 10, 16, 8))])
    _stage(con, [("d", datetime(2026, 10, 15, 23)), ("a", datetime(2026, 10, 15, 9))])      # 'a' again: not re-added
    got = dict(con.execute("SELECT ticket_id, ticket_no FROM tickets").fetchall())
    assert got == {"b": "GD-20261015-0001", "a": "GD-20261015-0002", "c": "GD-20261016-0001", "d": "GD-20261015-0003"}


def test_migration_numbers_existing_tickets():
    con = duckdb.connect()
    con.execute(db.sql("migrations/003_loop"))
    con.execute("""INSERT INTO tickets (ticket_id, rule_id, severity, title, owner_level, status, sla_hours, created_at,
                   sla_due_at, due_at) VALUES
                   ('x', 'r', 'low', 't', 'store', '待处理', 24, '2026-10-15 10:00', '2026-10-16', '2026-10-16'),
                   ('y', 'r', 'low', 't', 'store', '待处理', 24, '2026-10-15 09:00', '2026-10-16', '2026-10-16')""")
    con.execute(db.sql("migrations/016_ticket_numbers"))
    assert dict(con.execute("SELECT ticket_id, ticket_no FROM tickets").fetchall()) == {
        "x": "GD-20261015-0002", "y": "GD-20261015-0001"}
