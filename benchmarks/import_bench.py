"""Import throughput of real-export-shaped files vs plain pandas / openpyxl reading the same files, same run.

    .venv/bin/python benchmarks/import_bench.py                     # the issue's sizes (≈ 10 min on 2 busy cores)
    .venv/bin/python benchmarks/import_bench.py --csv-rows 20000 --xlsx-rows 5000 --preview-mb 5   # quick look
    .venv/bin/python benchmarks/import_bench.py --keep /tmp/bench   # keep the generated files and the store

Files (generated deterministically from ``--seed``; every text unique, composed from data/demo/phrases.yaml):
- a 问卷星 "按选项文本" survey export as CSV (UTF-8 with BOM): 序号, 提交答卷时间 ``2026/9/3 12:00:05``,
  所用时间 ``125秒``, 来源, 来源详情, 来自IP, then one column per question — store code, NPS as option text
  (``0 - 完全不可能推荐`` … ``10 - 极有可能推荐``), 满意度 labels (非常满意…非常不满意), 费力度 labels
  (非常省力…非常费力), a multiple-choice column (``酸菜鱼┋回锅肉``), the open question (``(空)`` when
  unanswered, as 问卷星 writes it) and an optional phone number; imported with profile ``wjx_text``;
- a 大众点评/美团 merchant review export as XLSX with one sheet per month, written like Excel writes files
  (shared-string table, date cells): 评价ID, 门店ID, 门店名称, 用户昵称, 评价时间, 总体评分 on the ×10 scale
  (50/45/…/10, 0 = no star), 口味/环境/服务, 人均, 评价内容 (some 「此用户没有填写评价。」), 图片, 商家回复,
  回复时间, 平台; imported with profile ``dianping_meituan``.

Each file is imported once into a fresh temporary DuckDB store (its stores S0001… created first) through
``cx.ingest.import_bytes`` — the same call the page, CLI and API make — and its phases are timed from the
import's own progress messages (read + map + validate | compare + text analysis | write | alert rules).
``cx.ingest.plan(preview_rows=None)`` (read + locate + map + column decisions, no row validation) is timed on
its own. Baselines in the same run: ``pandas.read_csv(path)`` of the CSV, and openpyxl ``read_only=True``
iteration of every sheet of the XLSX (``values_only=True``), median of ``--repeats`` runs.

Preview: ``plan(data, preview_rows=200)`` — what the mapping step calls — on a CSV of ``--preview-mb`` MB
(the survey CSV itself when it is that large, else a longer one) and on the XLSX, median of ``--repeats`` runs.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 11, 15, 9, 0, 0)        # the imports' "now" (all generated dates lie before it)
START = datetime(2026, 8, 1)
STORES = 500
TOUCHPOINTS_DINE_IN = ["queue", "decor", "noise", "space", "hygiene", "menu", "price", "value", "promotion", "taste",
                       "portion", "presentation", "serving_speed", "staff_attitude", "payment", "booking", "location",
                       "parking", "food_safety", "membership"]
TOUCHPOINTS_DELIVERY = ["delivery", "packaging", "taste", "portion", "price", "complaint_handling", "food_safety"]

SURVEY_HEADER = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
                 "1、您本次就餐的门店编号是？", "2、您有多大可能向朋友或同事推荐本店？", "3、您对本次就餐的整体满意度",
                 "4、本次从点餐到结账，您觉得费力吗？", "5、您本次点了哪些菜品？（多选）", "6、您对本店还有什么意见或建议？",
                 "7、您的手机号（选填，用于回访）", "总分"]
REVIEW_HEADER = ["评价ID", "门店ID", "门店名称", "用户昵称", "评价时间", "总体评分", "口味", "环境", "服务", "人均", "评价内容",
                 "图片", "商家回复", "回复时间", "平台"]
SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"]          # 1..5
EFFORT = ["非常省力", "比较省力", "一般", "比较费力", "非常费力"]              # 1..5, 5 = most effort
NICK_A = ["吃货", "爱吃的", "小", "老", "胖胖", "饭团", "甜甜", "阿", "大白", "喵喵", "北京", "上海", "成都", "杭州"]
NICK_B = ["小王", "小李", "阿杰", "Momo", "Lily", "大胃王", "张三丰", "糖糖", "土豆", "豆豆", "Kevin", "橙子", "牛牛"]
REPLIES = ["感谢您的光临和认可，期待您再次光临！", "非常抱歉给您带来不好的体验，我们已经和门店沟通改进，欢迎您再给我们一次机会。",
           "感谢反馈！您提到的问题店长已经在跟进处理。", "亲，感谢您的好评，小店会继续努力的～",
           "抱歉让您久等了，周末高峰我们会增加人手。", "谢谢您的建议，我们会认真考虑。"]
IP_CITIES = ["上海-上海", "江苏-南京", "浙江-杭州", "广东-广州", "广东-深圳", "四川-成都", "北京-北京", "湖北-武汉", "湖南-长沙"]


# ------------------------------------------------------------------------------------------------ generation


class Texts:
    """Unique feedback texts from the demo phrase banks (cx.demo_text.Composer); polarity follows the score."""

    def __init__(self, rnd: random.Random):
        from cx.demo_text import Composer

        self.r = rnd
        self.c = Composer(rnd, "味道工坊")
        self.seen: set[str] = set()
        self.dishes = self.c.slots["dish"]

    def _pols(self, mood: float, k: int) -> list[int]:
        """mood in [0, 1]: 1 = delighted; the share of positive clauses follows it."""
        return [1 if self.r.random() < mood else -1 for _ in range(k)]

    def make(self, kind: str, mood: float, delivery: bool = False) -> str:
        r = self.r
        for attempt in range(20):
            tps = TOUCHPOINTS_DELIVERY if delivery else TOUCHPOINTS_DINE_IN
            k = r.choices([1, 2, 3, 4], [3, 4, 2, 1])[0] if kind == "review" else r.choices([1, 2, 3], [5, 3, 1])[0]
            chosen = r.sample(tps, k)
            pols = self._pols(mood, k)
            t = self.c.review(chosen, pols, delivery) if kind == "review" else self.c.survey(chosen, pols)
            if attempt >= 3:                       # rare: the short texts ran out of combinations
                t = f"点了{r.choice(self.dishes)}，" + t
            if r.random() < 0.05:
                t = self.c.add_emoji(t, pols[0] > 0)
            if t not in self.seen:
                self.seen.add(t)
                return t
        t = f"{t}（第{len(self.seen)}次来）"          # guaranteed unique fallback
        self.seen.add(t)
        return t


def _store(r: random.Random) -> str:
    # a few large stores get more feedback (Zipf-like), as real chains do
    return f"S{min(int(r.paretovariate(1.1)), STORES):04d}" if r.random() < 0.3 else f"S{r.randint(1, STORES):04d}"


def _phone(r: random.Random) -> str:
    return r.choice(["13", "15", "17", "18", "19"]) + "".join(r.choice("0123456789") for _ in range(9))


def survey_rows(seed: int):
    """Endless 问卷星 按选项文本 rows (lists of str), row i numbered i (序号)."""
    r = random.Random(seed)
    texts = Texts(r)
    span = (NOW - START).total_seconds() - 86400
    i = 0
    while True:
        i += 1
        when = START + timedelta(seconds=int(r.random() * span))
        nps = r.choices(range(11), [3, 1, 1, 2, 2, 4, 6, 10, 18, 22, 31])[0]
        mood = nps / 10
        csat = max(1, min(5, round(1 + 4 * mood + r.gauss(0, 0.7))))
        effort = max(1, min(5, round(5 - 4 * mood + r.gauss(0, 0.9))))
        nps_cell = {0: "0 - 完全不可能推荐", 10: "10 - 极有可能推荐"}.get(nps, str(nps))
        has_text = r.random() < 0.7
        text = texts.make("survey", mood) if has_text else "(空)"
        dishes = "┋".join(r.sample(texts.dishes, r.randint(1, 4)))
        src = r.choice(["微信", "微信", "手机提交", "链接"])
        ip = f"{r.randint(36, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}({r.choice(IP_CITIES)})"
        yield [str(i), f"{when.year}/{when.month}/{when.day} {when:%H:%M:%S}", f"{r.randint(25, 600)}秒", src,
               "N/A" if src != "链接" else "直接访问", ip, _store(r), nps_cell, SATISFACTION[csat - 1],
               EFFORT[effort - 1], dishes, text, _phone(r) if r.random() < 0.25 else "(空)", "0"]


def write_survey_csv(path: Path, rows: int | None = None, min_bytes: int | None = None, seed: int = 20) -> int:
    """Write a 问卷星 CSV (UTF-8 with BOM, CRLF like the tool) of ``rows`` rows, or at least ``min_bytes``."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(SURVEY_HEADER)
        for row in survey_rows(seed):
            if rows is not None and n >= rows:
                break
            if min_bytes is not None and n % 1000 == 0 and f.tell() >= min_bytes:
                break
            w.writerow(row)
            n += 1
    return n


def review_rows(seed: int, n: int, months: list[tuple[int, int]]):
    """(sheet name, rows) per month; rows hold Python values as a back-office export writes them."""
    r = random.Random(seed + 1)
    texts = Texts(r)
    per = [n // len(months) + (1 if k < n % len(months) else 0) for k in range(len(months))]
    rid = 1_180_000_000
    for (y, m), count in zip(months, per):
        first = datetime(y, m, 1)
        nxt = datetime(y + (m == 12), m % 12 + 1, 1)
        span = (nxt - first).total_seconds() - 1
        rows = []
        for _ in range(count):
            rid += r.randint(1, 40)
            when = first + timedelta(seconds=int(r.random() * span))
            stars = r.choices([50, 45, 40, 35, 30, 20, 10, 0], [38, 12, 16, 5, 9, 6, 11, 3])[0]
            mood = (stars / 50) if stars else 0.5
            delivery = r.random() < 0.25
            if r.random() < 0.04:
                text = "此用户没有填写评价。"
            else:
                text = texts.make("review", mood, delivery)
            sub = [max(1, min(5, round((stars or 30) / 10 + r.gauss(0, 0.6)))) for _ in range(3)]
            reply = r.choice(REPLIES) if r.random() < 0.4 else None
            rows.append([rid, _store(r), None, r.choice(NICK_A) + r.choice(NICK_B) + str(r.randint(1, 999)), when,
                         stars, *sub, r.choice([45, 58, 66, 75, 88, 98, 120, 135]), text, r.choice([0, 0, 0, 1, 3, 6, 9]),
                         reply, (when + timedelta(hours=r.randint(2, 60))) if reply else None,
                         "美团" if delivery or r.random() < 0.3 else "大众点评"])
            rows[-1][2] = f"味道工坊（{rows[-1][1]}店）"
        yield f"{y}年{m}月", rows


def write_review_xlsx(path: Path, rows: int, sheets: int = 3, seed: int = 20) -> int:
    """Write a 大众点评/美团 review export workbook with one sheet per month (shared strings, date cells,
    like Excel and the platforms' back offices write them)."""
    import xlsxwriter

    months = [(2026, 8 + k) if 8 + k <= 12 else (2027, 8 + k - 12) for k in range(sheets)]
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_urls": False})
    wb.set_properties({"created": datetime(2026, 11, 1)})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    bold = wb.add_format({"bold": True})
    n = 0
    for name, data in review_rows(seed, rows, months):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, REVIEW_HEADER, bold)
        for i, row in enumerate(data, start=1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, datetime):
                    ws.write_datetime(i, j, v, date_fmt)
                elif isinstance(v, str):
                    ws.write_string(i, j, v)
                else:
                    ws.write_number(i, j, v)
            n += 1
    wb.close()
    return n


# ------------------------------------------------------------------------------------------------ measuring


@dataclass
class Phases:
    """Timestamps of an import's progress messages → phase durations (seconds)."""
    t0: float = 0.0
    marks: list[tuple[float, str]] = field(default_factory=list)

    def __call__(self, frac: float, msg: str) -> None:
        self.marks.append((time.perf_counter(), msg))

    def first(self, prefix: str) -> float | None:
        return next((t for t, m in self.marks if m.startswith(prefix)), None)

    def last(self, prefix: str) -> float | None:
        return next((t for t, m in reversed(self.marks) if m.startswith(prefix)), None)

    def split(self, end: float) -> dict[str, float | None]:
        """read+map+validate | compare+analysis | write | alert rules; None where a message is missing."""
        v_end = self.last("校验")
        w0, a0 = self.first("写入"), self.first("运行预警")
        out: dict[str, float | None] = {"read + map + validate": (v_end - self.t0) if v_end else None,
                                        "compare + text analysis": (w0 - v_end) if v_end and w0 else None,
                                        "write (one transaction, roll-ups)": (a0 or end) - w0 if w0 else None,
                                        "alert rules": (end - a0) if a0 else None}
        return out


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, res = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), res


def baseline_pandas(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path))


def baseline_openpyxl(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = 0
    try:
        for ws in wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                n += 1
    finally:
        wb.close()
    return n - len(wb.worksheets)          # header rows


def new_store(path: Path):
    """A fresh migrated store with stores S0001…S{STORES} created first (as the chain's master data)."""
    from cx import db

    con = db.connect(path)
    with con.cursor() as cur:
        cur.execute(db.sql("ingest/create_stores"), {"store_ids": [f"S{i:04d}" for i in range(1, STORES + 1)]})
    return con


def import_one(con, data: bytes, name: str, source: str, profile: str, rows: int) -> dict:
    """Import once and check the counts; returns timings and counts."""
    from cx import db
    from cx.ingest import ImportOptions, import_bytes

    before = db.table_counts(con)["feedback"]
    ph = Phases()
    ph.t0 = time.perf_counter()
    res = import_bytes(con, data, name, source, options=ImportOptions(profile=profile), now=NOW, progress=ph)
    end = time.perf_counter()
    total = end - ph.t0
    stored = db.table_counts(con)["feedback"] - before          # rows this import added (fresh store: all new)
    reasons = []
    if res.rows_rejected:
        from collections import Counter

        from cx.ingest import rejects_of

        reasons = Counter(rejects_of(con, res.import_id)["reason"]).most_common(3)
    adds_up = res.rows_in == res.rows_ok + res.rows_rejected + res.rows_duplicate + res.rows_skipped
    return {"total": total, "phases": ph.split(end), "result": res, "stored": stored, "adds_up": adds_up, "reasons": reasons,
            "rows_expected": rows}


def plan_full(data: bytes, name: str, source: str, profile: str) -> float:
    from cx.ingest import plan

    t = time.perf_counter()
    p = plan(data, name, source, {"profile": profile}, preview_rows=None, now=NOW)
    if p.problems:
        raise SystemExit(f"plan() problems for {name}: {p.problems}")
    return time.perf_counter() - t


def preview(data: bytes, name: str, source: str, repeats: int) -> tuple[float, list[float], object]:
    from cx.ingest import plan

    times, p = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        p = plan(data, name, source, None, preview_rows=200, now=NOW)
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, p


@contextlib.contextmanager
def lazy_shared_strings():
    """The proposed change, for measuring only: ``readers.read_xlsx`` opens the workbook through
    ``cx.ingest.xlsx_preview.load_workbook`` (shared strings parsed on demand) instead of openpyxl's."""
    import openpyxl

    from cx.ingest import xlsx_preview

    orig = openpyxl.load_workbook

    def load(f, read_only=False, data_only=False, **kw):
        if read_only and data_only and isinstance(f, io.BytesIO):
            return xlsx_preview.load_workbook(f.getvalue())
        return orig(f, read_only=read_only, data_only=data_only, **kw)

    openpyxl.load_workbook = load
    try:
        yield
    finally:
        openpyxl.load_workbook = orig


def rate(rows: int, s: float | None) -> str:
    return f"{rows / s:10,.0f} rows/s" if s else "       n/a"


def ratio(base: float, ours: float | None) -> str:
    """Throughput relative to the baseline: "(0.0012x = 860x slower)"."""
    if not ours:
        return ""
    r = base / ours
    return f"({r:.3g}x = {1 / r:,.{1 if r > 0.1 else 0}f}x slower)" if r < 1 else f"({r:.3g}x)"


def fmt_s(s: float | None) -> str:
    return f"{s:7.2f} s" if s is not None else "    n/a"


def report_import(title: str, rows: int, base_name: str, base_s: float, plan_s: float, imp: dict) -> list[str]:
    res = imp["result"]
    ph = imp["phases"]
    ana = ph.get("compare + text analysis")
    no_text = imp["total"] - ana if ana is not None else None
    lines = [f"{title}: {rows:,} data rows",
             f"  baseline {base_name:<33}{fmt_s(base_s)} {rate(rows, base_s)}  (1x)",
             f"  plan(preview_rows=None): read+map+columns {fmt_s(plan_s)} {rate(rows, plan_s)}  {ratio(base_s, plan_s)}",
             f"  import, without text analysis            {fmt_s(no_text)} {rate(rows, no_text)}  {ratio(base_s, no_text)}",
             f"  import, whole (incl. text analysis)      {fmt_s(imp['total'])} {rate(rows, imp['total'])}  "
             f"{ratio(base_s, imp['total'])}",
             "  phases of the import: " + "; ".join(f"{k} {v:.1f} s" if v is not None else f"{k} n/a" for k, v in ph.items()),
             f"  counts: rows_in {res.rows_in:,} = ok {res.rows_ok:,} + rejected {res.rows_rejected:,} + duplicate "
             f"{res.rows_duplicate:,} + skipped {res.rows_skipped:,} -> {'adds up' if imp['adds_up'] else 'DOES NOT ADD UP'}; "
             f"stored {imp['stored']:,}; tickets {res.tickets}"]
    if len(res.sheets) > 1:
        lines.append("  per sheet: " + ", ".join(f"{s} {c['read']:,} read / {c['ok']:,} ok" for s, c in res.sheets.items()))
    if imp.get("reasons"):
        lines.append("  rejected: " + "; ".join(f"{n:,} × {why}" for why, n in imp["reasons"]))
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv-rows", type=int, default=200_000, help="rows of the survey CSV (default 200 000)")
    ap.add_argument("--xlsx-rows", type=int, default=50_000, help="rows of the review workbook (default 50 000)")
    ap.add_argument("--sheets", type=int, default=3, help="sheets (months) of the workbook (default 3)")
    ap.add_argument("--preview-mb", type=float, default=50, help="size of the CSV the preview reads (default 50 MB)")
    ap.add_argument("--preview-xlsx-rows", type=int, default=0,
                    help="also time the preview on a workbook of this many rows (default 0: only the import workbook)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per baseline / preview (median; default 3)")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--keep", type=Path, help="write files and the store here and keep them (default: a temp dir)")
    ap.add_argument("--skip-import", action="store_true", help="only generate, baselines and previews")
    a = ap.parse_args(argv)
    t_start = time.perf_counter()
    work = a.keep or Path(tempfile.mkdtemp(prefix="cx-import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out: list[str] = []

    def say(line: str = "") -> None:
        out.append(line)
        print(line, flush=True)

    try:
        import importlib
        import logging

        import jieba

        for m in ("openpyxl", "pandas", "cx.ingest"):      # imported before any timing
            importlib.import_module(m)
        jieba.setLogLevel(logging.WARNING)
        # ---- generate
        t = time.perf_counter()
        csv_path = work / "wjx_survey_export.csv"
        xlsx_path = work / "dianping_reviews_by_month.xlsx"
        n_csv = write_survey_csv(csv_path, rows=a.csv_rows, seed=a.seed)
        n_xlsx = write_review_xlsx(xlsx_path, a.xlsx_rows, a.sheets, a.seed)
        want = int(a.preview_mb * 1024 * 1024)
        if csv_path.stat().st_size >= want * 0.95:
            big_csv = csv_path
        else:
            big_csv = work / "wjx_survey_export_big.csv"
            write_survey_csv(big_csv, min_bytes=want, seed=a.seed)
        big_xlsx = None
        if a.preview_xlsx_rows:
            big_xlsx = work / "dianping_reviews_big.xlsx"
            write_review_xlsx(big_xlsx, a.preview_xlsx_rows, a.sheets, a.seed + 7)
        gen_s = time.perf_counter() - t
        say(f"files (generated in {gen_s:.0f} s, seed {a.seed}) in {work}:")
        for p in dict.fromkeys(x for x in (csv_path, xlsx_path, big_csv, big_xlsx) if x):
            say(f"  {p.name}: {p.stat().st_size / 1024 / 1024:.1f} MB")
        say(f"machine: {os.cpu_count()} cores, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        say()
        csv_data, xlsx_data = csv_path.read_bytes(), xlsx_path.read_bytes()

        # ---- baselines
        pd_s, pd_rows = median_time(lambda: baseline_pandas(csv_path), a.repeats)
        ox_s, ox_rows = median_time(lambda: baseline_openpyxl(xlsx_path), a.repeats)
        assert pd_rows == n_csv, (pd_rows, n_csv)
        assert ox_rows == n_xlsx, (ox_rows, n_xlsx)

        # ---- previews (what the mapping step calls)
        big_data = big_csv.read_bytes()
        pv_csv, pv_csv_all, p_csv = preview(big_data, big_csv.name, "survey", a.repeats)
        pv_xlsx, pv_xlsx_all, p_xlsx = preview(xlsx_data, xlsx_path.name, "review", a.repeats)
        with lazy_shared_strings():
            pv_lazy, pv_lazy_all, p_lazy = preview(xlsx_data, xlsx_path.name, "review", a.repeats)
        same_preview = p_lazy.preview.equals(p_xlsx.preview) and p_lazy.assumptions == p_xlsx.assumptions
        del big_data
        pv_big = pv_big_lazy = None
        if big_xlsx:
            pv_big = preview(big_xlsx.read_bytes(), big_xlsx.name, "review", a.repeats)
            with lazy_shared_strings():
                pv_big_lazy = preview(big_xlsx.read_bytes(), big_xlsx.name, "review", a.repeats)

        # ---- full plan (read + locate + map + column decisions) and the imports
        plan_csv = plan_full(csv_data, csv_path.name, "survey", "wjx_text")
        plan_xlsx = plan_full(xlsx_data, xlsx_path.name, "review", "dianping_meituan")
        imp_csv = imp_xlsx = None
        if not a.skip_import:
            con = new_store(work / "bench.duckdb")
            try:
                imp_csv = import_one(con, csv_data, csv_path.name, "survey", "wjx_text", n_csv)
                imp_xlsx = import_one(con, xlsx_data, xlsx_path.name, "review", "dianping_meituan", n_xlsx)
            finally:
                con.close()

        # ---- report
        say("=== import throughput (ratios: baseline seconds / our seconds; 1.00x = as fast as the baseline)")
        if imp_csv:
            for ln in report_import(f"CSV, 问卷星 按选项文本, profile wjx_text ({csv_path.stat().st_size / 1048576:.0f} MB)",
                                    n_csv, "pandas.read_csv(path)", pd_s, plan_csv, imp_csv):
                say(ln)
            say()
            for ln in report_import(f"XLSX, 大众点评/美团 评价, {a.sheets} sheets, profile dianping_meituan "
                                    f"({xlsx_path.stat().st_size / 1048576:.0f} MB)",
                                    n_xlsx, "openpyxl read_only iteration", ox_s, plan_xlsx, imp_xlsx):
                say(ln)
        else:
            say(f"pandas.read_csv {fmt_s(pd_s)} {rate(n_csv, pd_s)}; plan(None) {fmt_s(plan_csv)} {rate(n_csv, plan_csv)}")
            say(f"openpyxl        {fmt_s(ox_s)} {rate(n_xlsx, ox_s)}; plan(None) {fmt_s(plan_xlsx)} {rate(n_xlsx, plan_xlsx)}")
        say()
        say(f"=== mapping-step preview: plan(preview_rows=200), median of {a.repeats} (target < 2 s)")
        say(f"  CSV  {big_csv.stat().st_size / 1048576:5.1f} MB: {pv_csv:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in pv_csv_all)});"
            f" profile {p_csv.profile.name}, {len(p_csv.preview) if p_csv.preview is not None else 0} preview rows shown,"
            f" problems: {p_csv.problems or 'none'}")
        say(f"  XLSX {xlsx_path.stat().st_size / 1048576:5.1f} MB: {pv_xlsx:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in pv_xlsx_all)});"
            f" profile {p_xlsx.profile.name}, sheets {len(p_xlsx.tables)}, problems: {p_xlsx.problems or 'none'}")
        say(f"  XLSX {xlsx_path.stat().st_size / 1048576:5.1f} MB with cx.ingest.xlsx_preview (proposed, not wired in): "
            f"{pv_lazy:6.2f} s  (runs: {', '.join(f'{x:.2f}' for x in pv_lazy_all)}); same preview and assumptions: {same_preview}")
        if pv_big:
            say(f"  XLSX {big_xlsx.stat().st_size / 1048576:5.1f} MB ({a.preview_xlsx_rows:,} rows): {pv_big[0]:6.2f} s  "
                f"(runs: {', '.join(f'{x:.2f}' for x in pv_big[1])}); problems: {pv_big[2].problems or 'none'}")
            say(f"  XLSX {big_xlsx.stat().st_size / 1048576:5.1f} MB with cx.ingest.xlsx_preview (proposed): {pv_big_lazy[0]:6.2f} s  "
                f"(runs: {', '.join(f'{x:.2f}' for x in pv_big_lazy[1])}); same preview: "
                f"{pv_big_lazy[2].preview.equals(pv_big[2].preview)}")
        say()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        say(f"whole benchmark: {time.perf_counter() - t_start:.0f} s; peak RSS of this process {peak:,.0f} MB; "
            f"load average at the end {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores shared with other work)")
        ok = all(x is None or (x["adds_up"] and x["stored"] == x["result"].rows_ok - x["result"].rows_updated
                               and x["result"].rows_in == x["rows_expected"]) for x in (imp_csv, imp_xlsx))
        return 0 if ok else 1
    finally:
        if a.keep is None:
            with contextlib.suppress(OSError):
                shutil.rmtree(work)


if __name__ == "__main__":
    sys.exit(main())
