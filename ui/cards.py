"""KPI cards: value, n, 95 % interval in the help, sparkline, and a delta only when the change is significant."""
from __future__ import annotations

import pandas as pd

from cx.metrics import Change, Estimate
from ui import fmt


def card(col, label: str, e: Estimate, change: Change | None, trend: pd.Series | None, pct: bool,
         good_up: bool = True, note: str = "") -> None:
    value = fmt.percent(e) if pct else fmt.points(e)
    # The card is a fifth of the page: delta and its description stay a few characters long (the p value and
    # the interval go to the help tooltip), or the browser cuts them off.
    delta, desc, test = None, "无显著变化", ""
    if change is not None and change.diff is not None and change.significant:
        delta = f"{change.diff * 100:+.1f} 百分点" if pct else f"{change.diff:+.1f}"
        desc = "较上期"
        test = f"较上期显著变化（{fmt.p_value(change.p_value)}）。"
    elif change is None or change.diff is None:
        desc = "上期无数据"
    help_text = (note + " " if note else "") + test + fmt.ci_help(e, pct)
    data = None
    if trend is not None and trend.notna().sum() >= 2:
        data = (trend * (100 if pct else 1)).round(1).tolist()
    col.metric(label, value, delta=delta, delta_color="normal" if good_up else "inverse", help=help_text,
               chart_data=data, chart_type="line", border=True, delta_description=desc if e.ok else None)
    if 0 < e.n < fmt.SMALL_N:
        col.caption(f":orange[样本仅 {e.n} 份，谨慎解读]")
    elif e.ok:
        col.caption(f"n = {e.n:,}")
