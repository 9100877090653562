"""Incident detection at the 10 M scale: 2 000 stores × 24 touchpoints × 730 days.

Building the 10 M demo takes ~40 min on the shared 2-core machine, so this benchmark builds a synthetic
store of the same shape directly in SQL (no text analysis): 10 M feedback rows and 20 M feedback ×
touchpoint rows (30 % negative) spread evenly over 730 days and 2 000 stores, 1 % of feedback with a
food-safety hit, the store × month and daily incident roll-ups, and one planted spike (a store's food-safety complaints × 6
for the last 10 days). It then times the real code path, ``cx.incidents.refresh`` for the last week of
data (roll-up refresh for that week, counts over the ~130 days the test needs + the negative-binomial tests for every store ×
touchpoint × window × day + BH per day), cold and warm, and next to it a naive pandas implementation of
the same test (raw rows loaded into pandas, one groupby per day and window). ``--full`` also times a
whole-span rebuild (every day of the 730 tested: what the demo build, a first import and rebuild-text do),
cold and warm, next to the naive pandas groupby over the same days in the same run (``--naive-days N``
runs the naive loop over the last N days only and scales it to the span, saying so).

    .venv/bin/python benchmarks/incident_bench.py [--rows 10000000] [--stores 2000] [--days 730] [--full]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cx import db, incidents
from cx.text.taxonomy import default as taxonomy

START = datetime(2024, 12, 1)


def build(path: Path, rows: int, stores: int, days: int) -> tuple[datetime, str]:
    con = db.connect(path)
    tps = [t for t in taxonomy().by_id][:24]
    secs = days * 86400
    con.execute("INSERT INTO stores (store_id, name, region, city) SELECT 'S' || lpad(CAST(i AS VARCHAR), 4, '0'), "
                "'店' || i, '区' || (i % 7), '城' || (i % 50) FROM range(1, $n + 1) t(i)", {"n": stores})
    store_expr = "'S' || lpad(CAST(hash(i * 31) % $stores + 1 AS VARCHAR), 4, '0')"
    con.execute(f"""INSERT INTO feedback (feedback_id, source, store_id, created_at, nps)
        SELECT 'F' || i, 'survey', {store_expr}, $t0 + to_seconds(CAST(i * $secs // $rows AS BIGINT)), CAST(hash(i) % 11 AS TINYINT)
        FROM range($rows) t(i) ORDER BY i""", {"rows": rows, "stores": stores, "t0": START, "secs": secs})
    con.execute(f"""INSERT INTO feedback_touchpoints (feedback_id, touchpoint, worst, best, store_id, created_at, source)
        SELECT 'F' || (i // 2), $tps[CAST(hash(i * 7) % 24 AS INTEGER) + 1],
               CASE WHEN hash(i * 13) % 100 < 30 THEN -1 ELSE 1 END, 1, {store_expr.replace('i * 31', '(i // 2) * 31')},
               $t0 + to_seconds(CAST((i // 2) * $secs // $rows AS BIGINT)), 'survey'
        FROM range(2 * $rows) t(i) ORDER BY i""", {"rows": rows, "stores": stores, "t0": START, "secs": secs, "tps": tps})
    con.execute("INSERT INTO sensitive_hits SELECT 'F' || i, 'food_safety', 'high', '拉肚子' FROM range($rows) t(i) "
                "WHERE hash(i * 17) % 100 = 0", {"rows": rows})
    # the planted spike: store S0007 × food_safety, 6 extra complaints a day for the last 10 days
    end = START + timedelta(days=days)
    con.execute("""INSERT INTO feedback_touchpoints (feedback_id, touchpoint, worst, best, store_id, created_at, source)
        SELECT 'X' || i, 'food_safety', -1, -1, 'S0007', $end - to_hours(CAST(1 + i * 4 AS INTEGER)), 'survey'
        FROM range(60) t(i)""", {"end": end})
    con.execute("INSERT INTO store_month SELECT * FROM store_month_counts(TIMESTAMP '1900-01-01', TIMESTAMP '2200-01-01')")
    for name in ("counts_fill", "days_fill"):       # the daily roll-ups behind detection (migration 012)
        con.execute(db.sql(f"incidents/{name}"), {"start": START.date(), "end": end.date() + timedelta(days=1)})
    con.execute("CHECKPOINT")
    con.close()
    return end, "S0007"


def naive_pandas(con, first, last, cfg: incidents.Config) -> pd.DataFrame:
    """The same test, written the obvious way: raw rows into pandas, a groupby per day and window."""
    lo = first - timedelta(days=cfg.history)
    raw = con.execute("SELECT store_id, touchpoint AS key, created_at FROM feedback_touchpoints "
                      "WHERE worst < 0 AND store_id IS NOT NULL AND created_at >= ? AND created_at < ?",
                      [lo, last + timedelta(days=1)]).df()
    raw["day"] = raw["created_at"].dt.normalize()
    out = []
    for day in pd.date_range(first, last):
        for w in cfg.windows:
            a = day - pd.Timedelta(days=w - 1)
            b0 = a - pd.Timedelta(days=cfg.baseline_days)
            win = raw[(raw["day"] >= a) & (raw["day"] <= day)].groupby(["store_id", "key"]).size()
            base = raw[(raw["day"] >= b0) & (raw["day"] < a)].groupby(["store_id", "key"]).size()
            both = pd.concat([win.rename("x"), base.rename("y")], axis=1).fillna(0)
            p = stats.nbinom.sf(both["x"] - 1, both["y"] + 0.5, cfg.baseline_days / (cfg.baseline_days + w))
            both["p"] = np.where(both["x"] >= cfg.min_count, p, 1.0)
            both["q"] = stats.false_discovery_control(both["p"].to_numpy())
            out.append(both[both["q"] <= cfg.level].assign(day=day, window=w))
    return pd.concat(out) if out else pd.DataFrame()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--stores", type=int, default=2000)
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--db", type=Path, default=None, help="reuse a built file")
    ap.add_argument("--full", action="store_true",
                    help="also time a whole-history rebuild (cold, warm) and the naive pandas groupby over the same span")
    ap.add_argument("--naive-days", type=int, default=None,
                    help="with --full: run the naive baseline over only the last N days of the span and extrapolate "
                         "(it costs about the same per day; the whole span at 10 M rows took ~4 min here)")
    a = ap.parse_args()
    path = a.db or Path(tempfile.gettempdir()) / f"incident_bench_{a.rows}.duckdb"
    t0 = time.perf_counter()
    if not path.exists():
        end, spiked = build(path, a.rows, a.stores, a.days)
        print(f"built synthetic store {path} in {time.perf_counter() - t0:.1f} s")
    else:
        end, spiked = START + timedelta(days=a.days), "S0007"
    con = db.connect(path)
    n_ft = con.execute("SELECT count(*) FROM feedback_touchpoints").fetchone()[0]
    n_fb = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    print(f"feedback {n_fb:,} rows, feedback_touchpoints {n_ft:,} rows, {a.stores} stores × 24 touchpoints × {a.days} days")
    cfg = incidents.default()
    last = (end - timedelta(days=1)).date()
    since = last - timedelta(days=6)
    times = []
    for _ in range(3):
        con.execute("DELETE FROM incidents")
        t = time.perf_counter()
        with db.transaction(con):
            n = incidents.refresh(con, since, cfg=cfg)
        times.append(time.perf_counter() - t)
    found = con.execute("SELECT store_id, kind, key, start_at, observed, round(expected, 1) FROM incidents").fetchall()
    print(f"incidents.refresh, last 7 days, all cells: cold {times[0]:.2f} s, warm {min(times[1:]):.2f} s; "
          f"{n} incidents: {found}")
    assert any(r[0] == spiked and r[2] == "food_safety" for r in found), "planted spike not found"
    t = time.perf_counter()
    naive = naive_pandas(con, pd.Timestamp(since), pd.Timestamp(last), cfg)
    tn = time.perf_counter() - t
    print(f"naive pandas groupby (same days, windows, NB test, BH): {tn:.2f} s, {len(naive)} flagged cell-windows")
    print(f"ratio naive / refresh (warm): {tn / min(times[1:]):.1f}×")
    if not a.full:
        con.close()
        return
    # a whole-history rebuild (what the demo builder and a first import do): every day of the span tested,
    # cold then warm, next to the naive pandas groupby over the same days in the same run
    full = []
    for _ in range(2):
        con.execute("DELETE FROM incidents")
        t = time.perf_counter()
        with db.transaction(con):
            n = incidents.refresh(con, cfg=cfg)
        full.append(time.perf_counter() - t)
    print(f"full rebuild over {a.days} days, all cells: cold {full[0]:.1f} s, warm {full[1]:.1f} s, {n} incidents")
    first = pd.Timestamp(START.date() + timedelta(days=cfg.min_history_days))   # days with enough baseline
    span = (pd.Timestamp(last) - first).days + 1
    days = min(span, a.naive_days or span)
    t = time.perf_counter()
    naive = naive_pandas(con, pd.Timestamp(last) - pd.Timedelta(days=days - 1), pd.Timestamp(last), cfg)
    tn = time.perf_counter() - t
    if days < span:     # the naive loop costs the same per tested day: scale it, and say so
        print(f"naive pandas groupby over the last {days} of the {span} days: {tn:.1f} s, {len(naive)} flagged "
              f"cell-windows; extrapolated to the span (×{span / days:.1f}): {tn * span / days:.0f} s")
        tn = tn * span / days
    else:
        print(f"naive pandas groupby over the same span ({span} days): {tn:.1f} s, {len(naive)} flagged cell-windows")
    print(f"ratio naive / full rebuild (warm): {tn / full[1]:.1f}×")
    con.close()

if __name__ == "__main__":
    main()
