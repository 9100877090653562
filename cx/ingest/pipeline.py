"""One import = read → locate → map → decide columns → validate → write, all-or-nothing.

:func:`plan` does everything up to validation and is what the mapping step shows (detected profile, header
row, each column's field, scales, date order, sheets, assumptions in words, a preview of stored values);
:func:`import_bytes` runs the same plan on the whole file and writes it. Page, CLI and API call these.

The write phase is a single transaction: a failure anywhere in it leaves the store exactly as before.
Counts always satisfy ``rows_in = rows_ok + rows_rejected + rows_duplicate`` over the data rows, where rows_ok
counts new and updated records (``rows_updated`` of them updates); header/description lines recognised under
the header (Qualtrics rows 2–3, repeated header lines) are not data rows: they are counted in ``rows_skipped``.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from cx import db, incidents, rollup, settings
from cx.ingest import dates, layout, mapping, profiles, readers, validate
from cx.text import Analyzer
from cx.text import config as text_config
from cx.text import store as text_store

Progress = Callable[[float, str], None]

FEEDBACK_COLUMNS = ["feedback_id", "source", "channel", "store_id", "created_at", "customer_key", "segment",
                    "nps", "csat", "ces", "rating", "text", "csat_raw", "ces_raw", "rating_raw"]
KANO_COLUMNS = ["answer_id", "respondent", "feature", "functional", "dysfunctional", "created_at", "store_id"]
PREVIEW_ROWS = 200
ANALYSIS_MAX = validate.MAX_TEXT


class ImportFailed(Exception):
    """The file could not be imported; nothing was written. The message is one Chinese sentence."""


@dataclass
class ImportOptions:
    """What the user (mapping step, CLI flags, API) decided; None = take the profile's or infer."""
    profile: str | None = None
    columns: dict[str, str | None] = field(default_factory=dict)     # field → header (None/"" = not used)
    sheets: list[str] | None = None
    date_order: str | None = None
    timezone: str | None = None
    scores: dict[str, dict] = field(default_factory=dict)             # field → {scale, direction, labels}
    questionnaire: str | None = None
    header_rows: int | None = None
    ids: str | None = None

    @classmethod
    def of(cls, value: "ImportOptions | dict | None") -> "ImportOptions":
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        return cls(**value)


@dataclass
class Plan:
    """Everything the mapping step shows, and what an import will do."""
    file_name: str
    source: str
    fmt: str
    profile: profiles.Profile
    options: ImportOptions
    sheet_names: list[str]
    tables: list[layout.Table]
    skipped_sheets: list[str]
    resolution: mapping.Resolution
    headers: list[str]
    raw_headers: list[str]
    columns: validate.Columns | None
    assumptions: list[str]
    problems: list[str]
    preview: pd.DataFrame | None = None
    preview_rejects: list[tuple[int, str]] = field(default_factory=list)
    partial: bool = False
    decided: tuple | None = None         # (Columns, DateColumn) over every row read: reused by the import
    delimiter: str = ","                 # of a CSV (";" files write decimal commas: "4,5")

    @property
    def mapping(self) -> dict[str, str]:
        return dict(self.resolution.columns)

    def key(self) -> str:
        """Identity of the mapping (with the file's SHA-256 it decides "already imported")."""
        doc = {"profile": self.profile.name, "columns": self.mapping, "sheets": [t.sheet for t in self.tables],
               "date_order": self.columns.date_order if self.columns else None, "tz": self.options.timezone or self.profile.timezone,
               "scores": {f: c.scale for f, c in (self.columns.scores.items() if self.columns else [])},
               "questionnaire": self.options.questionnaire, "header_rows": [t.header_rows for t in self.tables]}
        return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def profile_doc(self) -> dict:
        """The confirmed mapping in the profile format (for :func:`profiles.save`)."""
        doc: dict = {"columns": {h: f for f, h in self.mapping.items()},
                     "header_rows": self.tables[0].header_rows if self.tables else 1}
        if self.columns:
            doc["dates"] = {"order": self.columns.date_order}
            tz = self.options.timezone or self.profile.timezone
            if tz:
                doc["dates"]["timezone"] = tz
            doc["scores"] = {f: {"scale": c.scale} for f, c in self.columns.scores.items()
                             if c.scale and c.scale in _SAVABLE_SCALES}
            for f, c in self.columns.scores.items():
                if c.labels and c.label_scale:
                    doc["scores"].setdefault(f, {})["labels"] = c.label_scale
            doc["ids"] = {"counter": "counter", "global": "global"}.get(self.columns.id_kind, "auto")
        return doc


_SAVABLE_SCALES = set(validate.values.SCALE_LABELS)


@dataclass
class ImportResult:
    import_id: str | None
    file_name: str
    source: str
    status: str                 # ok | same_file
    fmt: str = ""
    rows_in: int = 0
    rows_ok: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_skipped: int = 0
    rows_updated: int = 0
    new_stores: list[str] = field(default_factory=list)
    tickets: int = 0
    profile: str = ""
    sheets: dict[str, dict[str, int]] = field(default_factory=dict)   # sheet → {read, ok, rejected, duplicate, skipped}
    assumptions: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reject_lines: list[tuple[str, str]] = field(default_factory=list)   # first rejects: (「第 5 行」, reason)

    @property
    def rows_new(self) -> int:
        return self.rows_ok - self.rows_updated

    def summary(self) -> str:
        """One Chinese paragraph: counts (adding up), per-sheet counts, assumptions, conflicts."""
        if self.status == "same_file":
            return f"文件“{self.file_name}”已按相同映射成功导入过，本次未做任何更改（{self.rows_in} 行）。"
        s = (f"读取 {self.rows_in} 行 = 成功 {self.rows_ok} + 拒绝 {self.rows_rejected} + 重复 {self.rows_duplicate}"
             f"（成功中新增 {self.rows_new}、更新 {self.rows_updated}；"
             f"{mapping.SOURCE_LABELS.get(self.source, self.source)}，{self.fmt}）")
        if self.rows_skipped:
            s += f"；另跳过表头/说明行 {self.rows_skipped} 行（不计入读取行数）"
        if len(self.sheets) > 1:
            s += "；各工作表：" + "，".join(
                f"“{n}” 读取 {c['read']} 成功 {c['ok']}" + (f" 拒绝 {c['rejected']}" if c["rejected"] else "")
                + (f" 重复 {c['duplicate']}" if c["duplicate"] else "") for n, c in self.sheets.items())
        if self.new_stores:
            s += f"；新建门店 {len(self.new_stores)} 家"
        if self.tickets:
            s += f"；触发预警工单 {self.tickets} 张"
        return s

    def details(self) -> list[str]:
        """Assumptions, conflicts and notes as separate lines (shown under the summary and by the CLI)."""
        return ([f"假设：{a}" for a in self.assumptions] + [f"冲突：{c}" for c in self.conflicts]
                + [f"说明：{n}" for n in self.notes])


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, source: str, **kw) -> ImportResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ImportFailed(f"无法读取文件“{p}”：{e.strerror or e}") from None
    return import_bytes(con, data, p.name, source, **kw)


def plan(data: bytes, file_name: str, source: str, options: ImportOptions | dict | None = None, *,
         preview_rows: int | None = PREVIEW_ROWS, known_stores: set[str] | None = None,
         now: datetime | None = None) -> Plan:
    """Read what the mapping step needs and propose the mapping. ``preview_rows``: rows read per sheet
    (None = the whole file, as the import does). Raises ImportFailed only when the file cannot be read at
    all; mapping problems are in ``Plan.problems`` (Chinese)."""
    opt = ImportOptions.of(options)
    if source not in mapping.SOURCES:
        raise ImportFailed(f"未知的数据来源“{source}”，可选：{'、'.join(mapping.SOURCES)}")
    try:
        book = readers.read_book(data, file_name, max_rows=preview_rows + 40 if preview_rows else None)
        profiles.load_all()          # an invalid profile file stops here with its Chinese message
    except (readers.ReadError, profiles.ProfileError) as e:
        raise ImportFailed(str(e)) from None
    known_words = set(mapping._alias_index())
    sheet_names = [s.name for s in book.sheets]
    if opt.sheets is not None:
        missing = [s for s in opt.sheets if s not in sheet_names]
        if missing:
            raise ImportFailed(f"工作簿中没有工作表：{'、'.join(missing)}（可选：{'、'.join(sheet_names)}）")
    chosen = [s for s in book.sheets if opt.sheets is None or s.name in opt.sheets]
    # Locate each sheet's table once to detect the profile, then again with its header rows.
    located: list[layout.Table] = []
    skipped_sheets: list[str] = []
    try:
        for s in chosen:
            if not any(any(c.strip() for c in r) for r in s.rows):
                skipped_sheets.append(f"工作表“{s.name}”为空，未读取")
                continue
            # detection needs only the head of the sheet; the full sheet is located once below
            located.append(layout.locate(s.name, s.rows[:layout.SCAN_ROWS + 10], None, known_words))
    except readers.ReadError as e:
        raise ImportFailed(str(e)) from None
    if not located:
        raise ImportFailed("文件为空" if not book.sheets or book.sheets[0].name == "" else "工作簿中没有数据")
    if opt.profile:
        try:
            prof = profiles.get(opt.profile)
        except profiles.ProfileError as e:
            raise ImportFailed(str(e)) from None
        if prof.source and prof.source != source:
            raise ImportFailed(f"导入配置“{prof.label}”用于{mapping.SOURCE_LABELS[prof.source]}，不能导入为{mapping.SOURCE_LABELS[source]}")
    else:
        prof = profiles.detect(located[0].raw_headers, source)
    hr = opt.header_rows or (prof.header_rows if prof.name != "generic" else None)
    tables: list[layout.Table] = []
    res = None
    try:
        for s, t0 in zip([s for s in chosen if any(any(c.strip() for c in r) for r in s.rows)], located):
            t = layout.locate(s.name, s.rows, hr, known_words, s.total_rows, s.truncated)
            r = mapping.propose(t.headers, source, prof, opt.columns, t.raw_headers)
            if res is None:
                res, first = r, t
            elif [profiles.norm_header(h) for h in t.raw_headers] != [profiles.norm_header(h) for h in first.raw_headers]:
                if opt.sheets is not None:
                    raise ImportFailed(f"工作表“{t.sheet}”的表头与“{first.sheet}”不同，不能按同一映射导入：请分开导入")
                skipped_sheets.append(f"工作表“{t.sheet}”的表头与“{first.sheet}”不同，未读取（如需导入请单独选择该工作表）")
                continue
            tables.append(t)
    except readers.ReadError as e:
        raise ImportFailed(str(e)) from None
    assumptions: list[str] = [f"按导入配置“{prof.label}”读取" + ("（按表头自动识别）" if not opt.profile and prof.name != "generic" else "")]
    for t in tables:
        assumptions.extend((f"工作表“{t.sheet}”：" if t.sheet and len(tables) > 1 else "") + n for n in t.notes)
        if t.skipped:
            kinds = sorted({w for _, w in t.skipped})
            assumptions.append((f"工作表“{t.sheet}”：" if t.sheet and len(tables) > 1 else "")
                               + f"跳过 {len(t.skipped)} 行表头/说明行（{'、'.join(kinds)}；第 {'、'.join(str(n) for n, _ in t.skipped[:5])} 行）")
    if len(book.sheets) > 1:
        assumptions.append(f"读取工作表：{'、'.join(t.sheet for t in tables)}" + (f"（共 {len(book.sheets)} 个）" if len(tables) < len(book.sheets) else "（全部）"))
    assumptions.extend(skipped_sheets)
    assumptions.extend(res.notes)
    if res.ignored:
        assumptions.append(f"未使用的列（配置中标为忽略）：{'、'.join(res.ignored[:8])}" + ("…" if len(res.ignored) > 8 else ""))
    unused = [h for h in first.headers if h not in res.columns.values() and h not in res.ignored
              and any(r[first.headers.index(h)].strip() for r in first.rows[:200])]
    if unused:
        assumptions.append(f"未导入的列（没有对应的字段，内容不会保存）：{'、'.join(unused[:8])}" + ("…" if len(unused) > 8 else ""))
    p = Plan(file_name, source, book.fmt, prof, opt, sheet_names, tables, skipped_sheets, res, first.headers,
             first.raw_headers, None, assumptions, list(res.problems), partial=any(t.truncated for t in tables),
             delimiter=book.delimiter)
    if p.problems:
        return p
    try:
        cols, hdrs, raw_rows, numbers, sheets = _columns_of(p)
        vopt = _voptions(p)
        columns, dcol = validate.decide_columns(cols, hdrs, source, vopt, lambda i: validate.where(sheets[i], numbers[i]))
    except (validate.ColumnError, dates.DateColumnError) as e:
        p.problems.append(str(e))
        return p
    p.columns = columns
    p.decided = (columns, dcol)
    p.assumptions.extend(columns.assumptions)
    if preview_rows:
        known = known_stores if known_stores is not None else set()
        v = validate.validate({f: c[:preview_rows] for f, c in cols.items()}, hdrs, raw_rows[:preview_rows],
                              p.raw_headers, numbers[:preview_rows], sheets[:preview_rows], source,
                              known or {r for r in (c for c in cols.get("store_id", []))}, "create", vopt, now)
        keep = KANO_COLUMNS if source == "kano" else FEEDBACK_COLUMNS[1:12]
        multi = len(p.tables) > 1
        p.preview = pd.DataFrame([{**({"工作表": r["_sheet"]} if multi else {}), "行号": r["_row"], **{k: r.get(k) for k in keep}}
                                  for r in v.rows[:50]])
        p.preview_rejects = [(f"工作表“{sh}” 第 {n}" if multi and sh else str(n), reason) for n, _, reason, sh in v.rejects[:20]]
    return p


def _voptions(p: Plan) -> validate.Options:
    prof, opt = p.profile, p.options
    scores = {f: dict(v) for f, v in prof.scores.items()}
    for f, v in opt.scores.items():
        scores[f] = {**scores.get(f, {}), **{k: x for k, x in v.items() if x not in (None, "")}}
    by = ("按映射步骤/命令行 --date-order 的选择" if opt.date_order
          else f"按导入配置“{prof.label}”的 dates.order" if prof.date_order != "auto" else "指定的日期顺序")
    return validate.Options(
        date_order=opt.date_order or prof.date_order, date_order_by=by, timezone=opt.timezone or prof.timezone, scores=scores,
        ids=opt.ids or prof.ids, questionnaire=(opt.questionnaire or "").strip() or None,
        anonymous_ids=prof.anonymous_ids, decimal_comma=p.delimiter == ";")


def _columns_of(p: Plan) -> tuple[dict[str, list[str]], dict[str, str], list[list[str]], list[int], list[str]]:
    """Field → cells over every chosen sheet (same header), with raw rows, row numbers and sheet names."""
    cols: dict[str, list[str]] = {f: [] for f in p.mapping}
    raw_rows: list[list[str]] = []
    numbers: list[int] = []
    sheets: list[str] = []
    for t in p.tables:
        idx = {f: t.headers.index(h) for f, h in p.mapping.items()}
        for f, j in idx.items():
            cols[f].extend(r[j] for r in t.rows)
        raw_rows.extend(t.rows)
        numbers.extend(t.row_numbers)
        sheets.extend([t.sheet] * len(t.rows))
    return cols, dict(p.mapping), raw_rows, numbers, sheets


def import_bytes(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, source: str, *,
                 options: ImportOptions | dict | None = None, profile: str | None = None,
                 date_order: str | None = None, questionnaire: str | None = None, sheets: list[str] | None = None,
                 unknown_store: str = "reject", progress: Progress | None = None, now: datetime | None = None,
                 imported_by: str | None = None, analyzer: Analyzer | None = None,
                 label: str | None = None) -> ImportResult:
    """Import one uploaded file (CSV/TXT/XLSX, every sheet or the chosen ones).

    ``label``: the name recorded in the import history instead of ``file_name`` (e.g. an API submission,
    which has no file); ``file_name`` still decides how the bytes are read.

    ``options`` (or the shortcuts ``profile``, ``date_order``, ``questionnaire``, ``sheets``): the confirmed
    mapping; omitted parts are detected exactly as :func:`plan` shows them. Raises ImportFailed (nothing
    written) when the file as a whole is unusable or its mapping is ambiguous (the message says which
    option decides it). Returns counts that add up, per-sheet counts and the assumptions made.
    """
    try:
        return _import_bytes(con, data, file_name, source, options=options, profile=profile, date_order=date_order,
                             questionnaire=questionnaire, sheets=sheets, unknown_store=unknown_store,
                             progress=progress, now=now, imported_by=imported_by, analyzer=analyzer, label=label)
    except ImportFailed as e:
        _record_failure(con, data, label or file_name, source, imported_by, now, str(e))
        raise


def _record_failure(con, data: bytes, file_name: str, source: str, imported_by: str | None,
                    now: datetime | None, reason: str) -> None:
    """A refused file leaves one row in 导入记录 (status failed, the reason in details) and nothing else.
    Best effort: a store that cannot take even this row must not hide the original error."""
    at = now or settings.now()
    try:
        with con.cursor() as cur, db.transaction(cur):
            cur.execute(db.sql("ingest/record_failed"), {
                "import_id": uuid.uuid4().hex[:12], "file_name": file_name,
                "sha256": hashlib.sha256(data).hexdigest(), "source": source, "at": at,
                "imported_by": imported_by, "details": json.dumps({"error": reason}, ensure_ascii=False)})
    except duckdb.Error:
        pass


def _import_bytes(con, data, file_name, source, *, options, profile, date_order, questionnaire, sheets,
                  unknown_store, progress, now, imported_by, analyzer, label) -> ImportResult:
    step = progress or (lambda f, m: None)
    opt = ImportOptions.of(options)
    for k, v in (("profile", profile), ("date_order", date_order), ("questionnaire", questionnaire), ("sheets", sheets)):
        if v is not None:
            setattr(opt, k, v)
    step(0.02, "读取文件…")
    p = plan(data, file_name, source, opt, preview_rows=None, now=now)
    file_name = label or file_name
    if p.resolution.problems:
        got = "、".join(h for h in p.raw_headers[:30] if h) or "（无表头）"
        what = "列不完整" if any(x.startswith(("缺少", "至少需要")) for x in p.resolution.problems) else "列映射需要确认"
        raise ImportFailed(f"{mapping.SOURCE_LABELS.get(source, source)}文件的{what}：" + "；".join(p.resolution.problems)
                           + f"。文件中的列：{got}")
    if p.problems:
        raise ImportFailed("；".join(p.problems))
    rows_in = sum(len(t.rows) for t in p.tables)
    if rows_in == 0:
        raise ImportFailed("文件只有表头，没有数据行")
    sha = hashlib.sha256(data).hexdigest()
    mkey = p.key()
    with con.cursor() as cur:
        same = cur.execute(db.sql("ingest/find_same_file"), {"sha256": sha, "source": source, "mapping_key": mkey}).fetchone()
        if same:
            return ImportResult(same[0], file_name, source, "same_file", p.fmt, rows_in=rows_in,
                                rows_duplicate=rows_in, profile=p.profile.name)
        known = {r[0] for r in cur.execute(db.sql("ingest/store_ids")).fetchall()}
    cols, hdrs, raw_rows, numbers, sheet_of = _columns_of(p)
    try:
        checked = validate.validate(
            cols, hdrs, raw_rows, p.raw_headers, numbers, sheet_of, source, known, unknown_store,
            _voptions(p), now, decided=p.decided,
            progress=lambda i, n: step(0.05 + 0.40 * i / max(n, 1), f"校验第 {i}/{n} 行…"))
    except (validate.ColumnError, dates.DateColumnError) as e:
        raise ImportFailed(str(e)) from None
    result = ImportResult(None, file_name, source, "ok", p.fmt, rows_in=rows_in,
                          rows_rejected=len(checked.rejects), new_stores=sorted(checked.new_stores),
                          profile=p.profile.name, assumptions=list(p.assumptions), conflicts=checked.conflicts,
                          reject_lines=[(validate.where(sh if len(p.tables) > 1 else "", n), why)
                                        for n, _, why, sh in checked.rejects[:20]])
    if checked.long_texts:
        result.notes.append(f"{checked.long_texts} 条文本超过 {ANALYSIS_MAX} 字：原文完整保存，文本分析只读取前 {ANALYSIS_MAX} 字")
    plan_changes = None
    if source != "kano" and checked.rows:
        plan_changes = _changes(con, checked.rows)
    text = None
    if source != "kano" and checked.rows:
        todo = [r for r in checked.rows if r["text"] and r["feedback_id"] in plan_changes["analyse"]]
        text = _analyze(todo, analyzer, lambda i, n: step(0.45 + 0.40 * i / max(n, 1), f"文本分析 {i}/{n} 条…"))
    step(0.86, "写入数据库…")
    import_id = uuid.uuid4().hex[:12]
    result.import_id = import_id
    with con.cursor() as cur:
        try:
            with db.transaction(cur):
                _write(cur, import_id, file_name, sha, mkey, source, imported_by, checked, result, now, text, p)
        except duckdb.Error as e:
            raise ImportFailed(f"写入数据库失败，已回滚，数据未改变：{str(e).splitlines()[0][:200]}") from None
    if source != "kano" and result.rows_ok:
        step(0.95, "运行预警规则…")
        result.tickets = _alerts(con, checked.rows)
    step(1.0, "完成")
    return result


def _alerts(con, rows: list[dict]) -> int:
    """Open tickets for the imported period (rules are idempotent, so re-covering old rows adds nothing)."""
    from cx.loop import rules

    times = [r["created_at"] for r in rows]
    return rules.run(con, min(times), max(times) + timedelta(seconds=1), actor="导入")


_CMP = ["source", "channel", "store_id", "created_at", "customer_key", "segment", "nps", "csat", "ces", "rating", "text"]


def _changes(con, rows: list[dict]) -> dict:
    """Which staged ids are new, changed (updates) or unchanged (duplicates) against the store."""
    staged = pd.DataFrame(rows, columns=FEEDBACK_COLUMNS)
    with con.cursor() as cur:
        cur.register("staged", _typed(staged))
        got = cur.execute(db.sql("ingest/compare_existing")).fetchall()
        cur.unregister("staged")
    state = {fid: (changed, stale) for fid, changed, stale in got}
    new = {r["feedback_id"] for r in rows} - set(state)
    updated = {f for f, (c, old) in state.items() if c and not old}
    return {"new": new, "updated": updated, "stale": {f for f, (c, old) in state.items() if c and old},
            "same": {f for f, (c, _) in state.items() if not c}, "analyse": new | updated}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for c in ("nps", "csat", "ces"):
        out[c] = pd.array(out[c], dtype="Int16")
    for c in ("rating", "csat_raw", "ces_raw", "rating_raw"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    out["created_at"] = pd.to_datetime(out["created_at"])
    return out


def _analyze(todo: list[dict], analyzer: Analyzer | None, progress) -> tuple:
    own = analyzer is None
    az = analyzer or Analyzer()
    try:
        results = az.analyze([r["text"][:ANALYSIS_MAX] for r in todo], progress=progress)
    finally:
        if own:
            az.close()
    return text_store.frames([r["feedback_id"] for r in todo], results)


def _write(cur: duckdb.DuckDBPyConnection, import_id: str, file_name: str, sha: str, mkey: str, source: str,
           imported_by: str | None, checked: validate.Validated, result: ImportResult, now: datetime | None,
           text: tuple | None, p: Plan) -> None:
    started = now or settings.now()
    cur.execute(db.sql("ingest/start_import"), {
        "import_id": import_id, "file_name": file_name, "sha256": sha, "source": source,
        "started_at": started, "rows_in": result.rows_in, "imported_by": imported_by,
        "mapping_key": mkey, "profile": p.profile.name})
    if checked.new_stores:
        cur.execute(db.sql("ingest/create_stores"), {"store_ids": sorted(checked.new_stores)})
    if checked.rejects:
        multi = len(p.tables) > 1
        staged_rejects = pd.DataFrame([(n, raw, (f"[工作表 {sh}] " if sh and multi else "") + why) for n, raw, why, sh in checked.rejects],
                                      columns=["row_number", "raw", "reason"])
        cur.register("staged_rejects", staged_rejects)
        cur.execute(db.sql("ingest/insert_rejects"), {"import_id": import_id})
        cur.unregister("staged_rejects")
    inserted = updated = 0
    ok_ids: set[str] = set()
    if checked.rows:
        kano = source == "kano"
        if kano:
            staged = pd.DataFrame(checked.rows, columns=KANO_COLUMNS)
            cur.register("staged", staged)
            ok_ids = {r[0] for r in cur.execute(db.sql("ingest/insert_kano"), {"import_id": import_id}).fetchall()}
            inserted = len(ok_ids)
        else:
            per_text, mentions, hits = text if text is not None else text_store.frames([], [])
            text_config.claim(cur)
            staged = _typed(pd.DataFrame(checked.rows, columns=FEEDBACK_COLUMNS)).merge(per_text, on="feedback_id", how="left")
            cur.register("staged", staged)
            changed = {r[0]: (r[1], r[2]) for r in cur.execute(db.sql("ingest/compare_existing")).fetchall()}
            upd_ids = [f for f, (c, stale) in changed.items() if c and not stale]
            stale_ids = {f for f, (c, stale) in changed.items() if c and stale}
            if stale_ids:
                refs = [r.get("_ref") or r["feedback_id"] for r in checked.rows if r["feedback_id"] in stale_ids]
                result.notes.append(f"{len(stale_ids)} 条记录与已存记录的旧版本相同（较旧的导出在较新的之后导入）：保留已存的较新版本，"
                                    f"未回退（{'、'.join(refs[:5])}{' 等' if len(refs) > 5 else ''}），计为重复")
            span = []
            if upd_ids:
                cur.register("staged_upd", pd.DataFrame({"feedback_id": upd_ids}))
                span = cur.execute(db.sql("ingest/span_of_updated")).fetchall()
                cur.execute(db.sql("ingest/keep_versions"), {"import_id": import_id, "replaced_at": started})
                cur.execute(db.sql("ingest/clear_children"))
                cur.execute(db.sql("ingest/update_feedback"), {"import_id": import_id})
                noted = cur.execute(db.sql("ingest/tickets_of_updated"), {"import_id": import_id, "at": started}).fetchall()
                if noted:
                    db.bump_loop_version(cur)
                cur.unregister("staged_upd")
                updated = len(upd_ids)
                refs = [r.get("_ref") or r["feedback_id"] for r in checked.rows if r["feedback_id"] in set(upd_ids)]
                result.notes.append(f"更新了 {updated} 条已存记录：{'、'.join(refs[:5])}{' 等' if len(refs) > 5 else ''}"
                                    "（内容已重新分析，旧版本保存在 feedback_versions）"
                                    + (f"；{len(noted)} 张未关闭工单已在处理记录中注明原始反馈有更新" if noted else ""))
            new_ids = {r[0] for r in cur.execute(db.sql("ingest/insert_feedback"), {"import_id": import_id}).fetchall()}
            inserted = len(new_ids)
            ok_ids = new_ids | set(upd_ids)
            text_store.write_children(cur, mentions[mentions["feedback_id"].isin(ok_ids)],
                                      hits[hits["feedback_id"].isin(ok_ids)])
            if ok_ids:
                # the months/days touched: new and updated rows, and where updated rows were before
                times = pd.to_datetime(pd.concat([staged.loc[staged["feedback_id"].isin(ok_ids), "created_at"],
                                                  pd.Series([t for row in span for t in row if t is not None])]))
                lo, hi = times.min().to_pydatetime(), times.max().to_pydatetime() + timedelta(seconds=1)
                rollup.refresh(cur, lo, hi)
                incidents.refresh(cur, lo, hi)     # volume spikes re-tested from the first changed day
        cur.unregister("staged")
    result.rows_ok = int(inserted + updated)
    result.rows_updated = int(updated)
    result.rows_skipped = sum(len(t.skipped) for t in p.tables)
    result.rows_duplicate = result.rows_in - result.rows_ok - result.rows_rejected
    per: dict[str, dict[str, int]] = {}
    for t in p.tables:
        per[t.sheet] = {"read": len(t.rows), "ok": 0, "rejected": 0, "duplicate": 0, "skipped": len(t.skipped)}
    for r in checked.rows:
        key = r["answer_id" if source == "kano" else "feedback_id"]
        if key in ok_ids:
            per[r["_sheet"]]["ok"] += 1
    for _, _, _, sh in checked.rejects:
        per[sh]["rejected"] += 1
    for c in per.values():
        c["duplicate"] = c["read"] - c["ok"] - c["rejected"]
    result.sheets = per
    details = {"sheets": per, "assumptions": result.assumptions, "conflicts": result.conflicts, "notes": result.notes,
               "scales": {f: c.scale for f, c in checked.columns.scores.items()}, "id_kind": checked.columns.id_kind}
    cur.execute(db.sql("ingest/finish_import"), {
        "import_id": import_id, "finished_at": settings.now(), "rows_ok": result.rows_ok,
        "rows_rejected": result.rows_rejected, "rows_duplicate": result.rows_duplicate,
        "rows_updated": result.rows_updated, "rows_skipped": result.rows_skipped,
        "details": json.dumps(details, ensure_ascii=False)})
    db.bump_data_version(cur)


def history(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    return db.df(con, "ingest/history", {"limit": limit})


def rejects_of(con: duckdb.DuckDBPyConnection, import_id: str) -> pd.DataFrame:
    return db.df(con, "ingest/rejects_of", {"import_id": import_id})


def rejects_table(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected rows as a table to fix and import again: 行号, 原因, then the file's own columns (from the
    stored raw JSON; personal numbers stay masked and customer keys hashed — re-enter those from the source)."""
    raw = [json.loads(x) if isinstance(x, str) and x.startswith("{") else {} for x in rejects.get("raw", [])]
    cols = list(dict.fromkeys(k for r in raw for k in r))
    body = pd.DataFrame([{k: r.get(k, "") for k in cols} for r in raw], columns=cols)
    head = pd.DataFrame({"行号": rejects.get("row_number", pd.Series(dtype=int)).to_numpy(),
                         "原因": rejects.get("reason", pd.Series(dtype=str)).to_numpy()})
    return pd.concat([head.reset_index(drop=True), body.reset_index(drop=True)], axis=1)


def import_details(con: duckdb.DuckDBPyConnection, import_id: str) -> dict:
    """The stored details of an import (per-sheet counts, assumptions, conflicts), {} if none."""
    with con.cursor() as cur:
        row = cur.execute(db.sql("ingest/details_of"), {"import_id": import_id}).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


__all__ = ["ImportFailed", "ImportOptions", "ImportResult", "Plan", "history", "import_bytes", "import_file",
           "import_details", "plan", "rejects_of", "rejects_table", "asdict"]
