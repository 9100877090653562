"""Formatting of estimates for cards and tables (Chinese UI)."""
from __future__ import annotations

import pandas as pd

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


def duration(hours: float) -> str:
    """A length of time in words: 45 分钟, 22 小时, 3 天 5 小时."""
    h = abs(hours)
    if h < 1:
        return f"{max(1, round(h * 60))} 分钟"
    if h < 48:
        return f"{round(h)} 小时"
    days, rest = divmod(round(h), 24)
    return f"{days} 天" + (f" {rest} 小时" if rest else "")


def sla_left(hours: float | None) -> str:
    """An open ticket's time to its SLA deadline in words: 「剩余 5 小时」 or 「已超时 22 小时」; '' when closed."""
    if hours is None or hours != hours:
        return ""
    return f"剩余 {duration(hours)}" if hours > 0 else f"已超时 {duration(hours)}"


def p_value(p: float | None) -> str:
    """A p value as people read it: 「p < 0.001」, 「p = 0.03」 (never scientific notation); cx.metrics.format_p."""
    from cx.metrics import format_p
    return format_p(p)


def rank_change(change) -> str:
    """Rank movement in words: 「上升 3 名」, 「下降 12 名」, 「持平」, 「—」 (no previous rank)."""
    if change is None or pd.isna(change):       # None, NaN or pd.NA (small samples have no rank)
        return "—"
    change = int(change)
    return "持平" if change == 0 else f"上升 {change} 名" if change > 0 else f"下降 {-change} 名"


def rank_change_help(row) -> str:
    """The context of a rank movement: 「上期第 36 名 → 本期第 33 名（与上一同长周期相比）」."""
    prev = row.get("prev_rank") if hasattr(row, "get") else None
    if prev is None or pd.isna(prev) or pd.isna(row["rank"]):
        return "上一同长周期没有排名（新店或无数据）" if prev is None or pd.isna(prev) else "样本不足，本期不参与排名"
    return f"上期第 {int(prev)} 名 → 本期第 {int(row['rank'])} 名（与上一同长周期相比）"
