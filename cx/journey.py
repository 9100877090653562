"""旅程热力图: journey stage × touchpoint against a chosen dimension, and the journey map of one scope."""
from __future__ import annotations

import pandas as pd

from cx import db, metrics, sample
from cx.filters import NO_CHANNEL, NO_FORMAT, NO_STORE, SOURCE_LABELS, Filters
from cx.text.taxonomy import default as taxonomy

DIMENSIONS = {"region": "区域", "format": "门店业态", "month": "月份", "channel": "渠道", "source": "来源", "store": "门店",
              "week": "周", "day": "日"}
TIME_DIMENSIONS = ("day", "week", "month")   # the time columns at each grain (cx/timegrain.py)
VALUES = {"volume": "提及量", "neg_rate": "负面率", "net": "净情感", "avg_nps": "平均推荐分"}
SOURCE_NAMES = SOURCE_LABELS            # one vocabulary (cx.vocab)
MIN_N = sample.min_n("cell")   # data/small_sample.yaml


def cells(con, filters: Filters, dim: str = "region", q: float = 0.05) -> pd.DataFrame:
    """Long table, one row per (touchpoint, column) cell, with every value the heatmap can show.

    ``worse`` marks cells whose negative rate is significantly above the rest of the chain for the same
    touchpoint (two-proportion z-test, Benjamini–Hochberg over all cells at FDR ``q``); ``small`` marks
    cells with n below MIN_N, which are shown grey rather than coloured as if certain.
    """
    if dim not in DIMENSIONS:
        raise ValueError(f"未知的维度：{dim}")
    df = db.filtered_df(con, "journey/cells", filters, {"dim": dim})
    tax = taxonomy()
    df = df[df["touchpoint"].isin(list(tax.by_id))].copy()
    cols = ["touchpoint", "label", "stage", "order", "col", "n", "negative", "positive", "neg_rate", "net",
            "avg_nps", "nps_n", "small", "worse", "p_value"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    if dim == "source":
        df["col"] = df["col"].map(SOURCE_NAMES).fillna(df["col"])
    order = {t.id: i for i, t in enumerate(tax.touchpoints)}
    df["label"] = df["touchpoint"].map(tax.label)
    df["stage"] = df["touchpoint"].map(lambda t: tax.by_id[t].stage_label)
    df["order"] = df["touchpoint"].map(order)
    df["neg_rate"] = df["negative"] / df["n"]
    df["net"] = (df["positive"] - df["negative"]) / df["n"]
    totals = df.groupby("touchpoint")[["n", "negative"]].transform("sum")
    tests = [metrics.two_proportions(tn - cn, tt - ct, cn, ct)
             for cn, ct, tn, tt in zip(df["negative"], df["n"], totals["negative"], totals["n"])]
    df["p_value"] = [t.p_value for t in tests]
    sig = metrics.benjamini_hochberg(df["p_value"].tolist(), q)
    df["worse"] = [s and t.diff > 0 and n >= MIN_N for s, t, n in zip(sig, tests, df["n"])]
    df["small"] = df["n"] < MIN_N
    return df.sort_values(["order", "col"])[cols].reset_index(drop=True)


def hottest(df: pd.DataFrame) -> tuple[str, str]:
    """(touchpoint, column) of the cell with the most negative mentions among cells with enough data (any
    cell when none has): where a drill-down should start. Columns of feedback without a store/format/channel
    (「未关联门店」…) are a fallback only: a start there explains nothing about the chain."""
    known = df[~df["col"].isin([NO_STORE, NO_FORMAT, NO_CHANNEL])]
    df = known if not known.empty else df
    pool = df[~df["small"]] if (~df["small"]).any() else df
    r = pool.sort_values(["negative", "order", "col"], ascending=[False, True, True]).iloc[0]
    return r["touchpoint"], r["col"]


def widest(df: pd.DataFrame, limit: int = 30) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` columns (those with the most mentions; 300 store columns are unreadable), and how
    many columns there were."""
    per_col = df.groupby("col")["n"].sum().sort_values(ascending=False)
    if len(per_col) <= limit:
        return df, len(per_col)
    return df[df["col"].isin(per_col.index[:limit])].reset_index(drop=True), len(per_col)


def matrix(df: pd.DataFrame, value: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(values, n, small-n mask, significantly-worse mask) as touchpoint × column frames in journey order."""
    key = {"volume": "n", "neg_rate": "neg_rate", "net": "net", "avg_nps": "avg_nps"}[value]
    rows = df.drop_duplicates("touchpoint").sort_values("order")
    index = (rows["stage"] + " · " + rows["label"]).tolist()
    def pivot(col):
        p = df.pivot(index="touchpoint", columns="col", values=col).reindex(rows["touchpoint"])
        p.index = index
        return p
    return pivot(key), pivot("n").fillna(0).astype(int), pivot("small").fillna(True).astype(bool), \
        pivot("worse").fillna(False).astype(bool)


def stage_map(con, filters: Filters, top: int = 3) -> pd.DataFrame:
    """The journey map of the filtered scope: per stage (journey order) the net sentiment (the emotion
    curve), volume, and its top pain points and opportunities."""
    df = cells(con, filters, "source")
    tax = taxonomy()
    if df.empty:
        return pd.DataFrame(columns=["stage", "n", "net", "pains", "strengths"])
    per_tp = df.groupby(["touchpoint", "label", "stage", "order"], as_index=False)[["n", "negative", "positive"]].sum()
    out = []
    for stage_id, stage_label in tax.stages:
        part = per_tp[per_tp["stage"] == stage_label]
        if part.empty:
            continue
        n, neg, pos = part["n"].sum(), part["negative"].sum(), part["positive"].sum()
        part = part.assign(neg_rate=part["negative"] / part["n"], pos_rate=part["positive"] / part["n"])
        solid = part[part["n"] >= MIN_N] if (part["n"] >= MIN_N).any() else part
        # one rule, never both: a touchpoint more often criticised than praised is a pain, the reverse a strength
        pains = solid[solid["negative"] > solid["positive"]].sort_values(["negative", "neg_rate"], ascending=False).head(top)
        strengths = solid[solid["positive"] > solid["negative"]].sort_values(["pos_rate", "positive"], ascending=False).head(top)
        out.append({"stage": stage_label, "n": int(n), "net": (pos - neg) / n, "negative": int(neg), "positive": int(pos),
                    "pains": [f"{r.label}（负面 {r.neg_rate:.0%}，n={r.n}）" for r in pains.itertuples()],
                    "strengths": [f"{r.label}（好评 {r.pos_rate:.0%}，n={r.n}）" for r in strengths.itertuples()]})
    return pd.DataFrame(out)


def drill(filters: Filters, dim: str, col: str) -> Filters:
    """The filters narrowed to one heatmap column (for the verbatims behind a cell)."""
    from datetime import date, timedelta

    if dim == "region":
        return filters.with_(regions=(col,))
    if dim == "format":
        return filters.with_(formats=(col,))
    if dim == "channel":
        return filters.with_(channels=(col,))
    if dim == "store":
        return filters.with_(stores=(col,))
    if dim == "source":
        code = {v: k for k, v in SOURCE_NAMES.items()}.get(col, col)
        return filters.with_(sources=(code,))
    if dim in ("week", "day"):
        first = date.fromisoformat(col)
        last = first + timedelta(days=6 if dim == "week" else 0)
        return filters.with_(start=max(filters.start, first), end=min(filters.end, last))
    if dim == "month":
        y, m = map(int, col.split("-"))
        first = date(y, m, 1)
        last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        return filters.with_(start=max(filters.start, first), end=min(filters.end, last))
    raise ValueError(f"未知的维度：{dim}")
