"""Headline numbers for the 总览 page: volumes by source and the survey/review KPIs for the filters."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd

from cx import db, metrics
from cx.filters import Filters


def _counts(con, filters: Filters) -> dict:
    """Period totals = sums of the monthly counts (one query serves cards and trends)."""
    df = db.filtered_df(con, "overview/monthly", filters).drop(columns=["month"])
    return {k: int(v) for k, v in df.sum().items()} if len(df) else {k: 0 for k in df.columns}


def previous_period(filters: Filters) -> Filters:
    """The period of equal length just before the filter's period (same other filters)."""
    days = (filters.end - filters.start).days + 1
    return filters.with_(start=filters.start - timedelta(days=days), end=filters.start - timedelta(days=1))


def kpis(con, filters: Filters, compare: bool = True) -> dict:
    """Headline KPIs for the filters; with ``compare``, each also gets ``<key>_change`` vs the previous
    equal-length period (direction only when significant at 5 %)."""
    c = _counts(con, filters)
    out = _estimates(c)
    if compare:
        p = _counts(con, previous_period(filters))
        out["previous_n"] = int(p["n"])
        out["nps_change"] = metrics.nps_change((p["promoters"], p["passives"], p["detractors"]),
                                               (c["promoters"], c["passives"], c["detractors"]))
        out["csat_change"] = metrics.rate_change((p["csat_top"], p["csat_n"]), (c["csat_top"], c["csat_n"]))
        out["ces_change"] = metrics.rate_change((p["ces_top"], p["ces_n"]), (c["ces_top"], c["ces_n"]))
        out["negative_reviews_change"] = metrics.rate_change((p["reviews_negative"], p["reviews_rated"]),
                                                             (c["reviews_negative"], c["reviews_rated"]))
    return out


def _estimates(c: dict) -> dict:
    return {
        "volume": {s: int(c[f"n_{s}"]) for s in ("survey", "service", "review", "opinion")},
        "n": int(c["n"]),
        "nps": metrics.nps(c["promoters"], c["passives"], c["detractors"]),
        "csat": metrics.csat(c["csat_top"], c["csat_n"]),
        "ces": metrics.ces(c["ces_top"], c["ces_n"]),
        "ces_mean": c["ces_sum"] / c["ces_n"] if c["ces_n"] else None,
        "negative_reviews": metrics.rate(c["reviews_negative"], c["reviews_rated"]),
    }


def monthly(con, filters: Filters) -> pd.DataFrame:
    """One row per month with NPS, CSAT, CES and negative-review rate (value, low, high, n)."""
    df = db.filtered_df(con, "overview/monthly", filters)
    out = []
    for r in df.itertuples(index=False):
        row = {"month": r.month, "n": r.n}
        for key, est in (("nps", metrics.nps(r.promoters, r.passives, r.detractors)),
                         ("csat", metrics.csat(r.csat_top, r.csat_n)),
                         ("ces", metrics.ces(r.ces_top, r.ces_n)),
                         ("negative_reviews", metrics.rate(r.reviews_negative, r.reviews_rated))):
            row.update({key: est.value, f"{key}_low": est.low, f"{key}_high": est.high, f"{key}_n": est.n})
        out.append(row)
    return pd.DataFrame(out)


def by_source(con, filters: Filters) -> pd.DataFrame:
    return db.filtered_df(con, "overview/by_source", filters)


def filter_options(con, scope_stores: tuple[str, ...] | None = None) -> dict:
    """What the filter bar offers: stores (within scope), regions, channels per source, the data's dates."""
    stores = db.df(con, "options/stores", {"scope_stores": None if scope_stores is None else list(scope_stores)})
    channels = db.df(con, "options/channels")
    dr = db.df(con, "options/date_range").iloc[0]
    return {
        "stores": stores,
        "regions": sorted(stores["region"].unique().tolist()),
        "channels": channels,
        "first_day": None if pd.isna(dr["first_day"]) else dr["first_day"],
        "last_day": None if pd.isna(dr["last_day"]) else dr["last_day"],
    }
