"""Row validation: mapped columns of a located table → typed records, or a Chinese reason per rejected row.

Column-level decisions come first (they need the whole column): the date order and time zone
(:mod:`cx.ingest.dates`), each score column's scale and direction (:mod:`cx.ingest.values`), whether record
ids are per-questionnaire counters, and whether ids or phone numbers were mangled by Excel (refused as a
whole, naming the column). Then each row is checked; a rejected row keeps its raw cells — masked exactly like
accepted text, customer keys hashed — so the reject list never holds a phone number in clear.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from cx.ids import stable_id  # noqa: F401 - re-exported: ingest ids are cx.ids ids
from cx.ingest import dates, values
from cx.ingest.clean import clean_text, fold_width, mask_personal
from cx.ingest.mapping import label

MAX_TEXT = 20_000            # longer texts are stored whole; analysis reads the first MAX_TEXT characters
KANO_WORDS = {
    "喜欢": 1, "很喜欢": 1, "非常喜欢": 1, "我喜欢": 1,
    "理所当然": 2, "理应如此": 2, "必须的": 2, "应该的": 2, "本该如此": 2,
    "无所谓": 3, "无差别": 3, "都行": 3, "中立": 3,
    "能忍受": 4, "可以忍受": 4, "勉强接受": 4,
    "不喜欢": 5, "很不喜欢": 5, "讨厌": 5,
}
# Texts platforms and survey tools write when the customer wrote nothing: stored as no text.
PLACEHOLDER_TEXTS = {
    "此用户没有填写评价", "该用户没有填写评价", "用户没有填写评价", "此用户未填写评价", "该用户未填写评价", "用户未填写评价",
    "用户未填写文字评价", "该用户未填写文字评价", "系统默认好评", "默认好评", "评价方未及时做出评价系统默认好评",
    "该用户觉得商品较好没有填写评价", "该用户觉得商品非常好没有填写评价", "暂无评价", "无评价", "没有评价", "无", "没有", "暂无",
    "无意见", "没有意见", "无建议", "没有建议", "跳过", "空", "na", "n/a", "none", "null", "-", "/", "。",
}
ANONYMOUS_IDS = {"", "0", "-", "匿名", "anonymous", "null", "none", "n/a", "na", "未登录", "游客"}
_SCI = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+-]?\d+$")
_PUNCT = re.compile(r"[\s。，,.!！?？~～:：;；、\"'“”‘’()（）\[\]【】]+")


class RowError(ValueError):
    """One row's problem, phrased for the import summary."""


class ColumnError(ValueError):
    """A whole column is unusable (Excel-mangled ids, contradictory dates); nothing is imported."""


def where(sheet: str, row: int) -> str:
    """A row named for messages: 「第 5 行」, or 「工作表“2026年9月”第 5 行」 in a workbook."""
    return f"{('工作表“' + sheet + '”') if sheet else ''}第 {row} 行"


def hash_customer(value: str, anonymous: set[str] | frozenset = frozenset(ANONYMOUS_IDS)) -> str | None:
    """Customer keys are pseudonymised: a phone number or member id is never stored as given.
    Empty and anonymous markers ("0" = 腾讯问卷 免登录, 匿名, …) give None — never one shared key."""
    s = fold_width(str(value)).replace("\ufeff", "").strip()
    if s.lower() in anonymous or s.lower() in ANONYMOUS_IDS or values.is_skipped(s):
        return None
    return "c" + hashlib.sha256(("cx-lens:" + s).encode("utf-8")).hexdigest()[:15]


def is_placeholder(text: str) -> bool:
    return _PUNCT.sub("", fold_width(text)).lower() in PLACEHOLDER_TEXTS


def parse_kano(value: str, fld: str) -> int:
    s = fold_width(str(value)).strip()
    if s in KANO_WORDS:
        return KANO_WORDS[s]
    try:
        x = values.read_number(s)
    except values.ScoreError:
        x = None
    if x is None:
        raise RowError(f"{label(fld)}无法识别“{s[:20]}”（应为 1–5 或 喜欢/理所当然/无所谓/能忍受/不喜欢）")
    if x != int(x) or not 1 <= x <= 5:
        raise RowError(f"{label(fld)}超出范围 1–5：“{s[:20]}”")
    return int(x)


def _excel_form(v: str) -> str:
    """How Excel shows a rounded long number ("1.29876E+18"), whatever digits the file kept."""
    try:
        return f"{float(v):.5E}".replace("E+0", "E+").replace("0E", "E").replace("0E", "E")
    except ValueError:
        return v


def check_mangled(cols: dict[str, list[str]], headers: dict[str, str]) -> None:
    """Refuse id/phone columns that Excel turned into scientific notation (digits are lost), naming every
    such column at once. Raises ColumnError."""
    bad = []
    for f in ("source_ref", "customer_key"):
        vals = [v for v in cols.get(f, []) if _SCI.match(fold_width(v).strip())]
        if vals:
            bad.append((f, headers[f], _excel_form(vals[0])))
    if not bad:
        return
    named = "、".join(f"“{h}”（如“{ex}”）" for _, h, ex in bad)
    what = "编号和手机号/顾客标识" if len(bad) > 1 else ("编号" if bad[0][0] == "source_ref" else "手机号/顾客标识")
    raise ColumnError(
        f"{named}列的{what}被 Excel 转成了科学计数法，原始数字已经丢失；导入会把不同的记录或顾客合并成一条，所以整个文件未导入。"
        "请从原系统重新导出原始文件并直接导入（不要在 Excel 中打开后保存）；如需在 Excel 中查看，请用“数据 → 从文本/CSV”导入并把这些列设为“文本”。"
        "已经保存过的文件无法恢复这些数字。")


@dataclass
class Columns:
    """Column-level decisions for one import (shown as assumptions and stored with the import)."""
    scores: dict[str, values.ScoreColumn] = field(default_factory=dict)
    date_order: str = "ymd"
    id_kind: str = "none"                  # none | global | counter | scoped
    assumptions: list[str] = field(default_factory=list)


@dataclass
class Validated:
    rows: list[dict] = field(default_factory=list)
    rejects: list[tuple[int, str, str, str]] = field(default_factory=list)  # (row number, raw json, reason, sheet)
    new_stores: set[str] = field(default_factory=set)
    duplicates: list[tuple[int, str]] = field(default_factory=list)       # (row number, note) merged in-file
    conflicts: list[str] = field(default_factory=list)
    long_texts: int = 0
    columns: Columns = field(default_factory=Columns)


@dataclass
class Options:
    """How to read a file; every field can come from a profile, the mapping step or the CLI."""
    date_order: str = "auto"
    date_order_by: str = "指定的日期顺序"               # who decided it, for the assumption sentence
    timezone: str | None = None
    chain_timezone: str | None = None
    scores: dict = field(default_factory=dict)          # field → {scale, direction, labels}
    ids: str = "auto"                                   # auto | global | counter
    questionnaire: str | None = None
    anonymous_ids: tuple[str, ...] = ("0",)
    decimal_comma: bool = False


def decide_columns(cols: dict[str, list[str]], headers: dict[str, str], source: str, opt: Options,
                   row_label) -> tuple[Columns, dates.DateColumn | None]:
    """Column-level decisions; raises ColumnError / dates.DateColumnError (Chinese) for unusable columns."""
    out = Columns()
    check_mangled(cols, headers)
    dcol = None
    if "created_at" in cols:
        dcol = dates.parse_column(cols["created_at"], order=opt.date_order or "auto", source_tz=opt.timezone,
                                  chain_tz=opt.chain_timezone, row_label=row_label, decided_by=opt.date_order_by)
        out.date_order = dcol.order
        out.assumptions.extend(dcol.assumptions)
    for f in values.SCORE_FIELDS:
        if f in cols:
            sc = opt.scores.get(f) or {}
            labels = sc.get("labels")
            if isinstance(labels, str):
                labels = values.LABEL_SCALES[labels]
            col = values.infer_column(f, cols[f], headers[f], scale=sc.get("scale"), direction=sc.get("direction"),
                                      labels=labels, decimal_comma=opt.decimal_comma)
            out.scores[f] = col
            out.assumptions.extend(col.assumptions)
    refs = [fold_width(v).strip() for v in cols.get("source_ref", []) if v and v.strip()]
    if opt.questionnaire:
        out.id_kind = "scoped"
        out.assumptions.append(f"编号在问卷“{opt.questionnaire}”内唯一：同一问卷中相同编号视为同一条记录（内容不同则更新）")
    elif refs:
        counter = opt.ids == "counter" or (opt.ids == "auto" and all(r.isdigit() and len(r) <= 7 for r in refs))
        out.id_kind = "counter" if counter else "global"
        if counter and source != "kano":
            out.assumptions.append("编号看起来是问卷内的答卷序号（1、2、3…）：只有门店和提交时间也相同时才视为同一份答卷"
                                   "（内容不同则更新）；不同问卷的相同序号不会互相覆盖。可在映射中填写问卷名称来明确区分")
    return out, dcol


def validate(table_cols: dict[str, list[str]], headers: dict[str, str], raw_rows: list[list[str]],
             raw_headers: list[str], row_numbers: list[int], sheets: list[str], source: str,
             known_stores: set[str], unknown_store: str = "reject", options: Options | None = None,
             now: datetime | None = None, progress=None, decided: tuple | None = None) -> Validated:
    """Validate every row of a (possibly multi-sheet) table.

    ``table_cols``: field → list of cells (one per row); ``headers``: field → header text (for messages);
    ``raw_rows``/``raw_headers``: the original cells (kept, masked, for rejects); ``row_numbers``/``sheets``:
    the spreadsheet row and sheet of each row. Raises ColumnError / DateColumnError for column-level faults.
    """
    opt = options or Options()
    n = len(row_numbers)

    def row_label(i: int) -> str:
        return where(sheets[i], row_numbers[i])
    columns, dcol = decided if decided is not None else decide_columns(table_cols, headers, source, opt, row_label)
    out = Validated(columns=columns)
    anonymous = {a.lower() for a in opt.anonymous_ids} | ANONYMOUS_IDS
    pending_stores: dict[int, str] = {}
    by_id: dict[str, int] = {}
    for i in range(n):
        # "(空)", "(跳过)" … are how survey tools write an unanswered question: an empty cell, never a value
        cell = {f: ("" if not v[i] or values.is_skipped(v[i]) else v[i]) for f, v in table_cols.items()}
        try:
            rec = _row(cell, i, source, known_stores, unknown_store, columns, dcol, opt, anonymous)
        except RowError as e:
            raw = {h or f"列{j + 1}": v for j, (h, v) in enumerate(zip(raw_headers, raw_rows[i]))}
            out.rejects.append((row_numbers[i], _mask_raw(raw, table_cols, headers, i), str(e), sheets[i]))
            continue
        store = rec.get("store_id")
        if store is not None and store not in known_stores:
            pending_stores[len(out.rows)] = store
        rec["_row"] = row_numbers[i]
        rec["_sheet"] = sheets[i]
        if rec.pop("_long", False):
            out.long_texts += 1
        key = rec["answer_id" if source == "kano" else "feedback_id"]
        if key in by_id:
            j = by_id[key]
            prev = out.rows[j]
            here = row_label(i)
            if _same(prev, rec):
                out.duplicates.append((row_numbers[i], f"{here}与第 {prev['_row']} 行完全相同"))
                continue
            ref = cell.get("source_ref", "").strip() or "（无编号）"
            out.conflicts.append(f"第 {prev['_row']} 行与{here}编号相同（{ref[:30]}）但内容不同：保留较后的{here}（如追评、更新）")
            out.duplicates.append((prev["_row"], f"被{here}取代（同一编号）"))
            out.rows[j] = rec
            if j in pending_stores:
                pending_stores.pop(j)
            if store is not None and store not in known_stores:
                pending_stores[j] = store
            continue
        by_id[key] = len(out.rows)
        out.rows.append(rec)
        if progress and (i % 5000 == 4999 or i == n - 1):
            progress(i + 1, n)
    out.new_stores = set(pending_stores.values())   # only stores of accepted rows are ever created
    if progress:
        progress(n, n)
    return out


_COMPARE = ("store_id", "created_at", "channel", "customer_key", "segment", "nps", "csat", "ces", "rating", "text",
            "respondent", "feature", "functional", "dysfunctional")


def _same(a: dict, b: dict) -> bool:
    return all(a.get(k) == b.get(k) for k in _COMPARE)


def _mask_raw(raw: dict, cols: dict[str, list[str]], headers: dict[str, str], i: int) -> str:
    """The rejected row as JSON with personal numbers masked and the customer key replaced by its hash."""
    key = headers.get("customer_key") if "customer_key" in cols else None
    return masked_raw(raw, key, cols["customer_key"][i] if key is not None else None)


def masked_raw(raw: dict, key_header: str | None = None, key: str | None = None) -> str:
    """A rejected row as stored in ``rejects.raw``: JSON of header → cell (strings) with personal numbers masked
    and the cell under ``key_header`` (the customer key) replaced by the hash of ``key`` (default: that cell)."""
    masked = {k: mask_personal(fold_width(str(v))) if v else v for k, v in raw.items()}
    if key_header is not None and key_header in masked:
        masked[key_header] = hash_customer(raw[key_header] if key is None else key) or ""
    return json.dumps(masked, ensure_ascii=False)


def _store(cell: dict, source: str, known: set[str], unknown_store: str) -> str | None:
    store = fold_width(cell.get("store_id", "")).replace("\ufeff", "").strip() or None
    if store is None:
        if source not in ("opinion", "kano"):
            raise RowError("门店编号为空")
        return None
    if store not in known:
        if store.isdigit():
            padded = [k for k in known if k.isdigit() and k.lstrip("0") == store.lstrip("0") and k != store]
            if padded:
                raise RowError(f"未知门店“{store[:30]}”：是否为“{padded[0]}”？（Excel 可能去掉了编号前面的 0，请把该列设为文本格式）")
        if unknown_store != "create":
            raise RowError(f"未知门店“{store[:30]}”（可在导入时选择自动创建门店）")
    return store


def _row(cell: dict, i: int, source: str, known: set[str], unknown_store: str, columns: Columns,
         dcol: dates.DateColumn | None, opt: Options, anonymous: set[str]) -> dict:
    store = _store(cell, source, known, unknown_store)
    if dcol is None:
        raise RowError("时间为空")
    if i in dcol.errors:
        raise RowError(dcol.errors[i])
    created = dcol.values[i]
    if source == "kano":
        respondent = fold_width(cell["respondent"]).strip()
        feature = clean_text(cell["feature"])
        if not respondent or not feature:
            raise RowError("答卷人或功能为空")
        f, d = parse_kano(cell["functional"], "functional"), parse_kano(cell["dysfunctional"], "dysfunctional")
        return {"answer_id": stable_id("kano", respondent, feature, store), "respondent": respondent,
                "feature": feature, "functional": f, "dysfunctional": d, "created_at": created, "store_id": store}
    scores: dict[str, float | None] = {}
    raws: dict[str, float | None] = {}
    for f in values.SCORE_FIELDS:
        col = columns.scores.get(f)
        if col is None:
            scores[f] = raws[f] = None
            continue
        try:
            scores[f], raws[f] = values.read_value(col, cell.get(f, ""))
        except values.ScoreError as e:
            raise RowError(f"{label(f)}{e}") from None
    text_in = cell.get("text", "")
    # a service transcript keeps its line breaks (one line per turn, cx.text.turns)
    text = clean_text(text_in, keep_lines=source == "service") if text_in else None
    if text is not None and is_placeholder(text):
        text = None
    rec = {
        "source": source,
        "channel": (clean_text(cell.get("channel")) or None) if cell.get("channel") else None,
        "store_id": store,
        "created_at": created,
        "customer_key": hash_customer(cell.get("customer_key", ""), anonymous),
        "segment": clean_text(cell.get("segment")) if cell.get("segment") else None,
        "nps": _int(scores["nps"]), "csat": _int(scores["csat"]), "ces": _int(scores["ces"]),
        "rating": scores["rating"], "text": text,
        "csat_raw": raws["csat"] if columns.scores.get("csat") and raws["csat"] != scores["csat"] else None,
        "ces_raw": raws["ces"] if columns.scores.get("ces") and raws["ces"] != scores["ces"] else None,
        "rating_raw": raws["rating"] if columns.scores.get("rating") and raws["rating"] != scores["rating"] else None,
    }
    if text is not None and len(text) > MAX_TEXT:
        rec["_long"] = True
    any_score = any(rec[f] is not None for f in ("nps", "csat", "ces", "rating"))
    if source == "survey" and not any(rec[f] is not None for f in ("nps", "csat", "ces")):
        raise RowError("问卷没有任何评分（推荐度/满意度/费力度均为空）")
    if source == "review" and not rec["text"] and rec["rating"] is None:
        raise RowError("评价既没有内容也没有星级")
    if source == "service" and not rec["text"] and not any_score:
        raise RowError("客服记录没有内容")
    if source == "opinion" and not rec["text"]:
        raise RowError("评价内容为空")
    ref = fold_width(cell.get("source_ref", "")).replace("\ufeff", "").strip()
    rec["_ref"] = ref
    if ref and columns.id_kind == "scoped":
        rec["feedback_id"] = stable_id(source, "q:" + (opt.questionnaire or ""), ref)
    elif ref and columns.id_kind == "counter":
        rec["feedback_id"] = stable_id(source, "n", ref, store, created.strftime("%Y-%m-%d %H:%M"))
    elif ref:
        rec["feedback_id"] = stable_id(source, ref)
    else:
        rec["feedback_id"] = stable_id(source, store, created.isoformat(), rec["customer_key"], rec["nps"],
                                       rec["csat"], rec["ces"], rec["rating"],
                                       rec["text"] and rec["text"].replace("\n", " "))   # ids as before lines were kept
    return rec


def _int(x: float | None) -> int | None:
    return None if x is None else int(x)
