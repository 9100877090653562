from datetime import date

import pytest

from cx import overview
from cx.filters import Filters
from cx.ingest import import_bytes
from tests.conftest import NOW

ALL = Filters(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def small(con):
    text = ("问卷编号,门店编号,提交时间,推荐度,满意度,费力度\n"
            "1,S001,2026-03-01,10,5,7\n2,S001,2026-03-02,9,4,6\n3,S002,2026-03-03,7,3,4\n"
            "4,S003,2026-04-01,3,1,2\n5,S003,2026-04-02,0,2,1\n")
    import_bytes(con, text.encode(), "s.csv", "survey", now=NOW)
    reviews = "编号,门店编号,时间,星级,内容\nr1,S001,2026-03-05,1,差\nr2,S003,2026-04-05,5,好\n"
    import_bytes(con, reviews.encode(), "r.csv", "review", now=NOW)
    return con


def test_kpis_hand_computed(small):
    k = overview.kpis(small, ALL)
    assert k["n"] == 7 and k["volume"] == {"survey": 5, "service": 0, "review": 2, "opinion": 0}
    assert k["nps"].value == pytest.approx(100 * (2 - 2) / 5)
    assert k["csat"].value == pytest.approx(2 / 5)
    assert k["ces"].value == pytest.approx(2 / 5)
    assert k["negative_reviews"].value == pytest.approx(1 / 2)


def test_filters_change_the_numbers(small):
    k = overview.kpis(small, ALL.with_(regions=("华南",)))
    assert k["nps"].n == 2 and k["nps"].value == pytest.approx(-100)
    k = overview.kpis(small, ALL.with_(stores=("S001",), sources=("survey",)))
    assert k["n"] == 2 and k["nps"].value == pytest.approx(100)
    k = overview.kpis(small, Filters(date(2026, 4, 1), date(2026, 4, 1)))
    assert k["n"] == 1


def test_scope_restricts_rows_and_options(small):
    k = overview.kpis(small, ALL.with_(scope_stores=("S002",)))
    assert k["n"] == 1
    # a scoped user cannot widen the scope through the store filter
    k = overview.kpis(small, ALL.with_(scope_stores=("S002",), stores=("S001",)))
    assert k["n"] == 0
    opts = overview.filter_options(small, ("S002",))
    assert opts["stores"]["store_id"].tolist() == ["S002"]


def test_empty_result_is_not_an_error(small):
    k = overview.kpis(small, Filters(date(2020, 1, 1), date(2020, 1, 2)))
    assert k["n"] == 0 and not k["nps"].ok
    assert overview.monthly(small, Filters(date(2020, 1, 1), date(2020, 1, 2))).empty


def test_monthly_trend(small):
    m = overview.monthly(small, ALL)
    assert m["month"].dt.month.tolist() == [3, 4]
    assert m["nps"].tolist() == pytest.approx([100 * (2 - 0) / 3, -100])


def test_filter_values_are_data_not_sql(small):
    k = overview.kpis(small, ALL.with_(regions=("'; DROP TABLE feedback; --",)))
    assert k["n"] == 0
    assert small.execute("SELECT count(*) FROM feedback").fetchone()[0] == 7
