"""The roll-ups (store × month counts, chain-level word counts) answer exactly what the rows answer: they
are only ever a shortcut."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from cx import db, painpoints, rollup, scoring
from cx.filters import Filters
from cx.ingest import import_bytes
from tests.conftest import NOW


def leaves(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    """Indicator counts per store; ``raw`` treats every day as an edge day, i.e. reads only the rows."""
    return scoring.leaves(con, f, extra=_raw(f, raw)).sort_values("store_id").reset_index(drop=True)


def monthly_leaves(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    return scoring.leaves(con, f, monthly=True, extra=_raw(f, raw))


def keywords(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    return db.filtered_df(con, "pain/keywords", f, {"touchpoint": None, "limit": 100_000, **(_raw(f, raw) or {})})


def cloud(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    return db.filtered_df(con, "pain/neg_keywords", f, {"touchpoint": None, "limit": 100_000, **(_raw(f, raw) or {})})


def store_touchpoints(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    df = db.filtered_df(con, "scoring/touchpoints", f, _raw(f, raw))
    return df.sort_values(["store_id", "touchpoint"]).reset_index(drop=True)


def touchpoints(con, f: Filters, raw: bool = False) -> pd.DataFrame:
    return db.filtered_df(con, "pain/touchpoints", f, _raw(f, raw)).sort_values("touchpoint").reset_index(drop=True)


def _raw(f: Filters, raw: bool) -> dict | None:
    return {"full_start": f.start, "full_end": f.start} if raw else None


def last_month(con) -> date:
    return con.execute("SELECT max(created_at)::DATE FROM feedback").fetchone()[0].replace(day=1)


@pytest.mark.parametrize("answer", [leaves, monthly_leaves, keywords, cloud, store_touchpoints, touchpoints])
@pytest.mark.parametrize("span", ["whole months", "ragged edges", "inside one month"])
@pytest.mark.parametrize("narrow", [{}, {"regions": ("华东",)}, {"sources": ("survey", "review")},
                                    {"channels": ("小程序问卷",)}, {"formats": ("社区店",)}])
def test_rollup_equals_rows(demo_con, answer, span, narrow):
    end = last_month(demo_con)
    start = (pd.Timestamp(end) - pd.DateOffset(months=5)).date()
    f = {"whole months": Filters(start, end - pd.Timedelta(days=1)),
         "ragged edges": Filters(start.replace(day=12), end.replace(day=9)),
         "inside one month": Filters(start.replace(day=3), start.replace(day=20))}[span].with_(**narrow)
    fast, slow = answer(demo_con, f), answer(demo_con, f, raw=True)
    assert len(fast) > 0
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)


def test_import_and_rebuild_keep_the_rollup_current(con):
    f = Filters(date(2026, 3, 1), date(2026, 3, 31))
    csv = ("编号,门店编号,时间,推荐度,内容\n" + "".join(f"a{i},S001,2026-03-{i % 28 + 1:02d},{i % 11},上菜太慢了\n"
                                                   for i in range(40))).encode()
    import_bytes(con, csv, "s.csv", "survey", now=NOW)
    fast = leaves(con, f)
    assert fast.loc[fast["store_id"] == "S001", "nps_n"].item() == 40
    pd.testing.assert_frame_equal(fast, leaves(con, f, raw=True), check_dtype=False)
    words = painpoints.keyword_table(con, f)
    assert words.set_index("word").loc["上菜", "total"] == 40
    pd.testing.assert_frame_equal(keywords(con, f), keywords(con, f, raw=True), check_dtype=False)
    # a stale roll-up would be visible here; refresh_all is idempotent
    tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in rollup.TABLES}
    rollup.refresh_all(con)
    for t, before in tables.items():
        pd.testing.assert_frame_equal(before, con.execute(f"SELECT * FROM {t} ORDER BY ALL").df())
    assert scoring.assess(con, f).stores["n"].sum() == 40


def test_repeat_complainers_across_months_and_edges(con):
    """A customer who complains once in each of two whole months, and one who complains twice on a
    ragged edge day, are both repeaters — whether read from the roll-up or from rows."""
    rows = [("k1", "2026-03-05"), ("k1", "2026-04-20"), ("k2", "2026-02-27"), ("k2", "2026-02-28"),
            ("k3", "2026-03-09")]
    csv = ("门店编号,时间,顾客,内容\n" + "".join(f"S001,{d} 12:00,{c},上菜太慢我要投诉\n" for c, d in rows)).encode()
    import_bytes(con, csv, "c.csv", "service", now=NOW)
    f = Filters(date(2026, 2, 20), date(2026, 4, 30))
    fast = leaves(con, f).set_index("store_id")
    assert fast.loc["S001", ["complainers", "repeaters"]].tolist() == [3, 2]
    pd.testing.assert_frame_equal(fast.reset_index()[leaves(con, f).columns], leaves(con, f, raw=True), check_dtype=False)


def test_monthly_buckets_equal_one_query_per_month(demo_con):
    """A trend's single monthly query gives each month exactly what that month alone gives."""
    end = last_month(demo_con)
    f = Filters((pd.Timestamp(end) - pd.DateOffset(months=3)).date().replace(day=10), end.replace(day=15))
    months = scoring.leaves(demo_con, f, monthly=True)
    assert months["bucket"].nunique() == 4          # 10 Jul – 15 Oct: two partial months, two whole
    for b, got in months.groupby("bucket"):
        lo = b.date()
        hi = min(f.end, (pd.Timestamp(lo) + pd.offsets.MonthEnd(0)).date())
        alone = scoring.leaves(demo_con, f.with_(start=lo, end=hi))
        pd.testing.assert_frame_equal(got.drop(columns="bucket").reset_index(drop=True),
                                      alone.drop(columns="bucket"), check_dtype=False)


@pytest.mark.parametrize("start_day", [1, 12])
def test_assessment_pair_equals_two_assessments(demo_con, start_day):
    end = last_month(demo_con)
    f = Filters((pd.Timestamp(end) - pd.DateOffset(months=3)).date().replace(day=start_day), end)
    now, before = scoring.assess_pair(demo_con, f)
    for got, alone in ((now, scoring.assess(demo_con, f)), (before, scoring.assess(demo_con, f.previous()))):
        pd.testing.assert_frame_equal(got.stores, alone.stores)
        np.testing.assert_allclose(got.value, alone.value)
        np.testing.assert_allclose(got.se, alone.se)
    assert before.stores["n"].sum() > 0
