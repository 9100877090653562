"""Throughput of the whole text pipeline vs plain single-process jieba.lcut on the same texts, same run.

    .venv/bin/python benchmarks/text_speed.py [--n 30000] [--workers 2]

Texts: real reviews from ../shared/realdata (waimai + hotel), or the demo generator's texts if absent.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def texts(n: int) -> tuple[list[str], str]:
    import pandas as pd

    shared = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
    if shared.exists():
        t = pd.concat([pd.read_csv(shared / "waimai_dev.csv")["review"], pd.read_csv(shared / "hotel_reviews.csv")["review"]])
        t = t.dropna().astype(str).tolist()
        src = "waimai_dev + hotel_reviews"
    else:
        from cx import db, demo

        con = db.connect(":memory:")
        demo.generate(con, demo.DemoConfig(rows=n, stores=50))
        t = [r[0] for r in con.execute("SELECT text FROM feedback WHERE text IS NOT NULL").fetchall()]
        src = "demo texts"
    return (t * (n // len(t) + 1))[:n], src


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30000)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    data, src = texts(a.n)
    chars = sum(map(len, data))
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    t0 = time.perf_counter()
    for x in data:
        jieba.lcut(x)
    base = time.perf_counter() - t0

    from cx import text
    from cx.text import segment

    with text.Analyzer(a.workers) as az:
        az.analyze(data[: text.PARALLEL_MIN])          # start and warm the pool outside the timing
        t0 = time.perf_counter()
        az.analyze(data)
        ours = time.perf_counter() - t0
    print(f"texts: {len(data):,} ({src}), {chars / len(data):.0f} chars on average; segmenter: {segment.BACKEND}")
    print(f"plain jieba.lcut, 1 process : {len(data) / base:8.0f} texts/s  {chars / base / 1000:6.0f} k chars/s")
    print(f"cx.text.analyze, {a.workers} workers : {len(data) / ours:8.0f} texts/s  {chars / ours / 1000:6.0f} k chars/s")
    print(f"ratio (pipeline / jieba.lcut): {base / ours:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
