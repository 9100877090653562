"""Formatting of estimates for cards and tables (Chinese UI)."""
from __future__ import annotations

from cx import sample
from cx.metrics import Estimate

SMALL_N = sample.min_n("kpi")   # data/small_sample.yaml


def points(e: Estimate) -> str:
    return "—" if not e.ok else f"{e.value:+.1f}"


def percent(e: Estimate) -> str:
    return "—" if not e.ok else f"{100 * e.value:.1f}%"


def ci_help(e: Estimate, pct: bool) -> str:
    if not e.ok:
        return "无样本"
    lo, hi = (100 * e.low, 100 * e.high) if pct else (e.low, e.high)
    unit = "%" if pct else ""
    warn = "；样本不足，结论仅供参考" if e.n < SMALL_N else ""
    return f"95% 置信区间 {lo:.1f}{unit} ～ {hi:.1f}{unit}，样本 n={e.n:,}{warn}"
