"""Keeps the monthly roll-ups — store × month counts (migration 005), chain-level word counts (006),
service customers and touchpoint counts per store × month (008) — in step with feedback: every write
path that adds feedback or changes its text signals calls ``refresh`` for the months it touched, inside
its transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from cx import db

TABLES = ("store_month", "word_month", "customer_month", "touchpoint_month")

def refresh(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> None:
    """Recompute the whole months overlapping [start, end) from feedback (idempotent)."""
    params = {"start": start, "end": end}
    for table in TABLES:
        con.execute(db.sql(f"rollup/{table}_clear"), params)
        con.execute(db.sql(f"rollup/{table}_fill"), params)


def refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    span = con.execute("SELECT min(created_at), max(created_at) FROM feedback").fetchone()
    if span[0] is not None:
        refresh(con, span[0], span[1] + timedelta(seconds=1))
