"""The mapping step of 数据导入 without Streamlit: choices offered by its widgets, widget values → ImportOptions,
a small plan cache, and tables shaped for display (Chinese column labels).

The page (``pages/import_data.py``) only draws widgets and calls these; everything that decides something
(which fields a column may take, which scales a score field may be on, what counts as a change from the
proposal, whether a profile name may be used) is here and unit-tested without a browser.

The mapping step proposes in three passes, each a cached :func:`cx.ingest.plan` call:

1. reading settings (profile, sheets, header rows, date order, time zone, questionnaire) → column proposal;
2. + the columns the user changed → each score column's inferred scale;
3. + the scales the user changed → the final plan (assumptions, problems, preview) that is imported.

A widget the user did not touch keeps the proposal, so only real changes become explicit options.
"""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from cx import db
from cx import settings
from cx.ingest import mapping, profiles, values
from cx.ingest.dates import ORDER_LABELS
from cx.ingest.pipeline import ImportFailed, ImportOptions, ImportResult, Plan, plan

NOT_IMPORTED = ""                       # selectbox value of 「不导入」
AUTO = ""                               # selectbox value of 自动 / 按导入配置
DATE_ORDERS = {AUTO: "自动", "ymd": "年月日", "mdy": "月日年", "dmy": "日月年"}
TIMEZONES = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "UTC",
             "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles"]
# Scales a score field may be read on (keys of values.SCALE_LABELS), canonical first.
SCALES_FOR = {
    "nps": ["nps_0_10"],
    "csat": ["satisfaction_1_5", "satisfaction_1_7", "satisfaction_1_10", "satisfaction_0_10"],
    "ces": ["ease_1_7", "effort_1_7", "ease_1_5", "effort_1_5"],
    "rating": ["stars_1_5", "stars_x10"],
}
HOW_LABELS = {"指定": "手动指定", "配置": "导入配置", "列名": "列名识别", "题目关键词": "题目关键词"}
PREVIEW_LABELS = {"行号": "行号", "source": "来源", "channel": "渠道", "store_id": "门店编号", "created_at": "时间",
                  "customer_key": "顾客标识（已加密）", "segment": "顾客分群", "nps": "推荐度(NPS)",
                  "csat": "满意度(CSAT 1–5)", "ces": "费力度(CES 1–7，7 = 最省力)", "rating": "评分(1–5 星)",
                  "text": "评价内容", "answer_id": "答卷编号", "respondent": "答卷人", "feature": "功能",
                  "functional": "正向问题答案", "dysfunctional": "反向问题答案"}
SHEET_COUNT_LABELS = {"read": "读取", "ok": "成功", "rejected": "拒绝", "duplicate": "重复", "skipped": "跳过表头/说明行"}
CACHE_SIZE = 12
MAX_MB = settings.upload_limit_bytes() // (1024 * 1024)   # CX_UPLOAD_MB (cx.settings), default 200


class OptionError(ValueError):
    """A combination of widget values that cannot be imported; Chinese message for st.error."""


# ---------------------------------------------------------------------------------------------- choices

def file_key(data: bytes) -> str:
    """SHA-256 of the uploaded bytes (hex, 16 chars): identifies a file in the plan cache and widget keys."""
    return hashlib.sha256(data).hexdigest()[:16]


def too_large(data: bytes, max_mb: int = MAX_MB) -> str | None:
    """Chinese error when the file is over the upload limit, else None."""
    mb = len(data) / 1024 / 1024
    return f"文件过大（{mb:.0f} MB），上限 {max_mb} MB，请拆分后导入。" if mb > max_mb else None


def fields_of(source: str) -> list[str]:
    """The fields a column of a ``source`` file may be mapped to (required first)."""
    return list(mapping.spec(source).fields)


def field_label(f: str) -> str:
    """Chinese label of a field; 「不导入」 for :data:`NOT_IMPORTED`."""
    return "不导入" if f == NOT_IMPORTED else mapping.label(f)


def profiles_for(source: str) -> list[profiles.Profile]:
    """Every profile usable for ``source`` (its own and source-less ones), saved and shipped, generic last."""
    allp = profiles.load_all()
    usable = [p for p in allp.values() if p.source in (None, source)]
    return sorted(usable, key=lambda p: (p.name == "generic", p.label))


def profile_label(p: profiles.Profile) -> str:
    return p.label + ("（已保存）" if p.signature else "")


def scales_for(f: str, current: str | None = None) -> list[str]:
    """Scales offered for score field ``f`` (``current`` included even if unusual)."""
    opts = list(SCALES_FOR.get(f, []))
    if current and current not in opts:
        opts.insert(0, current)
    return opts


def scale_label(scale: str) -> str:
    return values.SCALE_LABELS.get(scale, scale)


def timezone_label(tz: str, profile: profiles.Profile | None = None) -> str:
    if tz != AUTO:
        return tz
    own = profile.timezone if profile else None
    return f"按导入配置（{own}）" if own else f"连锁时区（{settings.time_zone()}）"


def direction_text(f: str, scale: str) -> str:
    """How a score column's direction is read and stored, in words (CES is stored as 7 = least effort)."""
    if f == "ces":
        if scale.startswith("effort"):
            return "本列越高越费力 → 存储时反转为 CES 1–7（7 = 最省力）"
        return "本列越高越省力 → 存储为 CES 1–7（7 = 最省力）"
    if f == "csat":
        return "越高越满意 → 存储为 1–5（4–5 计为满意）"
    if f == "nps":
        return "0–10，9–10 为推荐者，0–6 为贬损者"
    return "越高越好 → 存储为 1–5 星，未打星为空"


# ---------------------------------------------------------------------------------------------- options

def reading_options(*, profile: str, detected: str, sheets: list[str], planned_sheets: list[str],
                    date_order: str = AUTO, timezone: str = AUTO, questionnaire: str = "",
                    header_rows: int | None = None, detected_header_rows: int | None = None) -> ImportOptions:
    """Pass 1: the reading settings as options. Values equal to what was detected stay implicit (None).
    Raises OptionError for no sheet, an unknown time zone or a bad date order."""
    if not sheets:
        raise OptionError("请至少选择一个工作表")
    if date_order not in DATE_ORDERS:
        raise OptionError(f"日期顺序“{date_order}”无效，可选：{'、'.join(ORDER_LABELS)}")
    tz = (timezone or "").strip()
    if tz:
        try:
            ZoneInfo(tz)
        except Exception:
            raise OptionError(f"“{tz}”不是有效时区（示例：Asia/Shanghai、UTC、America/New_York）") from None
    return ImportOptions(
        profile=profile if profile and profile != detected else None,
        sheets=None if list(sheets) == list(planned_sheets) else list(sheets),
        date_order=date_order or None, timezone=tz or None,
        questionnaire=(questionnaire or "").strip() or None,
        header_rows=header_rows if header_rows and header_rows != detected_header_rows else None)


def column_overrides(proposed: dict[str, str], chosen: dict[str, str]) -> dict[str, str | None]:
    """Pass 2: column choices (header → field or NOT_IMPORTED) against the proposal (field → header) →
    ``ImportOptions.columns`` (field → header, None = not imported). Only changes are returned.
    Raises OptionError when two columns were given the same field."""
    by_field: dict[str, list[str]] = {}
    for h, f in chosen.items():
        if f != NOT_IMPORTED:
            by_field.setdefault(f, []).append(h)
    twice = {f: hs for f, hs in by_field.items() if len(hs) > 1}
    if twice:
        f, hs = next(iter(twice.items()))
        raise OptionError(f"“{'”“'.join(hs)}”都被选为{mapping.label(f)}：每个字段只能对应一列，请把其余列改为「不导入」")
    out: dict[str, str | None] = {}
    for f, hs in by_field.items():
        if proposed.get(f) != hs[0]:
            out[f] = hs[0]
    for f in proposed:
        if f not in by_field:
            out[f] = None
    return out


def with_columns(opt: ImportOptions, columns: dict[str, str | None]) -> ImportOptions:
    return ImportOptions(**{**asdict(opt), "columns": dict(columns)})


def score_overrides(inferred: dict[str, str], chosen: dict[str, str]) -> dict[str, dict]:
    """Pass 3: scale choices (field → scale) against the inferred ones → ``ImportOptions.scores``."""
    out = {}
    for f, s in chosen.items():
        if f not in SCALES_FOR:
            raise OptionError(f"字段“{f}”不是评分字段")
        if s not in values.SCALE_LABELS:
            raise OptionError(f"量表“{s}”无效，可选：{'、'.join(values.SCALE_LABELS)}")
        if s != inferred.get(f):
            out[f] = {"scale": s}
    return out


def with_scores(opt: ImportOptions, scores: dict[str, dict]) -> ImportOptions:
    return ImportOptions(**{**asdict(opt), "scores": {**opt.scores, **scores}})


def options_key(opt: ImportOptions) -> str:
    """A short stable key of options (widget keys change with it, so stale widget values are not reused)."""
    return hashlib.sha256(json.dumps(asdict(opt), sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:10]


# ---------------------------------------------------------------------------------------------- plan cache

def cached_plan(cache: "OrderedDict | dict", data: bytes, file_name: str, source: str, opt: ImportOptions,
                known_stores: set[str] | None = None, fkey: str | None = None) -> Plan:
    """:func:`cx.ingest.plan` memoised in ``cache`` (e.g. a dict in st.session_state) by file hash (``fkey``,
    computed when not given), name, source, options and known stores; keeps the last :data:`CACHE_SIZE`
    plans. Raises ImportFailed (also remembered, so a broken file is read once)."""
    key = (fkey or file_key(data), file_name, source, json.dumps(asdict(opt), sort_keys=True, ensure_ascii=False),
           hash(frozenset(known_stores)) if known_stores is not None else None)
    if key in cache:
        hit = cache.pop(key)
        cache[key] = hit
    else:
        try:
            hit = plan(data, file_name, source, opt, known_stores=known_stores)
        except ImportFailed as e:
            hit = e
        cache[key] = hit
        while len(cache) > CACHE_SIZE:
            cache.pop(next(iter(cache)))
    if isinstance(hit, ImportFailed):
        raise hit
    return hit


def known_stores(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every store id in the store (what the import checks rows against)."""
    with con.cursor() as cur:
        return {r[0] for r in cur.execute(db.sql("ingest/store_ids")).fetchall()}


# ---------------------------------------------------------------------------------------------- display

def header_info(p: Plan) -> str:
    """Where the header was found, in words (per sheet when they differ): title rows above it, multi-level
    headers joined, description and repeated header lines skipped, column names joined or de-duplicated."""
    parts = []
    for t in p.tables:
        s = f"表头在第 {t.header_row} 行"
        if t.title_rows:
            s += f"（上方 {t.title_rows} 行标题已跳过）"
        elif t.header_row > 1:
            s += f"（上方 {t.header_row - 1} 行已跳过）"
        last = t.header_row + t.header_rows - 1
        described = [n for n, _ in t.skipped if t.header_row < n <= last]
        if t.header_rows > 1 and not described:
            s += f"，第 {t.header_row}–{last} 行为多级表头，已合并为列名"
        elif described:
            s += f"，共 {t.header_rows} 行表头"
        other = [n for n, _ in t.skipped if n not in described]
        if described or other:
            rows = sorted(described + other)
            s += f"，第 {_rows(rows[:8])}{'…' if len(rows) > 8 else ''} 行为表头说明/重复表头行，已跳过并计数"
        if t.raw_headers != t.headers:
            changed = [h for h, r in zip(t.headers, t.raw_headers) if h != r]
            if changed:
                s += f"；{len(changed)} 个列名经合并/去重（如“{changed[0]}”）"
        parts.append((f"工作表“{t.sheet}”：" if t.sheet and len(p.tables) > 1 else "") + s)
    if len(parts) > 1 and len({x.split("：", 1)[-1] for x in parts}) == 1:
        return "各工作表" + parts[0].split("：", 1)[-1]
    return "；".join(parts)


def _rows(numbers: list[int]) -> str:
    lo, hi = min(numbers), max(numbers)
    return f"{lo}" if lo == hi else (f"{lo}–{hi}" if hi - lo + 1 == len(numbers) else "、".join(map(str, numbers)))


def samples(p: Plan, header: str, n: int = 3) -> list[str]:
    """The first ``n`` non-empty values of a column (first table), as in the file."""
    if not p.tables or header not in p.tables[0].headers:
        return []
    j = p.tables[0].headers.index(header)
    out = []
    for r in p.tables[0].rows:
        v = r[j].strip() if j < len(r) else ""
        if v:
            out.append(v[:24] + ("…" if len(v) > 24 else ""))
            if len(out) == n:
                break
    return out


def column_rows(p: Plan) -> list[dict]:
    """One row per file column: header, proposed field (or NOT_IMPORTED), how it was chosen, samples."""
    by_header = {h: f for f, h in p.resolution.columns.items()}
    ignored = set(p.resolution.ignored)
    rows = []
    for h in p.headers:
        f = by_header.get(h, NOT_IMPORTED)
        how = HOW_LABELS.get(p.resolution.how.get(f, ""), "") if f else ("配置中标为忽略" if h in ignored else "未识别")
        rows.append({"header": h, "field": f, "how": how, "samples": samples(p, h)})
    return rows


@dataclass
class ScoreInfo:
    fld: str
    header: str
    scale: str
    direction: str
    rule: str
    labels: pd.DataFrame | None       # 选项文字 → 原始分 → 存储值 (only for answers given as text)


def score_infos(p: Plan) -> list[ScoreInfo]:
    """Each score column's scale, direction and label → score table (labels seen in the preview rows)."""
    if not p.columns:
        return []
    out = []
    for f, col in p.columns.scores.items():
        h = p.mapping.get(f, f)
        table = None
        if col.labels:
            seen = []
            j = p.tables[0].headers.index(h) if p.tables and h in p.tables[0].headers else None
            texts = {r[j].strip() for t in p.tables[:1] for r in t.rows if j is not None and j < len(r)}
            for t in sorted(texts):
                key = values.label_key(t)
                if key in col.labels:
                    raw = col.labels[key]
                    try:
                        stored = col.convert(raw)
                    except values.ScoreError:
                        stored = None
                    seen.append({"选项文字": t, "原始分": _num(raw), "存储值": _num(stored)})
            if seen:
                table = pd.DataFrame(seen).sort_values("原始分", ascending=False, kind="stable")
        out.append(ScoreInfo(f, h, col.scale, direction_text(f, col.scale or ""),
                             values.CONVERSION_RULES.get(col.scale, "按原值存储"), table))
    return out


def _num(x: float | None) -> int | float | None:
    return int(x) if x is not None and float(x).is_integer() else x


def preview_frame(p: Plan) -> pd.DataFrame:
    """The preview rows as they will be stored, Chinese column labels, columns that are empty in every
    row and not mapped left out."""
    if p.preview is None or p.preview.empty:
        return pd.DataFrame()
    df = p.preview.copy()
    keep = [c for c in df.columns if c in ("行号", "工作表", "source") or c in p.mapping or df[c].notna().any()]
    df = df[keep]
    if "source" in df:
        df["source"] = df["source"].map(mapping.SOURCE_LABELS).fillna(df["source"])
    for c in df.columns:              # an empty cell shows empty (Streamlit would write "None")
        if c not in ("行号", "工作表") and df[c].isna().any():
            df[c] = [_cell(v) for v in df[c]]
    return df.rename(columns=PREVIEW_LABELS)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def rejects_frame(p: Plan) -> pd.DataFrame:
    return pd.DataFrame(p.preview_rejects, columns=["行号", "原因"])


def sheet_counts_frame(result: ImportResult) -> pd.DataFrame:
    """Per-sheet counts of an import (工作表, 读取 = 成功 + 拒绝 + 重复, and 跳过表头/说明行 besides)."""
    rows = [{"工作表": name or "（CSV）", **{SHEET_COUNT_LABELS[k]: c.get(k, 0) for k in SHEET_COUNT_LABELS}}
            for name, c in result.sheets.items()]
    return pd.DataFrame(rows, columns=["工作表", *SHEET_COUNT_LABELS.values()])


HISTORY_LABELS = {"import_id": "导入编号", "file_name": "文件", "source": "来源", "profile": "导入配置",
                  "started_at": "开始时间", "finished_at": "完成时间", "rows_in": "读取行数", "rows_ok": "成功",
                  "rows_updated": "其中更新", "rows_rejected": "拒绝", "rows_duplicate": "重复", "rows_skipped": "跳过表头/说明行",
                  "status": "状态", "error": "失败原因", "imported_by": "导入方式"}


def history_frame(hist: pd.DataFrame) -> pd.DataFrame:
    """The import history with Chinese labels (source, status, profile label, who)."""
    names = {p.name: p.label for p in profiles.load_all().values()}
    view = hist.assign(source=hist["source"].map(mapping.SOURCE_LABELS).fillna(hist["source"]),
                       status=hist["status"].map({"ok": "成功", "running": "进行中", "failed": "失败（未写入）"}).fillna(hist["status"]),
                       imported_by=hist["imported_by"].map({"cli": "命令行"}).fillna(hist["imported_by"]))
    if "error" in view:
        view["error"] = view["error"].fillna("")
    if "profile" in view:
        view["profile"] = view["profile"].map(lambda n: names.get(n, n) if isinstance(n, str) else "")
    cols = [c for c in HISTORY_LABELS if c in view.columns]
    return view[cols].rename(columns=HISTORY_LABELS)


# ---------------------------------------------------------------------------------------------- saving

def profile_dir() -> Path:
    """Where confirmed mappings are saved (``cx.ingest.profiles.saved_dir()``: ``$CX_PROFILE_DIR`` or
    ``data/import_profiles/saved``); profiles are loaded and detected from there as well as the shipped ones."""
    return profiles.saved_dir()


def check_profile_name(name: str, overwrite: bool = False) -> str | None:
    """Chinese error for a name that cannot be used (format, a shipped profile, an existing one without
    ``overwrite``), else None."""
    name = (name or "").strip()
    if not name:
        return "请填写配置名称（小写字母、数字和下划线，例如 my_wjx）"
    if not profiles.NAME_RE.match(name):
        return f"配置名称“{name}”只能包含小写字母、数字和下划线（例如 my_wjx）"
    existing = profiles.load_all().get(name)
    if existing is None:
        return None
    if not existing.signature:
        return f"“{name}”是内置导入配置（{existing.label}），不能覆盖：请换一个名称"
    if not overwrite:
        return f"已有名为“{name}”的导入配置（{existing.label}）：勾选「覆盖同名配置」或换一个名称"
    return None


def save_profile(p: Plan, name: str, label: str, overwrite: bool = False) -> Path:
    """Save the confirmed mapping of ``p`` as a profile remembered by its header signature.
    Raises profiles.ProfileError (Chinese) for an unusable name or content; nothing is written then."""
    err = check_profile_name(name, overwrite)
    if err:
        raise profiles.ProfileError(err)
    if p.problems or p.columns is None:
        raise profiles.ProfileError("映射还有问题，解决后才能保存为导入配置")
    return profiles.save(name.strip(), (label or "").strip() or name.strip(), p.source, p.raw_headers,
                         p.profile_doc(), directory=profile_dir())
