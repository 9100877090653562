"""Server-side work of the dashboard pages vs the naive dashboard, on a demo store of a given size.

    .venv/bin/python benchmarks/query_bench.py --rows 1000000 [--db PATH] [--repeat 3]

Builds (or reuses) a demo store, then for two filter settings — the default (last 6 months, whole chain)
and a narrow one (one region, one month) — times each page's queries warm (median of --repeat runs), and
the naive way of answering the same question: load the rows into pandas, then groupby. Ratios are
computed within this run. Nothing here asserts a wall-clock threshold.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cx import charts, db, demo, drivers, journey, kano, overview, painpoints, scoring  # noqa: E402
from cx.loop import tickets, verify  # noqa: E402
from cx.report import deck  # noqa: E402
from cx.filters import Filters  # noqa: E402

def _profile(con, f: Filters):
    """门店画像 as it first opens for a store: the assessment and the league with movement (both shared with
    门店排名 through the page cache), 短板/长板, the monthly trend, the store's pains and verbatims."""
    a, before = scoring.assess_pair(con, f)
    table = scoring.rank_table(a, before)
    sid = table["store_id"].iloc[0]
    one = f.with_(stores=(sid,))
    return (table, scoring.strengths_weaknesses(a, sid, extra=scoring.touchpoint_rates(con, f)),
            scoring.store_trend(scoring.assess_months(con, f), sid), painpoints.touchpoints(con, one),
            painpoints.verbatims(con, one, None, -1, limit=10))


def _pain_points(con, f: Filters):
    """痛点分析 as it first opens: TOP touchpoints, emerging issues, keywords, the rendered word cloud of
    negative clauses and the negative verbatims of all touchpoints."""
    words = painpoints.negative_words(con, f)
    return (painpoints.touchpoints(con, f), painpoints.emerging(con, f), painpoints.keyword_table(con, f),
            charts.wordcloud_png(dict(zip(words["word"], words["n"].astype(int)))),
            painpoints.verbatims(con, f, None, -1, limit=40))


def _verification(con, f: Filters):
    acts = verify.actions(con)
    return [verify.verify(con, r, scope=f) for r in acts.head(1).to_dict("records")]   # the page shows one action


PAGES = {
    "总览 overview": lambda con, f: overview.page(con, f),
    "旅程热力图 heatmap": lambda con, f: (journey.cells(con, f, "region"), journey.stage_map(con, f), drivers.key_drivers(con, f)),
    "痛点分析 pain points": _pain_points,
    "门店排名 rankings": lambda con, f: scoring.rank_stores(con, f.start, f.end, f),
    "门店画像 store profile": _profile,
    "工单中心 tickets": lambda con, f: (tickets.queue(con, f), tickets.sla(con, f)),
    "改进验证 verification": _verification,
    "KANO": lambda con, f: kano.features(con, f),
    "汇报导出 report data": lambda con, f: deck.collect(con, f, "全国"),
}
# 考核方案 (what-if): sliders re-weight a cached assessment; timed separately on the default filters.


def timed(fn, repeat: int) -> float:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def naive(con, f: Filters) -> float:
    """Load the filtered rows (feedback + stores + mentions) into pandas and groupby, like a plain dashboard."""
    t0 = time.perf_counter()
    fb = con.execute("SELECT f.*, s.region FROM feedback f LEFT JOIN stores s USING (store_id)").df()
    mentions = con.execute("SELECT feedback_id, touchpoint, polarity FROM mentions").df()
    fb = fb[(fb["created_at"] >= str(f.start)) & (fb["created_at"] <= str(f.end) + " 23:59:59")]
    if f.regions:
        fb = fb[fb["region"].isin(f.regions)]
    fb.groupby(fb["created_at"].dt.to_period("M")).agg(n=("feedback_id", "size"), nps=("nps", "mean"))
    m = mentions.merge(fb[["feedback_id", "region", "nps"]], on="feedback_id")
    m.groupby(["touchpoint", "region"]).agg(n=("polarity", "size"), neg=("polarity", lambda s: (s < 0).sum()))
    m.groupby("touchpoint")["nps"].mean()
    return time.perf_counter() - t0


def naive_ranking(con, start: date, end: date) -> float:
    """Per-store survey/review/service aggregates from rows loaded into pandas (no shrinkage or intervals)."""
    t0 = time.perf_counter()
    fb = con.execute("SELECT store_id, source, nps, csat, ces, rating, sentiment, created_at FROM feedback "
                     "WHERE created_at >= ? AND created_at < ? + INTERVAL 1 DAY", [start, end]).df()
    g = fb.groupby("store_id")
    agg = pd.DataFrame({"n": g.size(), "nps": g["nps"].apply(lambda s: ((s >= 9).mean() - (s <= 6).mean()) * 100),
                        "csat": g["csat"].apply(lambda s: (s >= 4).mean()), "ces": g["ces"].mean(),
                        "rating": g["rating"].mean(), "neg": g["sentiment"].apply(lambda s: (s < 0.4).mean())})
    agg.rank(pct=True).mean(axis=1).rank(ascending=False)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--stores", type=int, default=None)
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    path = a.db or Path(f"/tmp/cx_bench_{a.rows}.duckdb")
    if not path.exists():
        stores = a.stores or max(300, min(2000, a.rows // 5000))
        t0 = time.perf_counter()
        demo.build(path, demo.DemoConfig(rows=a.rows, stores=stores))
        print(f"built {path} ({a.rows:,} rows, {stores} stores) in {time.perf_counter() - t0:.0f}s")
    con = db.connect(path, read_only=True)
    last = con.execute("SELECT max(created_at)::DATE FROM feedback").fetchone()[0]
    n_rows = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    n_mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    start = date(last.year - (1 if last.month <= 5 else 0), (last.month - 6) % 12 + 1, 1)
    region = con.execute("SELECT region FROM stores GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    settings = {"default (6 months, all)": Filters(start, last),
                f"narrow (1 month, {region})": Filters(last.replace(day=1), last, regions=(region,))}
    print(f"store: {n_rows:,} feedback rows, {n_mentions:,} mentions; median of {a.repeat} warm runs")
    print(f"{'filters':<28}{'page':<24}{'cx (s)':>9}{'naive (s)':>11}{'ratio':>8}")
    for name, f in settings.items():
        base = timed(lambda: naive(con, f), max(1, a.repeat // 2))
        for page, fn in PAGES.items():
            t = timed(lambda: fn(con, f), a.repeat)
            print(f"{name:<28}{page:<24}{t:9.3f}{base:11.2f}{base / t:7.0f}x")
    f = settings["default (6 months, all)"]
    assessed = scoring.assess(con, f)
    weights = {leaf.id: 2.0 for leaf in scoring.default().leaves[:2]}
    t = timed(lambda: scoring.league(assessed, weights), a.repeat)
    print(f"{'default (6 months, all)':<28}{'考核方案 what-if':<24}{t:9.3f}{'-':>11}{'':>8}  (re-weighting a cached assessment)")
    year = Filters((pd.Timestamp(last.replace(day=1)) - pd.DateOffset(months=11)).date(), last)
    n_stores = con.execute("SELECT count(*) FROM stores").fetchone()[0]
    t = timed(lambda: scoring.rank_stores(con, year.start, year.end), a.repeat)
    base = timed(lambda: naive_ranking(con, year.start, year.end), max(1, a.repeat // 2))
    print(f"{'12 months, all':<28}{f'rank_stores ({n_stores} st.)':<24}{t:9.3f}{base:11.2f}{base / t:7.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
