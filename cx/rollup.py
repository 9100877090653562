"""Keeps the store × month roll-up (migration 005) in step with feedback: every write path that adds
feedback or changes its text signals calls ``refresh`` for the months it touched, inside its transaction."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from cx import db


def refresh(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> None:
    """Recompute the whole months overlapping [start, end) from feedback (idempotent)."""
    params = {"start": start, "end": end}
    con.execute(db.sql("rollup/clear"), params)
    con.execute(db.sql("rollup/fill"), params)


def refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    span = con.execute("SELECT min(created_at), max(created_at) FROM feedback").fetchone()
    if span[0] is not None:
        refresh(con, span[0], span[1] + timedelta(seconds=1))
