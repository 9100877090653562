"""One import = read → map → validate → write, all-or-nothing.

The write phase is a single transaction: a failure anywhere in it leaves the store exactly as before.
Counts always satisfy rows_in = rows_ok + rows_rejected + rows_duplicate.
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from cx import db, rollup
from cx.ingest import mapping, readers, validate
from cx.text import Analyzer
from cx.text import config as text_config
from cx.text import store as text_store

Progress = Callable[[float, str], None]

FEEDBACK_COLUMNS = ["feedback_id", "source", "channel", "store_id", "created_at", "customer_key", "segment",
                    "nps", "csat", "ces", "rating", "text"]
KANO_COLUMNS = ["answer_id", "respondent", "feature", "functional", "dysfunctional", "created_at", "store_id"]


class ImportFailed(Exception):
    """The file could not be imported; nothing was written. The message is one Chinese sentence."""


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
    new_stores: list[str] = field(default_factory=list)
    tickets: int = 0

    def summary(self) -> str:
        if self.status == "same_file":
            return f"文件“{self.file_name}”此前已成功导入，本次未做任何更改（{self.rows_in} 行）。"
        s = (f"读取 {self.rows_in} 行 = 成功 {self.rows_ok} + 拒绝 {self.rows_rejected} + 重复 {self.rows_duplicate}"
             f"（{mapping.SOURCE_LABELS.get(self.source, self.source)}，{self.fmt}）")
        if self.new_stores:
            s += f"；新建门店 {len(self.new_stores)} 家"
        if self.tickets:
            s += f"；触发预警工单 {self.tickets} 张"
        return s


def import_file(con: duckdb.DuckDBPyConnection, path: str | Path, source: str, **kw) -> ImportResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ImportFailed(f"无法读取文件“{p}”：{e.strerror or e}") from None
    return import_bytes(con, data, p.name, source, **kw)


def import_bytes(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, source: str, *,
                 unknown_store: str = "reject", progress: Progress | None = None, now: datetime | None = None,
                 imported_by: str | None = None, analyzer: Analyzer | None = None) -> ImportResult:
    """Import one uploaded file. Raises ImportFailed (nothing written) when the file as a whole is unusable."""
    step = progress or (lambda f, m: None)
    if source not in mapping.SOURCES:
        raise ImportFailed(f"未知的数据来源“{source}”，可选：{'、'.join(mapping.SOURCES)}")
    sha = hashlib.sha256(data).hexdigest()
    step(0.02, "读取文件…")
    try:
        frame, fmt = readers.read_table(data, file_name)
        cols = mapping.resolve(list(frame.columns), source)
    except (readers.ReadError, mapping.MappingError) as e:
        raise ImportFailed(str(e)) from None
    if frame.empty:
        raise ImportFailed("文件只有表头，没有数据行")

    with con.cursor() as cur:
        same = cur.execute(db.sql("ingest/find_same_file"), {"sha256": sha, "source": source}).fetchone()
        if same:
            return ImportResult(same[0], file_name, source, "same_file", fmt, rows_in=len(frame),
                                rows_duplicate=len(frame))
        known = {r[0] for r in cur.execute(db.sql("ingest/store_ids")).fetchall()}

    checked = validate.validate(
        frame, cols, source, known, unknown_store, now,
        progress=lambda i, n: step(0.05 + 0.45 * i / n, f"校验第 {i}/{n} 行…"),
    )
    text = None
    if source != "kano" and checked.rows:
        text = _analyze_new(con, checked.rows, analyzer,
                            lambda i, n: step(0.5 + 0.35 * i / max(n, 1), f"文本分析 {i}/{n} 条…"))
    step(0.86, "写入数据库…")
    import_id = uuid.uuid4().hex[:12]
    result = ImportResult(import_id, file_name, source, "ok", fmt, rows_in=len(frame),
                          rows_rejected=len(checked.rejects), new_stores=sorted(checked.new_stores))
    with con.cursor() as cur:
        try:
            with db.transaction(cur):
                _write(cur, import_id, file_name, sha, source, imported_by, checked, result, now, text)
        except duckdb.Error as e:
            raise ImportFailed(f"写入数据库失败，已回滚，数据未改变：{str(e).splitlines()[0][:200]}") from None
    if source != "kano" and result.rows_ok:
        step(0.95, "运行预警规则…")
        result.tickets = _alerts(con, checked.rows)
    step(1.0, "完成")
    return result


def _alerts(con, rows: list[dict]) -> int:
    """Open tickets for the imported period (rules are idempotent, so re-covering old rows adds nothing)."""
    from datetime import timedelta

    from cx.loop import rules

    times = [r["created_at"] for r in rows]
    return rules.run(con, min(times), max(times) + timedelta(seconds=1), actor="导入")


def _analyze_new(con, rows: list[dict], analyzer: Analyzer | None, progress) -> tuple:
    """Text analysis for the rows the store does not hold yet (a re-import analyses nothing)."""
    ids = pd.DataFrame({"feedback_id": [r["feedback_id"] for r in rows]})
    with con.cursor() as cur:
        cur.register("staged_ids", ids)
        existing = {r[0] for r in cur.execute(db.sql("ingest/existing_ids")).fetchall()}
        cur.unregister("staged_ids")
    todo = [r for r in rows if r["feedback_id"] not in existing and r["text"]]
    own = analyzer is None
    az = analyzer or Analyzer()
    try:
        results = az.analyze([r["text"] for r in todo], progress=progress)
    finally:
        if own:
            az.close()
    return text_store.frames([r["feedback_id"] for r in todo], results)


def _write(cur: duckdb.DuckDBPyConnection, import_id: str, file_name: str, sha: str, source: str,
           imported_by: str | None, checked: validate.Validated, result: ImportResult, now: datetime | None,
           text: tuple | None) -> None:
    started = now or datetime.now()
    cur.execute(db.sql("ingest/start_import"), {
        "import_id": import_id, "file_name": file_name, "sha256": sha, "source": source,
        "started_at": started, "rows_in": result.rows_in, "imported_by": imported_by})
    if checked.new_stores:
        cur.execute(db.sql("ingest/create_stores"), {"store_ids": sorted(checked.new_stores)})
    if checked.rejects:
        staged_rejects = pd.DataFrame(checked.rejects, columns=["row_number", "raw", "reason"])
        cur.register("staged_rejects", staged_rejects)
        cur.execute(db.sql("ingest/insert_rejects"), {"import_id": import_id})
        cur.unregister("staged_rejects")
    inserted = 0
    if checked.rows:
        kano = source == "kano"
        key = "answer_id" if kano else "feedback_id"
        staged = pd.DataFrame(checked.rows, columns=KANO_COLUMNS if kano else FEEDBACK_COLUMNS)
        staged = staged.drop_duplicates(key, keep="first")
        if kano:
            cur.register("staged", staged)
            inserted = cur.execute(db.sql("ingest/insert_kano"), {"import_id": import_id}).fetchone()[0]
        else:
            per_text, mentions, hits = text if text is not None else text_store.frames([], [])
            text_config.claim(cur)
            staged = staged.merge(per_text, on="feedback_id", how="left")
            cur.register("staged", staged)
            new_ids = {r[0] for r in cur.execute(db.sql("ingest/insert_feedback"), {"import_id": import_id}).fetchall()}
            inserted = len(new_ids)
            text_store.write_children(cur, mentions[mentions["feedback_id"].isin(new_ids)],
                                      hits[hits["feedback_id"].isin(new_ids)])
            if new_ids:
                times = pd.to_datetime(staged.loc[staged["feedback_id"].isin(new_ids), "created_at"])
                rollup.refresh(cur, times.min().to_pydatetime(), times.max().to_pydatetime() + timedelta(seconds=1))
        cur.unregister("staged")
    result.rows_ok = int(inserted)
    result.rows_duplicate = result.rows_in - result.rows_ok - result.rows_rejected
    cur.execute(db.sql("ingest/finish_import"), {
        "import_id": import_id, "finished_at": datetime.now(), "rows_ok": result.rows_ok,
        "rows_rejected": result.rows_rejected, "rows_duplicate": result.rows_duplicate})
    db.bump_data_version(cur)


def history(con: duckdb.DuckDBPyConnection, limit: int = 100) -> pd.DataFrame:
    return db.df(con, "ingest/history", {"limit": limit})


def rejects_of(con: duckdb.DuckDBPyConnection, import_id: str) -> pd.DataFrame:
    return db.df(con, "ingest/rejects_of", {"import_id": import_id})
