"""Scope and permission checks on the read side, in one place for pages, CLI, API and jobs.

A page used to fetch every import and filter it by role itself; here the store hands each caller only
what the user may see, and refuses (``Forbidden``) what they may not.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from cx import auth, db
from cx.ingest import history, rejects_of


class Forbidden(PermissionError):
    """The user's role or scope does not allow this; the message is Chinese and safe to show."""


def imports_for(con: duckdb.DuckDBPyConnection, user: auth.User, limit: int = 100) -> pd.DataFrame:
    """Import history the user may see: HQ every import, everybody else only their own imports.

    Columns as ``cx.ingest.history`` (import_id, file_name, source, started_at, …, imported_by)."""
    hist = history(con, limit=limit if user.sees_all_imports else max(limit, 1000))
    if not user.sees_all_imports:
        hist = hist[hist["imported_by"] == user.username].head(limit).reset_index(drop=True)
    return hist


def rejects_for(con: duckdb.DuckDBPyConnection, user: auth.User, import_id: str) -> pd.DataFrame:
    """Rejected rows of one import (row_number, reason, raw). Raises Forbidden for someone else's import
    unless the user is HQ (a rejected row may name any store)."""
    if not user.sees_all_imports:
        with con.cursor() as cur:
            row = cur.execute(db.sql("service/import_owner"), {"import_id": import_id}).fetchone()
        if row is None or row[0] != user.username:
            raise Forbidden("只能查看自己导入批次的被拒绝行")
    return rejects_of(con, import_id)


def require_write(user: auth.User, what: str) -> None:
    if not user.can_write:
        raise Forbidden(f"当前角色（{auth.ROLES[user.role]}）为只读，不能{what}")


def require_hq(user: auth.User, what: str) -> None:
    if not user.is_hq:
        raise Forbidden(f"只有总部账号可以{what}")


def store_allowed(con: duckdb.DuckDBPyConnection, user: auth.User, store_id: str | None) -> bool:
    """Whether a row of this store is inside the user's scope (rows without a store: HQ and analysts only)."""
    sc = auth.scope(con, user)
    return sc is None or (store_id is not None and store_id in sc)


def check_ticket(con: duckdb.DuckDBPyConnection, user: auth.User, ticket: dict) -> None:
    """Refuse a ticket outside the user's scope (reported as not found, so ids do not leak)."""
    sid = ticket.get("store_id")
    if not store_allowed(con, user, sid if isinstance(sid, str) else None):
        raise Forbidden(f"工单不存在：{ticket['ticket_id']}")


def stores_and_regions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    """[(store_id, region)] of every store in the store file."""
    with con.cursor() as cur:
        return [(s, r) for s, r in cur.execute(db.sql("service/stores_regions")).fetchall()]


def scope_problem(role: str, region: str | None, store_id: str | None,
                  known: list[tuple[str, str | None]]) -> str | None:
    """Why a region/store scope for a new token or account names nothing in the store (Chinese, with the
    closest names), or None when it is fine. ``known``: :func:`stores_and_regions`."""
    import difflib

    if role not in ("region", "store"):
        return None
    regions = sorted({r for _, r in known if r})
    stores = sorted(s for s, _ in known)
    hint = "（如果先建令牌/账号、之后才导入门店数据，请加 --allow-unknown）"
    if not known:
        return "数据库中还没有任何门店，无法核对区域/门店" + hint
    if role == "region" and region not in regions:
        close = difflib.get_close_matches(region or "", regions, n=3, cutoff=0.3)
        return (f"数据库中没有区域“{region}”" + (f"，是否为：{'、'.join(close)}？" if close else "")
                + f"（现有区域：{'、'.join(regions[:20])}{' 等' if len(regions) > 20 else ''}）" + hint)
    if role == "store" and store_id not in stores:
        close = difflib.get_close_matches(store_id or "", stores, n=3, cutoff=0.5)
        return (f"数据库中没有门店“{store_id}”" + (f"，是否为：{'、'.join(close)}？" if close else "")
                + f"（共 {len(stores)} 家门店，如 {'、'.join(stores[:5])}）" + hint)
    return None
