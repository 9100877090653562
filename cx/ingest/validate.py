"""Row validation: turn mapped string cells into typed records, or a Chinese reason for rejecting the row."""
from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from cx.ingest.clean import clean_text, fold_width
from cx.ingest.mapping import label

MAX_TEXT = 20_000
EARLIEST = datetime(2000, 1, 1)
SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
KANO_WORDS = {
    "喜欢": 1, "很喜欢": 1, "非常喜欢": 1, "我喜欢": 1,
    "理所当然": 2, "理应如此": 2, "必须的": 2, "应该的": 2, "本该如此": 2,
    "无所谓": 3, "无差别": 3, "都行": 3, "中立": 3,
    "能忍受": 4, "可以忍受": 4, "勉强接受": 4,
    "不喜欢": 5, "很不喜欢": 5, "讨厌": 5,
}

_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\s*(\d{2})(\d{2})(\d{2})?)?\s*$")
_SLASH_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")


class RowError(ValueError):
    """One row's problem, phrased for the import summary."""


def parse_datetime(value: str, now: datetime | None = None) -> datetime:
    """Parse the common Chinese export formats (2026-03-01, 2026/3/1 9:05, 2026年3月1日, 20260301 …).

    Day-first ``01/03/2026`` is read as 1 March (the form Chinese Excel uses when it is not ISO).
    """
    s = fold_width(str(value)).strip()
    if not s:
        raise RowError("时间为空")
    m = _DATE.match(s) or _COMPACT.match(s)
    if m:
        y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    else:
        m = _SLASH_DMY.match(s)
        if not m:
            raise RowError(f"无法识别的时间格式“{s[:30]}”（示例：2026-03-01 12:30）")
        d, mo, y, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    try:
        dt = datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        raise RowError(f"时间不存在“{s[:30]}”") from None
    now = now or datetime.now()
    if dt < EARLIEST:
        raise RowError(f"时间过早“{s[:30]}”（早于 2000 年）")
    if dt > now + timedelta(days=1):
        raise RowError(f"时间在未来“{s[:30]}”")
    return dt


def parse_score(value: str, fld: str) -> int | None:
    """Integer score in the field's range; empty → None."""
    s = fold_width(str(value)).strip()
    if not s:
        return None
    lo, hi = SCORE_RANGES[fld]
    try:
        x = float(s)
    except ValueError:
        raise RowError(f"{label(fld)}不是数字“{s[:20]}”") from None
    if math.isnan(x) or x != int(x):
        raise RowError(f"{label(fld)}必须是整数“{s[:20]}”")
    if not lo <= x <= hi:
        raise RowError(f"{label(fld)}超出范围 {lo}–{hi}：“{s[:20]}”")
    return int(x)


def parse_rating(value: str) -> float | None:
    """Star rating 1–5, halves allowed; also accepts "4星" / "4.5分"."""
    s = fold_width(str(value)).strip().rstrip("星分颗")
    if not s:
        return None
    try:
        x = float(s)
    except ValueError:
        raise RowError(f"评分不是数字“{s[:20]}”") from None
    if math.isnan(x) or not 1 <= x <= 5:
        raise RowError(f"评分超出范围 1–5：“{s[:20]}”")
    return x


def parse_kano(value: str, fld: str) -> int:
    s = fold_width(str(value)).strip()
    if s in KANO_WORDS:
        return KANO_WORDS[s]
    try:
        x = float(s)
    except ValueError:
        raise RowError(f"{label(fld)}无法识别“{s[:20]}”（应为 1–5 或 喜欢/理所当然/无所谓/能忍受/不喜欢）") from None
    if x != int(x) or not 1 <= x <= 5:
        raise RowError(f"{label(fld)}超出范围 1–5：“{s[:20]}”")
    return int(x)


def stable_id(*parts: object) -> str:
    """Deterministic 16-hex id so re-importing the same record maps to the same row."""
    return hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def hash_customer(value: str) -> str | None:
    """Customer keys are pseudonymised: a phone number or member id is never stored as given."""
    s = fold_width(str(value)).strip()
    return None if not s else "c" + hashlib.sha256(("cx-lens:" + s).encode("utf-8")).hexdigest()[:15]


@dataclass
class Validated:
    rows: list[dict] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (row number, raw json, reason)
    new_stores: set[str] = field(default_factory=set)


def validate(frame: pd.DataFrame, mapping: dict[str, str], source: str, known_stores: set[str],
             unknown_store: str = "reject", now: datetime | None = None, progress=None) -> Validated:
    """Validate every row; row numbers are the spreadsheet's (header is row 1)."""
    now = now or datetime.now()
    out = Validated()
    cols = {f: frame[h].tolist() for f, h in mapping.items()}
    raw_records = frame.to_dict("records")
    total = len(frame)
    for i in range(total):
        cell = {f: (v[i] if v[i] is not None else "") for f, v in cols.items()}
        try:
            rec = _row(cell, source, known_stores, unknown_store, now, out.new_stores)
        except RowError as e:
            out.rejects.append((i + 2, json.dumps(raw_records[i], ensure_ascii=False), str(e)))
        else:
            out.rows.append(rec)
        if progress and (i % 5000 == 4999 or i == total - 1):
            progress(i + 1, total)
    return out


def _row(cell: dict[str, str], source: str, known: set[str], unknown_store: str, now: datetime,
         new_stores: set[str]) -> dict:
    store = fold_width(cell.get("store_id", "")).strip() or None
    if store is None and source not in ("opinion", "kano"):
        raise RowError("门店编号为空")
    if store is not None and store not in known:
        if unknown_store == "create":
            new_stores.add(store)
        else:
            raise RowError(f"未知门店“{store[:30]}”（可在导入时选择自动创建门店）")
    created = parse_datetime(cell.get("created_at", ""), now)
    if source == "kano":
        respondent = cell["respondent"].strip()
        feature = clean_text(cell["feature"])
        if not respondent or not feature:
            raise RowError("答卷人或功能为空")
        f, d = parse_kano(cell["functional"], "functional"), parse_kano(cell["dysfunctional"], "dysfunctional")
        return {"answer_id": stable_id("kano", respondent, feature, store), "respondent": respondent,
                "feature": feature, "functional": f, "dysfunctional": d, "created_at": created, "store_id": store}
    rec = {
        "source": source,
        "channel": (clean_text(cell.get("channel")) or None) if cell.get("channel") else None,
        "store_id": store,
        "created_at": created,
        "customer_key": hash_customer(cell.get("customer_key", "")),
        "segment": clean_text(cell.get("segment")) if cell.get("segment") else None,
        "nps": parse_score(cell.get("nps", ""), "nps"),
        "csat": parse_score(cell.get("csat", ""), "csat"),
        "ces": parse_score(cell.get("ces", ""), "ces"),
        "rating": parse_rating(cell.get("rating", "")),
        "text": clean_text(cell.get("text", "")) if cell.get("text") else None,
    }
    if rec["text"] is not None and len(rec["text"]) > MAX_TEXT:
        raise RowError(f"评价内容过长（{len(rec['text'])} 字，上限 {MAX_TEXT}）")
    if source == "survey" and rec["nps"] is None and rec["csat"] is None and rec["ces"] is None:
        raise RowError("问卷没有任何评分（推荐度/满意度/费力度均为空）")
    if source in ("service", "review", "opinion") and not rec["text"]:
        raise RowError("评价内容为空")
    ref = fold_width(cell.get("source_ref", "")).strip()
    if ref:
        rec["feedback_id"] = stable_id(source, ref)
    else:
        rec["feedback_id"] = stable_id(source, store, created.isoformat(), rec["customer_key"], rec["nps"],
                                       rec["csat"], rec["ces"], rec["rating"], rec["text"])
    return rec
