"""Transactional notification outbox.

``enqueue_*`` run inside the caller's transaction (the one creating the tickets or escalations), so a
notification exists exactly when its event does. ``deliver_due`` (called by the service's sender job)
claims due rows, sends each through its channel, and records the outcome with retries and exponential
back-off. The row id is the idempotency key (event × channel × target): enqueueing the same event twice
adds nothing, and a row marked sent is never sent again.

Crash safety: a row is claimed (status ``sending``, committed) before its send and marked ``sent`` right
after. ``recover`` (run at service start) returns rows left in ``sending`` by a killed process to
``pending``; only a crash in the instant between the receiver accepting and the ``sent`` commit can repeat
a message, and e-mails carry the key as Message-ID so mail systems drop such a repeat.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from cx import auth, db, settings, vocab
from cx.ids import stable_id
from cx.notify import recipients
from cx.scope import split as split_scope

log = logging.getLogger("cx.notify")
MAX_ATTEMPTS = 8
LEVEL_LABELS, SEVERITY_LABELS = vocab.LEVEL_LABELS, vocab.SEVERITY_LABELS


def _backoff(attempts: int) -> timedelta:
    base = float(settings.env("CX_RETRY_BASE_S", "30"))
    return timedelta(seconds=min(3600.0, base * 2 ** max(0, attempts - 1)))


def _insert(cur, event_key: str, kind: str, subject: str, body: str, channel: str, target: str,
            now: datetime, attachment: str | None = None) -> None:
    cur.execute(db.sql("notify/insert"), {"id": stable_id(event_key, channel, target), "event_key": event_key,
                                          "kind": kind, "channel": channel, "target": target, "subject": subject,
                                          "body": body, "attachment": attachment, "now": now})


def enqueue_tickets(cur: duckdb.DuckDBPyConnection, ticket_ids: list[str], kind: str,
                    now: datetime | None = None, detail: dict[str, str] | None = None,
                    steps: dict[str, list[tuple]] | None = None) -> int:
    """Queue notifications for tickets just created (kind ``ticket_created``), escalated (``escalated``) or
    made more serious by a further trigger of their event (``ticket_updated``, once per severity reached),
    addressed by each ticket's current level and store/region. Call inside the writing transaction.
    ``detail`` maps ticket_id → an extra line (e.g. the escalation reason). ``steps`` (escalations) maps
    ticket_id → [(level reached, escalation number, due at that level, reason), …]: one pass that moves a ticket
    store → region → HQ notifies every level passed, each under its own key ``escalated:<ticket>:<number>``.
    Returns rows queued."""
    if not ticket_ids:
        return 0
    now = now or settings.now()
    rows = cur.execute(db.sql("notify/tickets_for"), {"ids": list(ticket_ids)}).fetchall()
    n = 0
    try:
        configured = recipients.load()
    except recipients.RecipientsError as e:      # a broken file must not stop tickets from being opened
        log.error("recipients.yaml unusable, only accounts with contact details are notified: %s", e)
        configured = []
    users = [u for u in auth.list_users() if u.email or u.webhook_url]
    if not configured and not users:
        return 0
    for tid, store, store_name, region, level, severity, title, due, escalations, state, no, created in rows:
        events = (steps or {}).get(tid) or [(level, escalations, due, (detail or {}).get(tid))]
        link = ticket_link(no, created)
        for lv, number, lv_due, extra in events:
            pairs = recipients.targets(kind, lv, region, store, configured, users)
            if not pairs:
                continue
            head = ("新工单" if kind == "ticket_created" else "工单严重度上调" if kind == "ticket_updated"
                    else f"工单已升级至{LEVEL_LABELS.get(lv, lv)}")
            subject = f"【{settings.brand()}】{head}：{title[:60]}"
            lines = [f"工单：{no or tid}", f"门店：{store or '—'} {store_name or ''}".rstrip(), f"区域：{region or '—'}",
                     f"严重度：{SEVERITY_LABELS.get(severity, severity)}", f"状态：{vocab.ticket_state_label(state)}",
                     f"处理层级：{LEVEL_LABELS.get(lv, lv)}",
                     f"截止时间：{pd.Timestamp(lv_due):%Y-%m-%d %H:%M}", f"标题：{title}"]
            if extra:
                lines.append(extra)
            if link is not None:
                lines.append(f"查看工单：{link}")
            key = (f"created:{tid}" if kind == "ticket_created" else f"updated:{tid}:{severity}"
                   if kind == "ticket_updated" else f"escalated:{tid}:{int(number)}")
            for channel, target in pairs:
                _insert(cur, key, kind, subject, "\n".join(lines), channel, target, now)
                n += 1
    return n


def ticket_link(ticket_no: str | None, created_at=None) -> str | None:
    """The 工单中心 address that opens this ticket (its creation day as the date filter), or None without
    ``CX_PUBLIC_URL``."""
    base = settings.public_url()
    if base is None or not ticket_no:
        return None
    from urllib.parse import urlencode

    q = {"ticket": ticket_no}
    if created_at is not None and not pd.isna(created_at):
        day = pd.Timestamp(created_at).date().isoformat()
        q = {"from": day, "to": day, **q}
    return f"{base}/tickets?{urlencode(q)}"


def scope_words(cur: duckdb.DuckDBPyConnection, scope: str) -> str:
    """A digest scope in Chinese for people: 'chain' → 全部门店, 'region:华东' → 华东区域, 'store:S0001' →
    'S0001 一号店' (the store's name when the store knows it). ValueError for a bad scope (cx/scope.py)."""
    kind, value = split_scope(scope)
    if kind == "region":
        return f"{value}区域"
    if kind == "store":
        row = cur.execute(db.sql("notify/store_name"), {"store_id": value}).fetchone()
        return f"{value} {row[0]}" if row and row[0] else f"门店 {value}"
    return "全部门店"


def digest_link(scope: str, start, end) -> str | None:
    """The 总览 page showing the digest's scope and period (the filter bar reads it from the address), or None
    without ``CX_PUBLIC_URL``. ValueError for a bad scope (cx/scope.py)."""
    kind, value = split_scope(scope)
    base = settings.public_url()
    if base is None:
        return None
    from urllib.parse import urlencode

    q = {"from": f"{start:%Y-%m-%d}", "to": f"{end:%Y-%m-%d}"}
    if value is not None:
        q[kind] = value
    return f"{base}/overview?{urlencode(q)}"


def enqueue_digest(cur: duckdb.DuckDBPyConnection, event_key: str, subject: str, body: str,
                   pairs: list[tuple[str, str]], attachment: str | None, now: datetime | None = None,
                   link: str | None = None) -> int:
    """Queue one digest to (channel, target) pairs. The file is attached to e-mails only, so only e-mails say
    “附件”; group robots get ``link`` (see :func:`digest_link`) when there is one, else a line saying the file
    went by e-mail."""
    from pathlib import Path

    now = now or settings.now()
    name = Path(attachment).name if attachment else None
    for channel, target in pairs:
        lines = [body]
        if channel == "email" and name:
            lines.append(f"附件：{name}")
        elif name:
            lines.append("群消息不能附带文件" + ("，完整汇报已发送给邮件接收人" if any(c == "email" for c, _ in pairs)
                                             else "，完整汇报保存在服务器上：" + name))
        if link:
            lines.append(f"在线查看：{link}")
        _insert(cur, event_key, "digest", subject, "\n".join(lines), channel, target, now,
                attachment if channel == "email" else None)
    return len(pairs)


def recover(con: duckdb.DuckDBPyConnection) -> int:
    """Rows a killed sender left in ``sending`` go back to ``pending`` (run once at service start)."""
    with con.cursor() as cur, db.transaction(cur):
        return len(cur.execute(db.sql("notify/recover")).fetchall())


def deliver_due(con: duckdb.DuckDBPyConnection, send=None, now: datetime | None = None, limit: int = 50) -> dict:
    """Send the due pending notifications. ``send(row: dict)`` raises on failure (default: the real
    channels). Returns counts {"sent", "retry", "failed"}. One log line per delivery."""
    from cx.notify import channels

    send = send or channels.send
    now = now or settings.now()
    with con.cursor() as cur, db.transaction(cur):
        claimed = cur.execute(db.sql("notify/claim"), {"now": now, "limit": limit}).df()
    out = {"sent": 0, "retry": 0, "failed": 0}
    for row in claimed.to_dict("records"):
        try:
            send(row)
        except Exception as e:  # noqa: BLE001 - any channel failure is recorded and retried
            err = f"{type(e).__name__}: {str(e)[:300]}"
            final = int(row["attempts"]) >= MAX_ATTEMPTS
            with con.cursor() as cur, db.transaction(cur):
                cur.execute(db.sql("notify/failed"), {"status": "failed" if final else "pending", "error": err,
                                                      "next": now + _backoff(int(row["attempts"])),
                                                      "id": row["notification_id"]})
            out["failed" if final else "retry"] += 1
            log.warning("notification %s %s→%s attempt %s %s: %s", row["notification_id"], row["channel"],
                        row["target"], row["attempts"], "FAILED" if final else "will retry", err)
        else:
            with con.cursor() as cur, db.transaction(cur):
                cur.execute(db.sql("notify/sent"), {"at": settings.now(), "id": row["notification_id"]})
            out["sent"] += 1
            log.info("notification %s %s→%s sent (attempt %s)", row["notification_id"], row["channel"],
                     row["target"], row["attempts"])
    return out


def status(con: duckdb.DuckDBPyConnection, limit: int = 200) -> pd.DataFrame:
    """Recent notifications with their delivery state (for HQ's page and the API)."""
    return db.df(con, "notify/recent", {"limit": limit})


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    with con.cursor() as cur:
        return dict(cur.execute(db.sql("notify/counts")).fetchall())
