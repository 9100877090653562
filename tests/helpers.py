"""Shared test kit: put rows of a source into a store through the one import path, and snapshot table counts.

    load_rows(con, "survey", ["编号", "门店编号", "时间", "推荐度"], [("a", "S001", "2026-03-01", 9)])
    before = counts(con); ...; assert counts(con) == before

Rows go through ``cx.ingest.import_bytes`` as a CSV with the given (Chinese export-style) headers, so tests
exercise the same mapping, validation and text analysis as a user's upload.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Iterable, Sequence

from cx import db
from cx.ingest import import_bytes

NOW = datetime(2026, 11, 1, 12, 0)
LOOP_TABLES = ("tickets", "ticket_events", "actions")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV of ``rows`` under ``header`` (values quoted as needed; None → empty)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode("utf-8")


def load_rows(con, source: str, header: Sequence[str], rows: Iterable[Sequence], name: str | None = None,
              now: datetime = NOW, **kw):
    """Import ``rows`` of ``source`` (survey / service / review / opinion / kano) into ``con``; returns the
    ImportResult (raises ImportFailed like an upload would). ``kw`` goes to ``import_bytes``."""
    return import_bytes(con, csv_bytes(header, rows), name or f"{source}.csv", source, now=now, **kw)


def counts(con) -> dict[str, int]:
    """Row counts of the core and closed-loop tables: a snapshot to compare before/after an operation."""
    out = db.table_counts(con)
    with con.cursor() as cur:
        for t in LOOP_TABLES:
            out[t] = cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
    return out


def open_page(page: str | None = None, user=None, timeout: int = 90):
    """An AppTest of app.py signed in as ``user`` (an HQ account by default), switched to ``page`` if given,
    with no exception so far."""
    from streamlit.testing.v1 import AppTest

    from cx import auth
    from cx.db import ROOT

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["user"] = user or auth.User("t-hq", "测试总部", "hq")
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
