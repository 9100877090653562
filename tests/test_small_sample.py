"""One small-sample policy (data/small_sample.yaml, cx/sample.py): every page/export function applies it.

Walks the cx functions behind 门店排名, 门店画像, 旅程热力图, 痛点分析, 驱动因素/IPA, KANO, 工单中心 (SLA league),
the deck and the charts, and checks the treatment: flag/grey/label below the minimum, no rank number, not in
best/worst lists, no verdict — with the thresholds read from the one YAML file."""
import re
from datetime import date

import numpy as np
import pytest

from cx import charts, drivers, journey, kano, painpoints, sample, scoring
from cx.db import ROOT
from cx.filters import Filters
from cx.loop import tickets
from cx.report import deck

QUARTER = Filters(date(2026, 8, 1), date(2026, 10, 31))


def test_policy_file_is_the_one_source_of_thresholds():
    p = sample.policy()
    assert set(p["min_n"]) >= set(sample.KINDS) and p["label"] == "样本不足"
    assert journey.MIN_N == painpoints.MIN_N == sample.min_n("cell")
    assert drivers.MIN_NEG == sample.min_n("driver")
    assert scoring.default().min_n == sample.min_n("store")
    import ui.fmt
    assert ui.fmt.SMALL_N == sample.min_n("kpi")
    # no page, widget or domain module hard-codes its own minimum
    pattern = re.compile(r"(MIN_N|SMALL_N|MIN_NEG|min_n)\s*(:\s*int\s*)?=\s*\d+")
    for path in [*ROOT.glob("cx/**/*.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        if path.name in ("incidents.py",):
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_policy_errors_are_chinese():
    with pytest.raises(sample.PolicyError, match="min_n"):
        sample.parse({"min_n": {"store": 0}})


def test_rankings_and_profile(demo_con):
    t = scoring.rank_stores(demo_con, QUARTER.start, QUARTER.end)
    small = t["n"] < sample.min_n("store")
    assert small.any() and (t["insufficient"] == small).all()
    assert t.loc[small, "rank"].isna().all() and t.loc[~small, "rank"].notna().all()
    a = scoring.assess(demo_con, QUARTER)
    s = a.stores.loc[a.stores["insufficient"], "store_id"].iloc[0]
    assert scoring.strengths_weaknesses(a, s)["insufficient"]
    fig = charts.rank_intervals(t, "排名", None)
    colors = fig.data[0].marker.color
    assert [c == "#BBBBBB" for c in colors] == list(t["insufficient"])[::-1]     # drawn bottom-up


def test_deck_lists_only_ranked_stores(demo_con):
    r = deck.collect(demo_con, QUARTER, "全连锁", sections=("原因分析",))
    tables = [s.table for s in r.slides if s.table is not None]
    assert tables
    t = scoring.rank_stores(demo_con, QUARTER.start, QUARTER.end)
    ranked = set(t.loc[t["rank"].notna(), "store_id"])
    for row in tables[0]["门店"]:
        assert row.split()[0] in ranked


def test_heatmap_pain_points_drivers(demo_con):
    cells = journey.cells(demo_con, QUARTER, "store")
    assert (cells["small"] == (cells["n"] < sample.min_n("cell"))).all()
    assert not (cells["small"] & cells["worse"]).any()            # no verdict on a small cell
    tps = painpoints.touchpoints(demo_con, QUARTER.with_(stores=("S0001",)))
    assert (tps["small_n"] == (tps["n"] < sample.min_n("cell"))).all()
    d = drivers.key_drivers(demo_con, QUARTER.with_(regions=("华东",)))
    assert (d["reliable"] == (d["n_neg"] >= sample.min_n("driver"))).all()


def test_store_verdicts(demo_con):
    store = "S0001"
    v = scoring.touchpoint_verdicts(demo_con, QUARTER, store)
    assert v.loc[v["n"] < sample.min_n("cell"), "verdict"].isna().all()


def test_kano_by_store(demo_con):
    one = kano.features(demo_con, QUARTER.with_(stores=("S0001",)))
    assert len(one) and one["small"].all() and one["category"].isna().all()   # a store has few KANO answers
    chain = kano.features(demo_con, Filters(date(2025, 11, 1), date(2026, 10, 31)))
    assert (chain["small"] == (chain["n"] < sample.min_n("kano"))).all() and (~chain["small"]).any()
    fig = charts.kano_scatter(one, "KANO", None)
    assert set(fig.data[0].marker.color) == {"#BBBBBB"}


def test_sla_league(demo_con):
    s = tickets.sla(demo_con, Filters(date(2025, 11, 1), date(2026, 10, 31)))
    by = s.by_store
    assert (by["insufficient"] == (by["resolved"] < sample.min_n("sla"))).all()
    assert by["insufficient"].any() or (by["resolved"] >= sample.min_n("sla")).all()
    assert np.isfinite(by.loc[~by["insufficient"], "within_rate"]).all()


def test_profile_radar_greys_a_small_store(demo_con):
    a = scoring.assess(demo_con, QUARTER)
    groups = scoring.group_scores(a)
    st = a.stores.set_index("store_id")
    small, ok = st.index[st["insufficient"]][0], st.index[~st["insufficient"]][0]
    axes = list(groups.columns)
    for store, is_small in ((small, True), (ok, False)):
        n = int(st.loc[store, "n"])
        fig = charts.radar({store: groups.loc[store].tolist(), "全连锁平均": groups.mean().tolist()}, axes, "雷达", None,
                           n={store: n})
        own, chain = fig.data
        assert (own.line.color == charts.SMALL) is is_small and (own.line.dash == "dash") is is_small
        assert (sample.LABEL in own.name) is is_small and (own.fill == "toself") is not is_small
        assert f"n={n}" in own.name if is_small else own.name == store
        assert chain.line.color != charts.SMALL and chain.line.dash == "solid"    # averages are never small
    # the threshold is the policy's 'store' minimum: exactly at it is enough
    at_min = charts.radar({"x": [50.0] * len(axes)}, axes, "雷达", n={"x": sample.min_n("store")})
    below = charts.radar({"x": [50.0] * len(axes)}, axes, "雷达", n={"x": sample.min_n("store") - 1})
    assert at_min.data[0].line.color != charts.SMALL and below.data[0].line.color == charts.SMALL
