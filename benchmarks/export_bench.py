"""Per-chart export time: the first image pays Chromium's start-up, later ones reuse it (same run).

    .venv/bin/python benchmarks/export_bench.py [--n 10]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.graph_objects as go  # noqa: E402

from cx import charts  # noqa: E402
from cx.report import images  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10)
    a = ap.parse_args()
    figs = [charts._layout(go.Figure(go.Bar(x=["上菜速度", "口味", "价格"], y=[i, i + 1, i + 2])), f"图表 {i}", "副标题")
            for i in range(a.n)]
    t0 = time.perf_counter()
    images.to_image(figs[0], "png")
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for f in figs[1:]:
        images.to_image(f, "png")
    rest = (time.perf_counter() - t0) / max(1, a.n - 1)
    t0 = time.perf_counter()
    for f in figs[1:]:
        images.to_image(f, "svg")
    svg = (time.perf_counter() - t0) / max(1, a.n - 1)
    print(f"first PNG (starts Chromium): {first:.2f}s; then PNG {rest:.2f}s/chart, SVG {svg:.2f}s/chart; "
          f"ratio first/reused {first / rest:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
