"""Pain points: which touchpoints hurt most, in which words, and what is getting worse."""
from __future__ import annotations

import pandas as pd

from cx import db, metrics, sample
from cx.filters import Filters
from cx.text.taxonomy import default as taxonomy

MIN_N = sample.min_n("cell")   # data/small_sample.yaml: below it a negative rate is shown but flagged


def touchpoints(con, filters: Filters) -> pd.DataFrame:
    """One row per touchpoint with mentions: n, negative, negative rate with Wilson CI, stage, labels."""
    df = db.filtered_df(con, "pain/touchpoints", filters)
    tax = taxonomy()
    rows = []
    for r in df.itertuples(index=False):
        if r.touchpoint not in tax.by_id:
            continue
        tp = tax.by_id[r.touchpoint]
        e = metrics.rate(r.negative, r.n)
        rows.append({"touchpoint": tp.id, "label": tp.label, "stage": tp.stage_label, "n": int(r.n),
                     "negative": int(r.negative), "positive": int(r.positive), "neg_rate": e.value,
                     "neg_low": e.low, "neg_high": e.high, "small_n": r.n < MIN_N})
    cols = ["touchpoint", "label", "stage", "n", "negative", "positive", "neg_rate", "neg_low", "neg_high", "small_n"]
    return pd.DataFrame(rows, columns=cols)


def top(df: pd.DataFrame, by: str = "negative", n: int = 10) -> pd.DataFrame:
    """TOP-N by negative mentions, or by negative rate (ranked by the interval's lower bound, so a
    touchpoint with 3 mentions cannot top the list by luck). Touchpoints without a negative mention are
    not pain points and are left out."""
    df = df[df["negative"] > 0] if not df.empty else df
    if df.empty:
        return df
    if by == "neg_rate":
        return df.sort_values(["neg_low", "n"], ascending=[False, False]).head(n)
    return df.sort_values(["negative", "n"], ascending=[False, False]).head(n)


def emerging(con, filters: Filters, q: float = 0.05) -> pd.DataFrame:
    """Touchpoints whose negative rate rose significantly vs the previous period of equal length.

    Two-proportion z-test per touchpoint, Benjamini–Hochberg across touchpoints at FDR q.
    """
    both = filters.with_(start=filters.previous().start)
    df = db.filtered_df(con, "pain/touchpoints_two_periods", both, {"current_start": filters.params()["start"]})
    tax = taxonomy()
    df = df[df["touchpoint"].isin(list(tax.by_id))].reset_index(drop=True)
    if df.empty:
        return pd.DataFrame(columns=["touchpoint", "label", "stage", "rate_before", "rate_now", "n_before", "n_now",
                                     "diff", "p_value", "significant"])
    tests = [metrics.two_proportions(r.neg_before, r.n_before, r.neg_now, r.n_now) for r in df.itertuples()]
    sig = metrics.benjamini_hochberg([t.p_value for t in tests], q)
    out = pd.DataFrame({
        "touchpoint": df["touchpoint"], "label": df["touchpoint"].map(tax.label),
        "stage": df["touchpoint"].map(lambda t: tax.by_id[t].stage_label),
        "rate_before": [r.neg_before / r.n_before if r.n_before else None for r in df.itertuples()],
        "rate_now": [r.neg_now / r.n_now if r.n_now else None for r in df.itertuples()],
        "n_before": df["n_before"], "n_now": df["n_now"],
        "diff": [t.diff for t in tests], "p_value": [t.p_value for t in tests],
        "significant": [s and t.diff > 0 for s, t in zip(sig, tests)],
    })
    return out.sort_values(["significant", "diff"], ascending=[False, False]).reset_index(drop=True)


def negative_words(con, filters: Filters, touchpoint: str | None = None, limit: int = 150) -> pd.DataFrame:
    return db.filtered_df(con, "pain/neg_keywords", filters, {"touchpoint": touchpoint, "limit": limit})


def keyword_table(con, filters: Filters, limit: int = 50, touchpoint: str | None = None) -> pd.DataFrame:
    """word, total, negative, neg_share: the most frequent words (of one touchpoint's feedback if given)."""
    df = db.filtered_df(con, "pain/keywords", filters, {"limit": limit, "touchpoint": touchpoint})
    df["neg_share"] = df["negative"] / df["total"]
    return df


def verbatim_count(con, filters: Filters, touchpoint: str | None = None, polarity: int | None = None) -> int:
    """How many feedback ``verbatims`` can list for this choice (for totals and paging)."""
    return int(db.filtered_df(con, "pain/verbatim_count", filters,
                              {"touchpoint": touchpoint, "polarity": polarity})["n"].iloc[0])


def verbatims(con, filters: Filters, touchpoint: str | None = None, polarity: int | None = None,
              limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """Texts behind a touchpoint (all touchpoints if None); polarity −1 = negative only, +1 = not negative.

    The query reads only the newest ``fetch`` feedback × touchpoint rows. A feedback has at most one row
    per touchpoint and its rows sort together, so the newest ``limit`` feedback lie within the newest
    limit × (touchpoints) rows — except for "not negative on any touchpoint", which needs every row.
    """
    per_feedback = 1 if touchpoint else 2 * len(taxonomy().by_id)   # 2×: ids of an older taxonomy still stored
    fetch = None if touchpoint is None and polarity is not None and polarity >= 0 else (limit + offset) * per_feedback
    choice = {"touchpoint": touchpoint, "polarity": polarity}
    picks = db.filtered_df(con, "pain/verbatim_picks", filters, {**choice, "limit": limit, "offset": offset,
                                                                  "fetch": fetch})
    texts = db.df(con, "pain/verbatim_texts", {**choice, "ids": picks["feedback_id"].tolist(),
                                                "lo": picks["created_at"].min(), "hi": picks["created_at"].max()})
    out = picks.merge(texts, on="feedback_id")     # keeps the picks' newest-first order
    return out[["feedback_id", "created_at", *texts.columns.drop("feedback_id"), "worst"]]
