"""REST API v1 (mounted at /api; OpenAPI at /api/openapi.json, docs at /api/docs).

Every request carries ``Authorization: Bearer <token>`` (``python -m cx tokens add``); the token acts as a
user with its role and scope, and every endpoint calls the same ``cx.commands`` / ``cx.access`` functions as
the pages. Errors are JSON ``{"error": {"code": …, "message": <Chinese>}}``. Request bodies are limited to
``CX_UPLOAD_MB`` and each token to ``CX_API_RATE`` requests per minute.
"""
from __future__ import annotations

import dataclasses
import hmac
import math
import threading
import time
from collections import defaultdict, deque
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pandas as pd
from fastapi import Body, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from cx import access, audit, auth, commands, metrics, overview, settings, tokens, vocab
from cx.ingest import ImportFailed
from cx.loop import tickets
from cx.notify import outbox
from cx.service import state


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def _error(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies over the upload limit with 413 JSON: a declared Content-Length before reading, a
    chunked body (no Content-Length) by counting its bytes while reading it (then handed on whole)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.upload_limit_bytes()
        too_large = _error(413, "too_large", f"请求体过大，上限 {limit / 1024 / 1024:.0f} MB")
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                return await too_large(scope, receive, send)
            return await self.app(scope, receive, send)     # the server never reads past a declared length
        if b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            return await self.app(scope, receive, send)
        chunks, seen = [], 0
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                return                                     # client went away
            seen += len(msg.get("body", b""))
            if seen > limit:
                return await too_large(scope, receive, send)
            chunks.append(msg.get("body", b""))
            if not msg.get("more_body"):
                break
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


class RateLimiter:
    """Sliding one-minute window per key (token id / address), in memory: the service is one process."""

    def __init__(self):
        self.hits: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def check(self, key: str, per_minute: int) -> float | None:
        """None if allowed, else seconds to wait."""
        now = time.monotonic()
        with self.lock:
            q = self.hits[key]
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= per_minute:
                return 60 - (now - q[0])
            q.append(now)
        return None


LIMITER = RateLimiter()

api = FastAPI(title="CX Lens API", version="1.0", docs_url="/docs", openapi_url="/openapi.json",
              description="客户体验透镜 REST API v1。认证：`Authorization: Bearer <令牌>`（`python -m cx tokens add`）。")
api.add_middleware(BodyLimit)


@api.exception_handler(ApiError)
async def _api_error(_req, e: ApiError):
    return _error(e.status, e.code, e.message, e.headers)


@api.exception_handler(access.Forbidden)
async def _forbidden(_req, e):
    msg = str(e)
    return _error(404, "not_found", msg) if "不存在" in msg else _error(403, "forbidden", msg)


@api.exception_handler(tickets.TicketError)
async def _ticket_error(_req, e):
    return _error(404, "not_found", str(e)) if "不存在" in str(e) else _error(409, "invalid_transition", str(e))


@api.exception_handler(vocab.VocabError)
async def _vocab_error(_req, e):
    return _error(422, "invalid", str(e))


@api.exception_handler(ImportFailed)
async def _import_failed(_req, e):
    return _error(422, "import_failed", f"导入失败，数据库未做任何更改：{e}")


@api.exception_handler(commands.CommandError)
async def _command_error(_req, e):
    status = 413 if "过大" in str(e) else 422
    return _error(status, "too_large" if status == 413 else "invalid", str(e))


_WHERE = {"body": "", "query": "查询参数 ", "path": "路径参数 ", "header": "请求头 ", "cookie": "Cookie "}


_UNION_TAGS = {"int", "str", "float", "bool", "list[str]", "constrained-str", "date", "datetime", "none"}


def _field_path(loc) -> str:
    """('body', 'items', 0, 'nps') → 'items[0].nps' (the JSON path a caller can find in its request)."""
    parts = list(loc or [])
    head = _WHERE.get(str(parts[0]), "") if parts else ""
    if parts and str(parts[0]) in _WHERE:
        parts = parts[1:]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return head + (out or "请求体")


def _chinese(err: dict) -> str:
    """One pydantic error in Chinese (type → sentence; the context fills in limits and choices)."""
    t, ctx = err.get("type", ""), err.get("ctx") or {}
    fixed = {
        "missing": "缺少必填字段", "string_type": "应为文本", "int_type": "应为整数", "int_parsing": "应为整数",
        "int_from_float": "应为整数（不能有小数）", "float_type": "应为数字", "float_parsing": "应为数字",
        "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false", "list_type": "应为数组（[...]）",
        "dict_type": "应为 JSON 对象（{...}）", "model_type": "应为 JSON 对象（{...}）",
        "model_attributes_type": "应为 JSON 对象（{...}）", "date_type": "应为日期（YYYY-MM-DD）",
        "date_parsing": "应为日期（YYYY-MM-DD）", "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
        "datetime_parsing": "应为时间（YYYY-MM-DD HH:MM）", "datetime_type": "应为时间（YYYY-MM-DD HH:MM）",
        "extra_forbidden": "不认识的字段", "string_unicode": "应为 UTF-8 文本", "finite_number": "应为有限的数字",
        "none_required": "应为空（null）", "value_error": "取值不正确", "union_tag_invalid": "取值不正确",
    }
    if t in fixed:
        return fixed[t]
    if t == "literal_error":
        return f"应为以下之一：{ctx.get('expected', '')}".replace("' or '", "'、'")
    if t == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项"
    if t == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if t == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符"
    if t == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字符"
    bounds = {"greater_than_equal": ("ge", "不能小于"), "greater_than": ("gt", "必须大于"),
              "less_than_equal": ("le", "不能大于"), "less_than": ("lt", "必须小于")}
    if t in bounds:
        key, word = bounds[t]
        return f"{word} {ctx.get(key)}"
    if t.startswith("enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    return "取值不正确"


@api.exception_handler(RequestValidationError)
async def _validation(_req, e: RequestValidationError):
    errs = e.errors()
    if any(x.get("type") == "json_invalid" for x in errs):
        return _error(400, "malformed_json", "请求体不是有效的 JSON")
    # a field typed "int or text" fails once per alternative (…nps.int, …nps.str): report the field once, with the
    # first alternative's message
    seen: dict[tuple, dict] = {}
    for x in errs:
        loc = tuple(x.get("loc") or ())
        if loc and loc[-1] in _UNION_TAGS:
            loc = loc[:-1]
        seen.setdefault(loc, {**x, "loc": loc})
    errs = list(seen.values())
    where = "；".join(f"{_field_path(x.get('loc'))}：{_chinese(x)}" for x in errs[:5])
    more = f"（另有 {len(errs) - 5} 处）" if len(errs) > 5 else ""
    return _error(422, "invalid", f"请求参数不正确：{where}{more}")


@api.exception_handler(Exception)
async def _internal(_req, e: Exception):
    import logging

    logging.getLogger("cx.api").exception("unhandled API error: %s", e)
    return _error(500, "internal", "服务器内部错误，已记录日志，请稍后重试或联系管理员")


@api.exception_handler(404)
async def _not_found(_req, _e):
    return _error(404, "not_found", "没有这个接口")


@api.exception_handler(405)
async def _bad_method(_req, _e):
    return _error(405, "method_not_allowed", "接口不支持此请求方法")


def con():
    c = state.store()
    if c is None:
        raise ApiError(503, "not_ready", "数据库尚未就绪（首次启动正在生成演示数据）")
    return c


def caller(request: Request) -> auth.User:
    """The user behind the bearer token (401 without a valid one; 429 over the rate limit)."""
    header = request.headers.get("authorization", "")
    secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
    local = state.CLI_TOKEN.get("secret")
    if local and secret and hmac.compare_digest(secret, local):
        user, key = auth.User("cli", "命令行", "hq"), "cli"
    else:
        tok = tokens.verify(secret)
        if tok is None:
            raise ApiError(401, "unauthorized", "缺少或无效的 API 令牌（Authorization: Bearer <令牌>）",
                           {"WWW-Authenticate": "Bearer"})
        user, key = tok.user(), tok.token_id
    wait = LIMITER.check(key, int(settings.env("CX_API_RATE", "600")))
    if wait is not None:
        raise ApiError(429, "rate_limited", f"请求过于频繁，请 {math.ceil(wait)} 秒后重试",
                       {"Retry-After": str(math.ceil(wait))})
    return user


def _json(v: Any) -> Any:
    """Plain JSON values from our frames and estimates."""
    if isinstance(v, metrics.Estimate):
        return {"value": v.value, "low": v.low, "high": v.high, "n": v.n}
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {k: _json(x) for k, x in dataclasses.asdict(v).items()}
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json(x) for x in v]
    if isinstance(v, pd.DataFrame):
        return [_json(r) for r in v.to_dict("records")]
    if isinstance(v, (pd.Timestamp, datetime, date)):
        return None if pd.isna(v) else v.isoformat()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return _json(v.item())
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


# ---- feedback and imports --------------------------------------------------------------------------------
class FeedbackItem(BaseModel):
    source_ref: str = Field(..., description="来源系统中的编号（去重键：重复提交不会产生重复记录）")
    store_id: str | None = None
    created_at: str = Field(..., description="反馈时间，如 2026-10-01 12:30")
    nps: int | str | None = None
    csat: int | str | None = None
    ces: int | str | None = None
    rating: float | str | None = None
    text: str | None = None
    channel: str | None = None
    customer_key: str | None = Field(None, description="手机号/会员号，入库前做不可逆脱敏")
    segment: str | None = None


class FeedbackBatch(BaseModel):
    source: str = Field(..., description="survey | service | review | opinion（KANO 答卷请用 /v1/imports 上传文件）")
    items: list[FeedbackItem] = Field(..., min_length=1, max_length=5000)


@api.post("/v1/feedback", summary="提交反馈（单条或批量，按 source_ref 幂等）")
def submit_feedback(batch: FeedbackBatch, request: Request, user: auth.User = Depends(caller), c=Depends(con)):
    """Per row: created | updated | duplicate | rejected with a Chinese reason; the counts and the summary are
    the per-row results counted (received = created + updated + duplicate + rejected)."""
    res = commands.submit_feedback(c, user, batch.source, [i.model_dump() for i in batch.items])
    return {"import_id": res.import_id, "summary": res.summary, "tickets": res.tickets, "received": len(res.results),
            **res.counts, "results": res.results}


@api.post("/v1/imports", summary="上传文件导入（与“数据导入”页同一套映射与校验）")
async def upload(request: Request, file: UploadFile = File(...), source: str = Form(...),
                 create_stores: bool = Form(False), profile: str | None = Form(None),
                 date_order: str | None = Form(None), timezone: str | None = Form(None),
                 questionnaire: str | None = Form(None), sheets: str | None = Form(None),
                 columns: str | None = Form(None, description='列映射 JSON，如 {"rating": "星级"}（同 CLI --column）'),
                 user: auth.User = Depends(caller), c=Depends(con)):
    import json

    try:
        cols = json.loads(columns) if columns else {}
        if not isinstance(cols, dict):
            raise ValueError
    except ValueError:
        raise ApiError(422, "invalid", "columns 应为 JSON 对象，如 {\"rating\": \"星级\"}") from None
    data = await file.read()
    import anyio

    from cx.ingest import ImportOptions

    opts = ImportOptions(profile=profile or None, date_order=date_order or None, timezone=timezone or None,
                         questionnaire=questionnaire or None, columns=cols,
                         sheets=[x for x in sheets.split(",") if x] if sheets else None)
    r = await anyio.to_thread.run_sync(lambda: commands.import_upload(
        c, user, data, file.filename or "upload.csv", source, "create" if create_stores else "reject", options=opts))
    return {"import_id": r.import_id, "status": r.status, "summary": r.summary(), "rows_in": r.rows_in,
            "rows_ok": r.rows_ok, "rows_rejected": r.rows_rejected, "rows_duplicate": r.rows_duplicate,
            "rows_updated": r.rows_updated, "rows_skipped": r.rows_skipped, "sheets": r.sheets,
            "details": r.details(), "reject_lines": [list(x) for x in r.reject_lines], "new_stores": r.new_stores,
            "tickets": r.tickets}


@api.get("/v1/imports", summary="导入记录（总部可见全部，其他角色只见自己的）")
def imports(limit: int = Query(100, ge=1, le=1000), user: auth.User = Depends(caller), c=Depends(con)):
    return {"imports": _json(access.imports_for(c, user, limit))}


@api.get("/v1/imports/{import_id}/rejects", summary="某次导入被拒绝的行及原因")
def rejects(import_id: str, user: auth.User = Depends(caller), c=Depends(con)):
    return {"rejects": _json(access.rejects_for(c, user, import_id))}


# ---- KPIs --------------------------------------------------------------------------------------------------
@api.get("/v1/kpis", summary="某范围、某时期的 NPS / CSAT / CES / 差评率（含 95% 区间与 n）")
def kpis(start: date, end: date, region: list[str] = Query([]), store: list[str] = Query([]),
         user: auth.User = Depends(caller), c=Depends(con)):
    if end < start:
        raise ApiError(422, "invalid", "结束日期早于开始日期")
    f = commands.scope_filters(c, user, start, end, tuple(region), tuple(store))
    return {"scope": f.describe(), "start": start.isoformat(), "end": end.isoformat(),
            "kpis": _json(overview.kpis(c, f, compare=False))}


# ---- tickets -----------------------------------------------------------------------------------------------
@api.get("/v1/tickets", summary="工单列表（按账号范围）；status 可用状态代码（open/in_progress/escalated/resolved/"
                                 "closed）或中文（待处理/处理中/已升级/已解决/已关闭），返回 status 与 status_label")
def ticket_list(start: date | None = None, end: date | None = None, status: list[str] = Query([]),
                level: list[str] = Query([]), store: list[str] = Query([]), limit: int = Query(200, ge=1, le=2000),
                user: auth.User = Depends(caller), c=Depends(con)):
    end = end or settings.today() + timedelta(days=1)
    start = start or end - timedelta(days=365)
    f = commands.scope_filters(c, user, start, end, (), tuple(store))
    q = tickets.queue(c, f, list(level) or None, list(status) or None, limit=limit)
    return {"tickets": _json(q)}


def _ticket_in_scope(c, user, ticket_id: str) -> dict:
    t = tickets.get(c, ticket_id)
    access.check_ticket(c, user, t)
    return t


@api.get("/v1/tickets/{ticket_id}", summary="工单详情、处理记录与触发项（同一事件的多个触发合并在一张工单）")
def ticket_get(ticket_id: str, user: auth.User = Depends(caller), c=Depends(con)):
    t = _ticket_in_scope(c, user, ticket_id)
    return {"ticket": _json(t), "events": _json(tickets.events(c, ticket_id)),
            "triggers": _json(tickets.triggers(c, ticket_id))}


class TicketAction(BaseModel):
    action: Literal["accept", "comment", "root_cause", "resolve", "close", "reopen"]
    note: str | None = Field(None, max_length=1000)
    root_cause: str | None = None


@api.post("/v1/tickets/{ticket_id}/actions", summary="处理工单（受理/备注/设定根因/解决/关闭/重新打开）")
def ticket_act(ticket_id: str, body: TicketAction, user: auth.User = Depends(caller), c=Depends(con)):
    t = commands.ticket_action(c, user, ticket_id, body.action, note=body.note, root_cause=body.root_cause)
    return {"ticket": _json(t), "events": _json(tickets.events(c, ticket_id))}


# ---- jobs the CLI runs through the service, reports, delivery status ---------------------------------------
@api.post("/v1/jobs/escalate", summary="立即执行 SLA 升级检查（总部）")
def job_escalate(user: auth.User = Depends(caller), c=Depends(con)):
    access.require_hq(user, "执行 SLA 升级")
    return {"escalations": commands.escalate_overdue(c, state.now())}


@api.post("/v1/digests/{digest_id}/run", summary="立即运行 schedules.yaml 中的某个摘要（总部；用于测试计划与接收人）")
def digest_run(digest_id: str, user: auth.User = Depends(caller), c=Depends(con)):
    from cx.service import jobs

    access.require_hq(user, "立即运行摘要")
    try:
        out = jobs.run_now(c, digest_id)
    except jobs.ScheduleError as e:
        raise ApiError(404 if "没有 id" in str(e) else 422, "not_found" if "没有 id" in str(e) else "invalid",
                       str(e)) from None
    audit.record(c, user.username, "digest_run", None, f"{digest_id}：{out['summary']}")
    return out


@api.post("/v1/jobs/alerts", summary="对某日期之后的反馈运行预警规则（总部）")
def job_alerts(since: date = Body(..., embed=True), user: auth.User = Depends(caller), c=Depends(con)):
    access.require_hq(user, "运行预警规则")
    n = commands.run_alerts(c, datetime.combine(since, datetime.min.time()), actor=user.name)
    return {"tickets": n}


class ReportRequest(BaseModel):
    scope: str = "chain"
    period: str
    format: Literal["pptx", "html", "pdf"] = "pptx"


@api.post("/v1/reports", summary="生成汇报（PPTX / HTML / PDF），返回文件")
def report(body: ReportRequest, request: Request, user: auth.User = Depends(caller), c=Depends(con)):
    from cx.report import deck
    from cx.scope import parse_scope

    try:
        label, extra = parse_scope(body.scope)
        start, end = deck.parse_period(body.period)
    except ValueError as e:
        raise ApiError(422, "invalid", str(e)) from None
    commands.scope_filters(c, user, start, end, extra.get("regions", ()), extra.get("stores", ()))
    if user.role in ("region", "store") and body.scope == "chain":
        raise access.Forbidden("当前账号只能生成自己范围内的汇报")
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        pages: list = []
        p = commands.build_digest(c, body.scope, start, end, body.format, Path(d), name="report", slides=pages)
        data, slides = p.read_bytes(), pages[0]
    audit.record(c, user.username, "export", body.scope, f"API 汇报 {body.format} {body.period}",
                 request.client.host if request.client else None)
    media = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "html": "text/html; charset=utf-8", "pdf": "application/pdf"}[body.format]
    return Response(data, media_type=media, headers={"X-CX-Slides": str(slides)})


@api.get("/v1/notifications", summary="通知发送状态（总部）")
def notifications(limit: int = Query(200, ge=1, le=5000), user: auth.User = Depends(caller), c=Depends(con)):
    access.require_hq(user, "查看通知发送状态")
    return {"counts": outbox.counts(c), "notifications": _json(outbox.status(c, limit))}


@api.get("/v1/audit", summary="审计日志（总部）")
def audit_log(limit: int = Query(500, ge=1, le=5000), user: auth.User = Depends(caller), c=Depends(con)):
    access.require_hq(user, "查看审计日志")
    return {"audit": _json(audit.recent(c, limit))}


@api.post("/v1/backup", summary="在服务器上把数据库完整复制到一个新文件（总部；服务不停机）")
def backup(path: str = Body(..., embed=True), request: Request = None, user: auth.User = Depends(caller),
           c=Depends(con)):
    access.require_hq(user, "备份数据库")
    from pathlib import Path

    out = commands.backup(c, Path(path))
    audit.record(c, user.username, "backup", None, str(out), request.client.host if request and request.client else None)
    return {"path": str(out), "bytes": out.stat().st_size}


@api.get("/v1/stores", summary="门店及其区域（按账号范围）")
def stores(user: auth.User = Depends(caller), c=Depends(con)):
    sc = auth.scope(c, user)
    return {"stores": [{"store_id": s, "region": r} for s, r in access.stores_and_regions(c) if sc is None or s in sc]}


@api.get("/v1/me", summary="当前令牌代表的账号与范围")
def me(user: auth.User = Depends(caller), c=Depends(con)):
    sc = auth.scope(c, user)
    return {"username": user.username, "role": user.role, "region": user.region, "store_id": user.store_id,
            "stores": None if sc is None else list(sc)}
