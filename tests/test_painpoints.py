from datetime import date

import pandas as pd
import pytest

from cx import db, metrics, painpoints
from cx.filters import Filters
from tests.helpers import load_rows


def reviews(con, rows):
    return load_rows(con, "review", ["编号", "门店编号", "时间", "内容"], [(f"r{i}", *r) for i, r in enumerate(rows)], "r.csv")


@pytest.fixture
def store(con):
    rows = []
    # March: serving speed mostly fine; April: mostly slow (an emerging issue); taste steady.
    rows += [("S001", f"2026-03-{d:02d}", "上菜很快") for d in range(1, 29)]
    rows += [("S001", f"2026-03-{d:02d}", "上菜太慢了") for d in range(1, 5)]
    rows += [("S002", f"2026-04-{d:02d}", "上菜太慢了") for d in range(1, 29)]
    rows += [("S002", f"2026-04-{d:02d}", "上菜很快") for d in range(1, 4)]
    rows += [("S003", f"2026-03-{d:02d}", "菜很好吃") for d in range(1, 11)]
    rows += [("S003", f"2026-04-{d:02d}", "菜很好吃") for d in range(1, 11)]
    rows += [("S003", "2026-04-15", "菜太咸了")]
    reviews(con, rows)
    return con


APRIL = Filters(date(2026, 4, 1), date(2026, 4, 30))


def test_touchpoint_counts_and_rates(store):
    df = painpoints.touchpoints(store, APRIL).set_index("touchpoint")
    assert df.loc["serving_speed", ["n", "negative", "positive"]].tolist() == [31, 28, 3]
    assert df.loc["taste", ["n", "negative"]].tolist() == [11, 1]
    assert df.loc["serving_speed", "neg_rate"] == pytest.approx(28 / 31)
    assert df.loc["taste", "small_n"]


def test_top_by_rate_uses_lower_bound(store):
    df = painpoints.touchpoints(store, APRIL)
    assert painpoints.top(df, "neg_rate").iloc[0]["touchpoint"] == "serving_speed"
    assert painpoints.top(df, "negative").iloc[0]["touchpoint"] == "serving_speed"


def test_top_lists_only_touchpoints_with_complaints_in_whole_numbers(store):
    import json

    from cx import charts

    march = painpoints.touchpoints(store, Filters(date(2026, 3, 1), date(2026, 3, 31)))
    assert set(march["touchpoint"]) == {"serving_speed", "taste"}             # taste: 10 mentions, none negative
    for by in ("negative", "neg_rate"):
        assert painpoints.top(march, by)["touchpoint"].tolist() == ["serving_speed"]
    few = painpoints.top(march).assign(negative=3)
    axis = json.loads(charts.touchpoint_bars(few, "negative", "t").to_json())["layout"]["xaxis"]
    assert axis["dtick"] == 1 and axis["tickformat"] == ",d"
    assert painpoints.top(march[march["touchpoint"] == "taste"]).empty


def test_emerging_issue_found_and_steady_touchpoint_not(store):
    em = painpoints.emerging(store, APRIL).set_index("touchpoint")
    assert em.loc["serving_speed", "significant"]
    assert em.loc["serving_speed", "n_before"] == 30 and em.loc["serving_speed", "n_now"] == 31
    assert not em.loc["taste", "significant"]


def test_verbatims_and_words(store):
    v = painpoints.verbatims(store, APRIL, "serving_speed", -1)
    assert len(v) == 28 and set(v["text"]) == {"上菜太慢了"}
    assert all("上菜" in list(w) for w in v["words"])
    w = painpoints.negative_words(store, APRIL)
    assert w.iloc[0]["word"] == "上菜"


def test_scope_applies_to_pain_points(store):
    df = painpoints.touchpoints(store, APRIL.with_(scope_stores=("S003",)))
    assert set(df["touchpoint"]) == {"taste"}
    assert painpoints.verbatims(store, APRIL.with_(scope_stores=("S003",)), "serving_speed").empty


def test_two_proportion_test_hand_example():
    # 10/100 vs 20/100: pooled 0.15, SE = sqrt(.15*.85*.02) = 0.0505, z = 1.980, p = 0.0477
    c = metrics.two_proportions(10, 100, 20, 100)
    assert c.z == pytest.approx(1.980, abs=1e-3) and c.p_value == pytest.approx(0.0477, abs=1e-3)
    assert metrics.two_proportions(0, 0, 1, 2).p_value == 1.0


def test_benjamini_hochberg():
    assert metrics.benjamini_hochberg([0.001, 0.02, 0.04, 0.5]) == [True, True, False, False]
    assert metrics.benjamini_hochberg([0.2, 0.3]) == [False, False]


@pytest.mark.parametrize("touchpoint", [None, "serving_speed", "taste"])
@pytest.mark.parametrize("polarity", [-1, 1, None])
def test_verbatims_bounded_read_equals_full_read(demo_con, touchpoint, polarity):
    """The bounded top-N read finds exactly the newest feedback that reading every row finds."""
    end = demo_con.execute("SELECT max(created_at)::DATE FROM feedback").fetchone()[0]
    f = Filters(date(end.year, end.month, 1), end)
    fast = painpoints.verbatims(demo_con, f, touchpoint, polarity, limit=25)
    full = db.filtered_df(demo_con, "pain/verbatim_picks", f,
                          {"touchpoint": touchpoint, "polarity": polarity, "limit": 25, "offset": 0, "fetch": None})
    assert len(fast) == 25
    pd.testing.assert_frame_equal(fast[full.columns], full)
    assert fast["text"].notna().all() and all(len(w) for w in fast["words"])
    if polarity is not None:
        assert ((fast["worst"] < 0) == (polarity < 0)).all()


def test_no_verbatims_still_has_every_column(store):
    empty = painpoints.verbatims(store, APRIL.with_(scope_stores=("S003",)), "serving_speed")
    full = painpoints.verbatims(store, APRIL, "serving_speed")
    assert empty.empty and list(empty.columns) == list(full.columns)
