"""Headline numbers for the 总览 page: volumes by source and the survey/review KPIs for the filters."""
from __future__ import annotations

import pandas as pd

from cx import db, metrics, timegrain
from cx.filters import Filters


COUNTS = ["n", "nps_n", "promoters", "passives", "detractors", "csat_n", "csat_top", "ces_n", "ces_top", "ces_sum",
          "reviews_rated", "reviews_negative"]


def daily(con, filters: Filters, compare: bool = True) -> pd.DataFrame:
    """Day × source × channel counts for the period (and the previous equal period with ``compare``): the one
    scan that kpis, monthly and by_source derive from."""
    span = filters.with_(start=filters.previous().start) if compare else filters
    df = db.filtered_df(con, "overview/daily", span)
    df["day"] = pd.to_datetime(df["day"]).dt.date
    return df


def _totals(days: pd.DataFrame) -> dict:
    sums = days[COUNTS].sum()
    out = {k: int(sums[k]) for k in COUNTS}
    for s in ("survey", "service", "review", "opinion"):
        out[f"n_{s}"] = int(days.loc[days["source"] == s, "n"].sum())
    return out


def kpis(con, filters: Filters, compare: bool = True, days: pd.DataFrame | None = None) -> dict:
    """Headline KPIs for the filters; with ``compare``, each also gets ``<key>_change`` vs the previous
    equal-length period (direction only when significant at 5 %). ``days``: a ``daily`` frame to reuse."""
    days = daily(con, filters, compare) if days is None else days
    c = _totals(days[days["day"] >= filters.start])
    out = _estimates(c)
    if compare:
        p = _totals(days[days["day"] < filters.start])
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


def monthly(con, filters: Filters, days: pd.DataFrame | None = None, grain: str = "month") -> pd.DataFrame:
    """One row per period (``grain``: day | week | month | auto, see cx/timegrain.py) with NPS, CSAT, CES and
    negative-review rate (value, low, high, n). The period start is in ``month`` (the column name charts
    read) and ``period``; ``attrs["grain"]`` says which grain."""
    grain = timegrain.resolve(grain, filters.start, filters.end)
    days = daily(con, filters, compare=False) if days is None else days
    days = days[days["day"] >= filters.start]
    if days.empty:
        return pd.DataFrame()
    month = timegrain.bucket(days["day"], grain)
    df = days[COUNTS].groupby(month.rename("month")).sum().reset_index().sort_values("month")
    out = []
    for r in df.itertuples(index=False):
        row = {"month": r.month, "n": r.n}
        for key, est in (("nps", metrics.nps(r.promoters, r.passives, r.detractors)),
                         ("csat", metrics.csat(r.csat_top, r.csat_n)),
                         ("ces", metrics.ces(r.ces_top, r.ces_n)),
                         ("negative_reviews", metrics.rate(r.reviews_negative, r.reviews_rated))):
            row.update({key: est.value, f"{key}_low": est.low, f"{key}_high": est.high, f"{key}_n": est.n})
        out.append(row)
    out = pd.DataFrame(out)
    out["period"] = out["month"]
    out.attrs["grain"] = grain
    return out


def by_source(con, filters: Filters, days: pd.DataFrame | None = None) -> pd.DataFrame:
    """Feedback count per source × channel in the period, largest channel first within a source."""
    days = daily(con, filters, compare=False) if days is None else days
    days = days[days["day"] >= filters.start]
    df = days.groupby(["source", "channel"], dropna=False)["n"].sum().reset_index()
    return df.sort_values(["source", "n"], ascending=[True, False]).reset_index(drop=True)


def page(con, filters: Filters, grain: str = "month") -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """Everything the 总览 page shows (KPIs with comparison, trend at ``grain``, source mix) from one scan."""
    days = daily(con, filters)
    return kpis(con, filters, days=days), monthly(con, filters, days, grain), by_source(con, filters, days)


def weekday_hour(con, filters: Filters) -> pd.DataFrame:
    """Feedback per weekday (0 = Monday) × hour of day in the period, with the negative share (sentiment
    label −1) — the week's rhythm behind daily trends and incident baselines."""
    df = db.filtered_df(con, "overview/weekday_hour", filters)
    df["neg_rate"] = df["negative"] / df["n"].where(df["n"] > 0)
    return df


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
