"""Audit log: sign-ins (ok, failed, locked), exports, downloads and API token use — who, what scope, when."""
from __future__ import annotations

import logging
from datetime import datetime

import duckdb
import pandas as pd

from cx import db, settings

log = logging.getLogger("cx.audit")


def record(con: duckdb.DuckDBPyConnection, actor: str, action: str, scope: str | None = None,
           detail: str | None = None, address: str | None = None, now: datetime | None = None) -> None:
    """Append one entry (its own small transaction; never raises into the caller's work)."""
    try:
        with con.cursor() as cur, db.transaction(cur):
            cur.execute(db.sql("service/audit_add"), {"at": now or settings.now(), "actor": actor or "?",
                                                      "action": action, "scope": scope, "detail": detail,
                                                      "address": address})
    except duckdb.Error as e:          # a read-only store (tests, CLI report) must not break the action
        log.warning("audit entry not written (%s): %s %s", e.__class__.__name__, actor, action)


def recent(con: duckdb.DuckDBPyConnection, limit: int = 500) -> pd.DataFrame:
    """Newest first: logged_at, actor, action, scope, detail, address."""
    return db.df(con, "service/audit_recent", {"limit": limit})


def job_runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Scheduled digests: job_id, last_fire (the fire time last handled), last_run_at, outcome."""
    return db.df(con, "service/job_runs")
