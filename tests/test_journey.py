from datetime import date

import pytest

from cx import drivers, journey
from cx.filters import Filters
from tests.helpers import load_rows

ALL = Filters(date(2026, 1, 1), date(2026, 12, 31))


def load(con, header, rows, source, name):
    load_rows(con, source, header.split(","), rows, name)


@pytest.fixture
def tiny(con):
    """华东 (S001, S002) serves slowly: 30 of 40 serving-speed mentions negative; 华南 (S003): 2 of 40."""
    rows = [(f"a{i}", "S001" if i % 2 else "S002", "2026-03-05", "上菜太慢了" if i < 30 else "上菜很快") for i in range(40)]
    rows += [(f"b{i}", "S003", "2026-04-05", "上菜太慢了" if i < 2 else "上菜很快") for i in range(40)]
    rows += [(f"c{i}", "S003", "2026-04-06", "停车很方便") for i in range(5)]
    load(con, "编号,门店编号,时间,内容", rows, "review", "r.csv")
    return con


def test_cells_known_answers(tiny):
    c = journey.cells(tiny, ALL, "region").set_index(["touchpoint", "col"])
    east, south = c.loc[("serving_speed", "华东")], c.loc[("serving_speed", "华南")]
    assert (east.n, east.negative, east.positive) == (40, 30, 10)
    assert east.neg_rate == pytest.approx(0.75) and south.neg_rate == pytest.approx(0.05)
    assert east.net == pytest.approx(-0.5)
    assert east.worse and not south.worse
    assert c.loc[("parking", "华南")].small          # 5 mentions < MIN_N


def test_other_dimensions_and_matrix(tiny):
    months = journey.cells(tiny, ALL, "month")
    assert set(months["col"]) == {"2026-03", "2026-04"}
    src = journey.cells(tiny, ALL, "source")
    assert set(src["col"]) == {"线上评价"}
    vals, n, small, worse = journey.matrix(journey.cells(tiny, ALL, "region"), "neg_rate")
    assert list(vals.index) == ["到店前 · 停车", "用餐 · 上菜速度"]      # journey order
    assert n.loc["用餐 · 上菜速度", "华东"] == 40 and worse.loc["用餐 · 上菜速度", "华东"]
    with pytest.raises(ValueError):
        journey.cells(tiny, ALL, "weather")


def test_drill_narrows_to_the_cell(tiny):
    f = journey.drill(ALL, "region", "华南")
    assert journey.cells(tiny, f, "region")["col"].unique().tolist() == ["华南"]
    m = journey.drill(ALL, "month", "2026-04")
    assert (m.start, m.end) == (date(2026, 4, 1), date(2026, 4, 30))
    assert journey.drill(ALL, "source", "线上评价").sources == ("review",)


def test_stage_map(tiny):
    s = journey.stage_map(tiny, ALL).set_index("stage")
    assert s.loc["用餐", "n"] == 80 and s.loc["用餐", "net"] == pytest.approx((48 - 32) / 80)
    # 上菜速度: 32 negative vs 48 positive mentions — net praised, so an opportunity/strength, not a pain
    assert s.loc["用餐", "strengths"][0].startswith("上菜速度") and s.loc["用餐", "pains"] == []
    assert list(s.index) == ["到店前", "用餐"]


def test_drivers_gap_and_quadrants(con):
    # 30 answers mention serving speed negatively with NPS 3; 30 others (positive taste) NPS 9.
    rows = [(f"q{i}", "S001", "2026-03-01", 3, "上菜太慢了") for i in range(30)]
    rows += [(f"p{i}", "S002", "2026-03-01", 9, "菜很好吃") for i in range(30)]
    rows += [(f"t{i}", "S002", "2026-03-01", 8 if i % 2 else 6, "菜太咸了") for i in range(10)]
    load(con, "编号,门店编号,时间,推荐度,内容", rows, "survey", "s.csv")
    d = drivers.key_drivers(con, ALL).set_index("touchpoint")
    expected_rest = (30 * 9 + 5 * 8 + 5 * 6) / 40
    assert d.loc["serving_speed", "gap"] == pytest.approx(expected_rest - 3)
    assert d.loc["serving_speed", "gap_low"] < d.loc["serving_speed", "gap"] < d.loc["serving_speed", "gap_high"]
    assert d.loc["serving_speed", "importance"] > d.loc["taste", "importance"]
    assert d.loc["serving_speed", "quadrant"] == "重点改进"
    assert set(d["quadrant"]) <= set(drivers.QUADRANTS.values())


def test_drill_starts_at_the_hottest_cell_with_enough_data(tiny):
    c = journey.cells(tiny, ALL, "region")
    assert journey.hottest(c) == ("serving_speed", "华东")
    only_small = c[c["touchpoint"] == "parking"]          # 5 mentions: nothing has enough data, take what there is
    assert journey.hottest(only_small) == ("parking", "华南")


def test_drill_into_the_no_store_column_finds_its_rows(tiny):
    from cx import painpoints
    from cx.filters import NO_STORE

    load(tiny, "编号,时间,内容", [("o1", "2026-03-01", "上菜太慢了，等了一小时"), ("o2", "2026-03-02", "上菜太慢")],
         "opinion", "o.csv")
    c = journey.cells(tiny, ALL, "region").set_index(["touchpoint", "col"])
    assert c.loc[("serving_speed", NO_STORE), "n"] == 2
    v = painpoints.verbatims(tiny, journey.drill(ALL, "region", NO_STORE), "serving_speed")
    assert sorted(v["text"]) == ["上菜太慢", "上菜太慢了，等了一小时"]
    # and the stores' own rows are not in that column
    assert len(painpoints.verbatims(tiny, journey.drill(ALL, "region", "华东"), "serving_speed")) == 40


def test_stage_map_never_lists_a_touchpoint_as_pain_and_strength(demo_con):
    """The journey map's cards follow one rule: net criticised → 痛点, net praised → 机会/长板, never both."""
    from datetime import date

    from cx.filters import Filters

    m = journey.stage_map(demo_con, Filters(date(2026, 5, 1), date(2026, 10, 31)), top=10)
    assert len(m)
    for r in m.itertuples():
        pains = {p.split("（")[0] for p in r.pains}
        strengths = {p.split("（")[0] for p in r.strengths}
        assert not pains & strengths, (r.stage, pains & strengths)
