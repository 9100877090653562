from datetime import date

import numpy as np
import pytest
import yaml

from cx import db, scoring
from cx.filters import Filters
from tests.helpers import load_rows

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))
ONE_LEAF = {"min_n": 10, "simulations": 200, "groups": [
    {"id": "survey", "label": "问卷体验", "weight": 1.0, "leaves": [
        {"id": "csat", "label": "CSAT", "metric": "csat", "direction": "higher", "normalize": "percentile",
         "weight": 1.0, "prior": 40, "min_n": 5}]}]}


def surveys(con, store, n, top, day="2026-03-10", tag="x"):
    load_rows(con, "survey", ["编号", "门店编号", "时间", "满意度"],
              [(f"{tag}{store}{i}", store, day, 5 if i < top else 2) for i in range(n)], f"{tag}{store}.csv")


@pytest.fixture
def east(con):
    """Region 华东: S001 3 answers all satisfied; S002 3 000 answers, 60 % satisfied."""
    surveys(con, "S001", 3, 3)
    surveys(con, "S002", 3000, 1800)
    return con


def test_shrinkage_small_store_pulled_large_store_barely_moves(east):
    a = scoring.assess(east, MARCH, scoring.parse(ONE_LEAF))
    v = dict(zip(a.stores["store_id"], a.value[:, 0]))
    pooled = 100 * (3 + 1800) / 3003
    # shrunk = (n·x + m·pooled)/(n + m) with m = 40, in %
    assert v["S001"] == pytest.approx((3 * 100 + 40 * pooled) / 43)
    assert v["S002"] == pytest.approx((3000 * 60 + 40 * pooled) / 3040)
    assert abs(v["S001"] - pooled) < 5 and abs(v["S002"] - 60) < 0.1


def test_store_without_data_sits_at_its_region_mean(east):
    a = scoring.assess(east, MARCH, scoring.parse(ONE_LEAF))
    v = dict(zip(a.stores["store_id"], a.value[:, 0]))
    assert v["S003"] == pytest.approx(100 * 1803 / 3003)   # 华南 has no data: the chain's pooled value
    assert a.stores.set_index("store_id").loc["S001", "insufficient"]


def test_composite_is_weighted_sum_and_contributions_add_up(demo_con):
    f = Filters(date(2026, 8, 1), date(2026, 10, 31))
    a = scoring.assess(demo_con, f)
    comp = scoring.composite(a)
    hit = a.incident if a.incident is not None else np.zeros(len(comp), bool)
    raw = a.norm @ a.scheme.weights()
    assert np.allclose(comp[~hit], raw[~hit]) and (comp[hit] <= raw[hit]).all()   # incidents only lower it
    assert np.allclose(scoring.contributions(a).sum(axis=1).to_numpy(), comp)
    assert a.scheme.weights().sum() == pytest.approx(1.0)
    assert (a.norm >= 0).all() and (a.norm <= 100).all()


def test_weight_change_reorders_as_expected(demo_con):
    a = scoring.assess(demo_con, Filters(date(2026, 8, 1), date(2026, 10, 31)))
    only_rating = {g: (1.0 if g == "reviews" else 0.0) for g, _, _ in a.scheme.groups} | {"neg_reviews": 0.0}
    league = scoring.league(a, only_rating, simulate=False)
    j = a.leaf_ids.index("rating")
    ranked = ~a.stores["insufficient"].to_numpy()          # small samples take no rank (small_sample.yaml)
    best = a.stores["store_id"].to_numpy()[ranked][int(np.argmax(a.norm[ranked, j]))]
    assert league.iloc[0]["store_id"] == best


def test_small_samples_get_no_rank_and_sort_last(demo_con):
    t = scoring.rank_stores(demo_con, date(2026, 8, 1), date(2026, 10, 31))
    small = t["insufficient"].to_numpy()
    assert small.any() and (~small).any()
    assert t.loc[small, ["rank", "rank_low", "rank_high"]].isna().all().all()
    ranked = t.loc[~small, "rank"].astype(int)
    assert ranked.min() == 1 and ranked.max() <= len(ranked)
    assert not small[: len(ranked)].any()                   # the ranked stores come first
    assert t.loc[~small, "rank_high"].max() <= len(ranked)  # intervals rank among the ranked stores only


def test_rank_stores_public_contract(demo_con):
    t = scoring.rank_stores(demo_con, date(2026, 8, 1), date(2026, 10, 31))
    for col in ("store_id", "composite", "rank", "rank_low", "rank_high", "n", "insufficient"):
        assert col in t.columns
    assert t["rank"].min() == 1 and t["composite"].between(0, 100).all()
    assert (t["rank_low"] <= t["rank_high"]).dropna().all()
    assert t.loc[t["rank"].notna(), "composite"].is_monotonic_decreasing
    assert set(t["insufficient"]) <= {True, False} and (t["n"] >= 0).all()


def test_fewer_answers_mean_wider_posterior(east):
    a = scoring.assess(east, MARCH, scoring.parse(ONE_LEAF))
    se = dict(zip(a.stores["store_id"], a.se[:, 0]))
    assert se["S001"] > 5 * se["S002"]


def test_strengths_and_weaknesses_sentences(east):
    a = scoring.assess(east, MARCH, scoring.parse(ONE_LEAF))
    # only 3 stores in total and 2 in 华东: too few peers for standardised comparisons
    sw = scoring.strengths_weaknesses(a, "S001")
    assert sw["weak"] == [] and sw["strong"] == []


def test_strengths_weaknesses_on_demo(demo_con):
    f = Filters(date(2025, 11, 1), date(2026, 10, 31))
    a = scoring.assess(demo_con, f)
    sid = a.stores["store_id"].iloc[0]
    sw = scoring.strengths_weaknesses(a, sid, extra=scoring.touchpoint_rates(demo_con, f))
    for x in sw["weak"] + sw["strong"]:
        assert "同区域门店" in x["sentence"] and "个标准差" in x["sentence"]
    assert all(x["z"] < 0 for x in sw["weak"]) and all(x["z"] > 0 for x in sw["strong"])


@pytest.mark.parametrize("mutate,needle", [
    (lambda d: d.pop("groups"), "缺少 groups"),
    (lambda d: d["groups"][0]["leaves"][0].update(metric="magic"), "metric"),
    (lambda d: d["groups"][0]["leaves"][0].update(direction="up"), "direction"),
    (lambda d: d["groups"][0]["leaves"][0].update(normalize="log"), "normalize"),
    (lambda d: d["groups"][0].update(weight=-1), "weight"),
    (lambda d: d["groups"][0].update(leaves=[]), "没有二级指标"),
    (lambda d: d["groups"][0]["leaves"].append(dict(d["groups"][0]["leaves"][0])), "重复"),
])
def test_scheme_validation_messages(mutate, needle):
    import copy

    doc = copy.deepcopy(ONE_LEAF)
    mutate(doc)
    with pytest.raises(scoring.SchemeError, match=needle):
        scoring.parse(doc)


def test_shipped_scheme_loads_and_round_trips():
    s = scoring.default()
    assert {g for g, _, _ in s.groups} == {"survey", "service", "reviews", "opinion", "external"}
    import yaml

    again = scoring.parse(yaml.safe_load(s.to_yaml({"survey": 0.5})))
    assert dict((g, w) for g, _, w in again.groups)["survey"] == 0.5
    assert len(again.leaves) == len(s.leaves)


def test_incident_drops_the_store_into_the_bottom_group(demo_db, tmp_path):
    import shutil
    from datetime import datetime

    path = tmp_path / "p.duckdb"
    shutil.copy(demo_db, path)
    con = db.connect(path)
    f = Filters(date(2026, 8, 1), date(2026, 10, 31))
    before = scoring.rank_stores(con, f.start, f.end)
    best = before.iloc[0]["store_id"]               # the month's best store …
    con.execute("""INSERT INTO incidents VALUES ('i1', ?, 'touchpoint', 'food_safety', 'high', DATE '2026-08-10', DATE '2026-08-20',
                   DATE '2026-08-12', DATE '2026-08-20', 20, 2.0, 7, DATE '2026-08-18', 12, 1.0, 1e-9, 1e-7, [], 't1', 'subsided',
                   'x', ?)""", [best, datetime(2026, 8, 21)])
    after = scoring.rank_stores(con, f.start, f.end)
    r = after[after["store_id"] == best].iloc[0]      # … has a food-safety incident: bottom 10 %
    S = int(after["rank"].notna().sum())
    # among ~26 ranked stores (two of them capped: this one and the demo's own incident) the bottom group
    # is the last few places
    assert r["rank"] > 0.8 * S and r["rank_low"] > 0.75 * S and "食品安全" in r["incident"]
    planted = db.demo_stories(con)["incident"]["store_id"]     # the demo's own incident (if detected)
    others = after[~after["store_id"].isin([best, planted])]
    assert others["incident"].isna().all()
    # other months and a scheme without the rule are untouched
    sep = scoring.rank_stores(con, date(2026, 10, 1), date(2026, 10, 31))
    assert sep[sep["store_id"] == best]["incident"].isna().all()
    plain = scoring.parse({k: v for k, v in yaml.safe_load(scoring.INDICATORS_FILE.read_text(encoding="utf-8")).items()
                           if k != "incident_penalty"})
    unpenalised = scoring.rank_stores(con, f.start, f.end, scheme=plain)
    assert unpenalised.iloc[0]["store_id"] == best


def test_penalty_rule_errors():
    doc = yaml.safe_load(scoring.INDICATORS_FILE.read_text(encoding="utf-8"))
    with pytest.raises(scoring.SchemeError, match="incident_penalty"):
        scoring.parse({**doc, "incident_penalty": {"rule": "fire"}})
    cap = scoring.parse({**doc, "incident_penalty": {"rule": "cap", "cap": 30}})
    assert cap.penalty.ceiling(np.array([50.0, 60.0])) == 30


def test_strength_and_weakness_are_exclusive_and_stated_with_evidence(demo_con):
    from cx import sample

    f = Filters(date(2026, 5, 1), date(2026, 10, 31))
    a = scoring.assess(demo_con, f)
    judged = 0
    for store in a.stores.loc[~a.stores["insufficient"], "store_id"]:
        v = scoring.touchpoint_verdicts(demo_con, f, store)
        assert v["verdict"].isin(["长板", "短板"]).sum() == v["verdict"].notna().sum()
        assert (v.loc[v["verdict"].notna(), "n"] >= sample.min_n("cell")).all()
        assert (v.loc[v["verdict"] == "长板", "net"] > v.loc[v["verdict"] == "长板", "chain_net"]).all()
        assert (v.loc[v["verdict"] == "短板", "net"] < v.loc[v["verdict"] == "短板", "chain_net"]).all()
        assert (v.loc[v["verdict"].notna(), "p_value"] < 0.05).all()
        sw = scoring.strengths_weaknesses(a, store, top=50, verdicts=v)
        weak, strong = {x["label"] for x in sw["weak"]}, {x["label"] for x in sw["strong"]}
        assert not weak & strong, store
        for x in sw["weak"] + sw["strong"]:
            assert "标准差" in x["sentence"] or "p =" in x["sentence"] or "p < 0.001" in x["sentence"]
            assert abs(x["z"]) >= 1.0                       # no "strength" of half a standard deviation
        judged += v["verdict"].notna().sum()
    assert judged > 0
    small = a.stores.loc[a.stores["insufficient"], "store_id"]
    if len(small):
        assert scoring.strengths_weaknesses(a, small.iloc[0]) == {"weak": [], "strong": [], "insufficient": True}


def test_ipa_files_safety_critical_touchpoints_as_must_fix(demo_con):
    from cx import drivers

    d = drivers.key_drivers(demo_con, Filters(date(2025, 11, 1), date(2026, 10, 31)))
    fs = d[d["touchpoint"] == "food_safety"]
    assert len(fs) == 1 and fs.iloc[0]["quadrant"] == drivers.MUST_FIX
    assert (d.loc[d["touchpoint"] != "food_safety", "quadrant"] != drivers.MUST_FIX).sum() >= len(d) - 2
