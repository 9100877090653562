"""Write-side commands: the one place pages, the CLI, the REST API and scheduled jobs change the store.

Each command checks the caller's permission and scope (``cx.access``), calls the domain function that
does the work (``cx.ingest``, ``cx.loop``, ``cx.report``) and returns a plain result. Nothing here knows
about Streamlit or HTTP.
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from cx import access, auth, db, settings, vocab
from cx.filters import Filters
from cx.ids import stable_id
from cx.ingest import ImportFailed, ImportResult, import_bytes, rejects_of
from cx.loop import rules, tickets

# Canonical columns of one feedback row submitted as JSON (the import mapping recognises these names).
FEEDBACK_FIELDS = ("store_id", "created_at", "source_ref", "nps", "csat", "ces", "rating", "text", "channel",
                   "customer_key", "segment")
FEEDBACK_SOURCES = vocab.FEEDBACK_SOURCES
SYSTEM = auth.User("system", "系统", "hq")


class CommandError(ValueError):
    """The request is not acceptable as a whole (Chinese message); nothing was written."""


def import_upload(con: duckdb.DuckDBPyConnection, user: auth.User, data: bytes, file_name: str, source: str,
                  unknown_store: str = "reject", progress=None, options=None) -> ImportResult:
    """Import one file for ``user`` (write roles only) through the one ingest path. ``options``: a
    ``cx.ingest.ImportOptions`` (or dict) — profile, date order, time zone, questionnaire, sheets, as the
    mapping step and the CLI take them. Raises Forbidden, CommandError (too large) or ImportFailed (nothing
    written)."""
    access.require_write(user, "导入数据")
    if unknown_store == "create" and not user.is_hq:
        raise access.Forbidden("只有总部账号可以在导入时新建门店")
    limit = settings.upload_limit_bytes()
    if len(data) > limit:
        raise CommandError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限 {limit / 1024 / 1024:.0f} MB，请拆分后导入")
    return import_bytes(con, data, file_name, source, unknown_store=unknown_store, progress=progress,
                        imported_by=user.username, options=options)


@dataclass
class Submission:
    """Result of a JSON feedback submission: the import summary and one result per submitted row.

    ``counts`` always add up over the submitted items: received = created + updated + duplicate + rejected
    (rows outside the caller's scope or without a source_ref are rejected items too)."""
    import_id: str | None
    summary: str
    tickets: int
    results: list[dict] = field(default_factory=list)   # {index, source_ref, feedback_id, status, reason}
    counts: dict[str, int] = field(default_factory=dict)


ROW_STATUSES = ("created", "updated", "duplicate", "rejected")
UPDATED_REASON = "已更新（此前提交过，内容有变化）"
DUPLICATE_REASON = "此前已提交（按 source_ref 去重）"


def _rows_as_file(records: list[dict]) -> bytes:
    """One sheet of strings with canonical column names, as CSV bytes (the lead will add a frame-level
    ingest entry point; switching to it only touches this function and its caller)."""
    frame = pd.DataFrame([_canonical(r) for r in records], columns=list(FEEDBACK_FIELDS), dtype="string")
    return frame.to_csv(index=False).encode("utf-8")


def _canonical(r: dict) -> dict:
    return {k: ("" if r.get(k) is None else str(r.get(k))) for k in FEEDBACK_FIELDS}


def submission_label(user: auth.User, at: datetime | None = None) -> str:
    """How a JSON submission is named in the import history (it has no file): ``API 提交 <token> <time>``."""
    who = user.username.removeprefix("token:")
    return f"API 提交 {who} {(at or settings.now()):%Y-%m-%d %H:%M:%S}"


def submit_feedback(con: duckdb.DuckDBPyConnection, user: auth.User, source: str, records: list[dict]) -> Submission:
    """Submit feedback rows as JSON objects (keys as ``FEEDBACK_FIELDS``; ``source_ref`` required — it is the
    idempotency key). The same validation, cleaning, text analysis and alert rules as a file import run.
    Store roles may only submit rows of stores in their scope.

    Per row: ``created`` | ``updated`` (the source_ref was submitted before with other content: the stored row
    is replaced, its old version kept) | ``duplicate`` (submitted before unchanged, or superseded within this
    batch by a later item with the same source_ref — the later one wins, as in a file) | ``rejected``, each
    with a Chinese reason. Raises Forbidden (read-only role) or CommandError (unknown source, empty batch)."""
    access.require_write(user, "提交反馈")
    if source == "kano":
        raise CommandError("KANO 问卷答卷请用文件导入（POST /api/v1/imports，source=kano，或放入 data/inbox/kano/），"
                           "/v1/feedback 只接收问卷、客服、线上评价、舆情反馈")
    if source not in FEEDBACK_SOURCES:
        raise CommandError(f"未知的数据来源“{source}”，可选：{'、'.join(FEEDBACK_SOURCES)}")
    if not records:
        raise CommandError("没有要提交的反馈")
    scope = auth.scope(con, user)
    pre: dict[int, str] = {}
    for i, r in enumerate(records):
        if not isinstance(r, dict):
            pre[i] = "每条反馈必须是 JSON 对象"
        elif not str(r.get("source_ref") or "").strip():
            pre[i] = "缺少 source_ref（来源系统中的编号，用于去重）"
        elif scope is not None and str(r.get("store_id") or "") not in scope:
            pre[i] = f"门店“{r.get('store_id') or '（空）'}”不在当前账号的权限范围内"
    ok = [(i, r) for i, r in enumerate(records) if i not in pre]
    results = {i: {"index": i, "source_ref": records[i].get("source_ref") if isinstance(records[i], dict) else None,
                   "feedback_id": None, "status": "rejected", "reason": why} for i, why in pre.items()}
    import_id, n_tickets = None, 0
    if ok:
        ids = [stable_id(source, str(r["source_ref"]).strip()) for _, r in ok]
        label = submission_label(user)
        with db.WRITE_LOCK:     # the "was it there before" check, the import and the renumbering see one store
            with con.cursor() as cur:
                before = {x[0] for x in cur.execute(db.sql("service/existing_feedback"), {"ids": ids}).fetchall()}
            # ids are the caller's global source ids (never per-questionnaire counters), canonical columns
            res = import_bytes(con, _rows_as_file([r for _, r in ok]), "api.csv", source,
                               unknown_store="reject", imported_by=user.username, label=label,
                               options={"profile": "generic", "ids": "global"})
            fresh = res.status != "same_file"
            rej = rejects_of(con, res.import_id) if res.rows_rejected or not fresh else pd.DataFrame()
            if fresh:
                _record_json_rejects(con, res.import_id, ok, records, pre)
        import_id, n_tickets = res.import_id, res.tickets
        # data row k of the staged sheet is line k + 2; a repeated batch (same bytes) points at the first import,
        # whose rejects were already renumbered by item
        reasons = dict(zip(rej.get("row_number", []), rej.get("reason", [])))
        by_line = {k + 2: reasons.get(k + 2) if fresh else reasons.get(i + 1) for k, (i, _) in enumerate(ok)}
        with con.cursor() as cur:
            writer = dict(cur.execute(db.sql("service/feedback_import_of"), {"ids": ids}).fetchall())
        # within the batch the last accepted item of a source_ref wins (validation keeps the later row)
        winner: dict[str, int] = {}
        for k, ((i, r), fid) in enumerate(zip(ok, ids)):
            if by_line[k + 2] is None:
                winner[fid] = k
        for k, ((i, r), fid) in enumerate(zip(ok, ids)):
            reason = by_line[k + 2]
            w = winner.get(fid)
            if reason is not None:
                status = "rejected"
            elif w != k:
                wi, same = ok[w][0], _canonical(ok[w][1]) == _canonical(r)
                status = "duplicate"
                reason = (f"与第 {wi + 1} 条完全相同（同一 source_ref，只保存一次）" if same else
                          f"被第 {wi + 1} 条取代（同一 source_ref、内容不同：保留较后的一条）")
            elif fid not in writer:
                status, reason = "rejected", "未通过校验"
            elif fid in before:
                status, reason = (("updated", UPDATED_REASON) if writer[fid] == import_id and fresh
                                  else ("duplicate", DUPLICATE_REASON))
            else:
                status, reason = "created", None
            replaced = [ok[j][0] for j in range(k) if ids[j] == fid and by_line[j + 2] is None
                        and _canonical(ok[j][1]) != _canonical(r)]
            if status in ("created", "updated") and replaced:
                earlier = "、".join(f"第 {j + 1} 条" for j in replaced)
                reason = ((reason + "；") if reason else "") + f"同一批中{earlier}的 source_ref 相同、内容不同：保留本条（较后的一条）"
            results[i] = {"index": i, "source_ref": r.get("source_ref"),
                          "feedback_id": fid if status != "rejected" else None, "status": status, "reason": reason}
    rows = [results[i] for i in range(len(records))]
    counts = {s: sum(r["status"] == s for r in rows) for s in ROW_STATUSES}
    return Submission(import_id, _submission_summary(source, len(rows), counts, n_tickets), n_tickets, rows, counts)


def _record_json_rejects(con: duckdb.DuckDBPyConnection, import_id: str, ok: list, records: list, pre: dict) -> None:
    """Number the import's rejects by item and add the items refused before it (one transaction). Their ``raw``
    has the shape of every other reject: the item as a row of the staged sheet (each field, as text), personal
    numbers masked and the customer key hashed (``cx.ingest.validate.masked_raw``)."""
    from cx.ingest.validate import masked_raw

    numbers = pd.DataFrame({"line": [k + 2 for k in range(len(ok))], "item": [i + 1 for i, _ in ok]})
    staged_pre = pd.DataFrame(
        [(i + 1, masked_raw(_canonical(records[i]), "customer_key") if isinstance(records[i], dict)
          else masked_raw({"值": str(records[i])[:4000]}), why) for i, why in sorted(pre.items())],
        columns=["item", "raw", "reason"])
    with con.cursor() as cur, db.transaction(cur):
        cur.register("staged_numbers", numbers)
        cur.register("staged_pre", staged_pre)
        cur.execute(db.sql("service/json_rejects_renumber"), {"import_id": import_id})
        if pre:
            cur.execute(db.sql("service/json_rejects_add"), {"import_id": import_id})
            cur.execute(db.sql("service/json_rejects_count"), {"import_id": import_id, "n_pre": len(pre)})
        cur.unregister("staged_numbers")
        cur.unregister("staged_pre")


def _submission_summary(source: str, n: int, counts: dict[str, int], n_tickets: int) -> str:
    """The Chinese summary of a JSON submission; its numbers are the per-row results counted."""
    ok = counts["created"] + counts["updated"]
    s = (f"收到 {n} 条 = 成功 {ok} + 拒绝 {counts['rejected']} + 重复 {counts['duplicate']}"
         f"（成功中新增 {counts['created']}、更新 {counts['updated']}；{vocab.source_label(source)}，JSON 提交）")
    if n_tickets:
        s += f"；触发预警工单 {n_tickets} 张"
    return s


def run_alerts(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime | None = None,
               actor: str = "规则引擎") -> int:
    """Evaluate the alert rules over [since, until); returns tickets opened (their notifications are queued
    in the same transaction)."""
    return rules.run(con, since, until or settings.now() + timedelta(days=1), actor=actor)


def escalate_overdue(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> int:
    """Escalate every overdue open ticket (SLA); returns escalation steps. Notifications queued in the same
    transaction. Called every minute by the service, and by ``python -m cx escalate``."""
    return tickets.escalate(con, now)


def ticket_action(con: duckdb.DuckDBPyConnection, user: auth.User, ticket_id: str, action: str,
                  note: str | None = None, root_cause: str | None = None, now: datetime | None = None) -> dict:
    """Apply a handling action to a ticket in the user's scope (state machine and audit trail of
    ``cx.loop.tickets``). Raises Forbidden (read-only role, or a ticket outside the scope) or TicketError."""
    access.require_write(user, "处理工单")
    access.check_ticket(con, user, tickets.get(con, ticket_id))
    return tickets.act(con, ticket_id, action, user.describe(), note=note, root_cause=root_cause, now=now)


def scope_filters(con: duckdb.DuckDBPyConnection, user: auth.User, start: date, end: date,
                  regions: tuple[str, ...] = (), stores: tuple[str, ...] = ()) -> Filters:
    """Filters for a request, narrowed to the user's scope: asking for a store outside it is refused, not
    widened and not silently emptied."""
    scope = auth.scope(con, user)
    if scope is not None and stores and any(s not in scope for s in stores):
        raise access.Forbidden("所选门店不在当前账号的权限范围内")
    if scope is not None and regions and user.role == "store":
        raise access.Forbidden("门店账号不能按区域查询")
    if scope is not None and regions and any(r != user.region for r in regions):
        raise access.Forbidden("所选区域不在当前账号的权限范围内")
    return Filters(start, end, tuple(regions), tuple(stores), scope_stores=scope)


DIGEST_FORMATS = ("pptx", "html", "pdf")


def build_digest(con: duckdb.DuckDBPyConnection, scope: str, start: date, end: date, fmt: str,
                 out_dir: Path | None = None, name: str = "digest", slides: list | None = None) -> Path:
    """Build one digest file (deck PPTX, HTML one-pager, or PDF printed from the HTML by the system Chromium)
    for ``scope`` ('chain' | 'region:华东' | 'store:S0001') and [start, end]. Returns the file path."""
    from cx.report import deck
    from cx.scope import parse_scope

    if fmt not in DIGEST_FORMATS:
        raise CommandError(f"未知的格式“{fmt}”，可选：{'、'.join(DIGEST_FORMATS)}")
    label, extra = parse_scope(scope)
    report = deck.collect(con, Filters(start, end, **extra), label)
    if slides is not None:
        slides.append(len(report.slides))      # the content pages, for the caller's summary line
    out_dir = out_dir or settings.digests_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{name}_{start:%Y%m%d}-{end:%Y%m%d}"
    if fmt == "pptx":
        path = out_dir / f"{stem}.pptx"
        path.write_bytes(deck.to_pptx(report))
        return path
    html = deck.to_html(report)
    path = out_dir / f"{stem}.html"
    path.write_text(html, encoding="utf-8")
    if fmt == "html":
        return path
    pdf = out_dir / f"{stem}.pdf"
    chrome = next((c for c in ("chromium", "chromium-browser", "google-chrome") if _which(c)), None)
    if chrome is None:
        raise CommandError("生成 PDF 需要系统 Chromium（apt-get install chromium）")
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={prof}", f"--print-to-pdf={pdf}", path.resolve().as_uri()],
                       check=True, capture_output=True, timeout=180)
    return pdf


def _which(cmd: str) -> str | None:
    import shutil

    return shutil.which(cmd)


__all__ = ["CommandError", "ImportFailed", "Submission", "build_digest", "escalate_overdue", "import_upload",
           "run_alerts", "scope_filters", "submit_feedback", "ticket_action"]


def backup(con: duckdb.DuckDBPyConnection, out: Path) -> Path:
    """Copy the whole store into a new DuckDB file ``out`` (a consistent snapshot, taken while the service
    keeps running; writers wait for the copy). Raises CommandError if ``out`` exists."""
    out = Path(out)
    if out.exists():
        raise CommandError(f"备份文件已存在：{out}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with db.WRITE_LOCK, con.cursor() as cur:
        name = cur.execute("SELECT current_database()").fetchone()[0]
        cur.execute("ATTACH ? AS cx_backup", [str(out)])
        try:
            cur.execute(f'COPY FROM DATABASE "{name}" TO cx_backup')   # noqa: S608 - the store's own name
        finally:
            cur.execute("DETACH cx_backup")
    return out
