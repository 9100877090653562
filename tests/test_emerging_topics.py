from datetime import date

import pytest

from cx import emerging_topics as et
from cx.filters import Filters
from cx.ingest import import_bytes
from cx.text import taxonomy
from tests.conftest import NOW


def reviews(rows):
    return ("编号,门店编号,时间,内容\n" + "\n".join(f"r{i},{s},{d},{t}" for i, (s, d, t) in enumerate(rows)) + "\n").encode()


@pytest.fixture
def store(con):
    rows = []
    for month in (3, 4):
        rows += [("S001", f"2026-{month:02d}-{d:02d}", "菜很好吃，服务也好") for d in range(1, 29)]
        rows += [("S002", f"2026-{month:02d}-{d:02d}", "太失望了") for d in range(1, 4)]
        rows += [("S002", f"2026-{month:02d}-{d:02d}", "上菜太慢了") for d in range(10, 15)]
    # April: a new problem the taxonomy has no word for (the ordering mini-program crashes)
    rows += [("S003", f"2026-04-{d:02d}", f"小程序一直闪退，太差了{'！' * (d % 3)}") for d in range(1, 21)]
    import_bytes(con, reviews(rows), "r.csv", "review", now=NOW)
    return con


APRIL = Filters(date(2026, 4, 1), date(2026, 4, 30))


def test_untagged_negative_clauses():
    out = et.untagged_negative_clauses(["菜太咸了，小程序闪退太差了", "服务很好", "客服：您好。顾客：扫码后一直闪退，太差了"])
    assert out[0] == (["小程序闪退太差了"], 2)          # the taste complaint is tagged, the other is not
    assert out[1] == ([], 0)
    assert out[2][0] == ["扫码后一直闪退", "太差了"] or out[2][0][-1] == "太差了"   # customer turn only


def test_rising_untagged_terms_found_with_examples_and_coverage(store):
    res = et.analyse(store, APRIL)
    sig = res.terms[res.terms["significant"]]
    assert "闪退" in set(sig["term"])
    assert "失望" not in set(sig["term"])                 # steady: 3 texts in each month
    row = res.terms.set_index("term").loc["闪退"]
    assert row["k_before"] == 0 and row["k_now"] == 20
    assert res.n_texts == {"before": 34, "now": 56}       # previous 30 days: 2 March – 31 March
    cluster = next(c for c in res.clusters if "闪退" in c["terms"])
    assert cluster["examples"] and all("闪退" in e["clause"] for e in cluster["examples"])
    assert len(cluster["examples"]) <= 3
    assert res.coverage("now") < res.coverage("before")   # the blind spot grew
    assert not res.capped


def test_cap_reads_a_sample_and_says_so(store):
    res = et.analyse(store, APRIL, cap=10)
    assert res.n_texts == {"before": 10, "now": 10} and res.capped
    assert res.total == {"before": 34, "now": 56}


def test_the_sample_spreads_over_the_whole_period_and_is_the_same_each_time(store):
    """A capped period is read as a uniform sample of all its days, not its newest texts (F14)."""
    from cx import db

    rows = db.filtered_df(store, "pain/emerging_texts", APRIL.with_(start=APRIL.previous().start),
                          {"current_start": APRIL.params()["start"], "cap": 20})
    now = rows.loc[rows["now"], "created_at"]
    assert len(now) == 20
    assert now.min().day <= 10 and now.max().day >= 15           # early and late April both read (newest 20: 19–28)
    again = db.filtered_df(store, "pain/emerging_texts", APRIL.with_(start=APRIL.previous().start),
                           {"current_start": APRIL.params()["start"], "cap": 20})
    assert rows["feedback_id"].tolist() == again["feedback_id"].tolist()


def test_nothing_to_test_in_an_empty_period(store):
    res = et.analyse(store, Filters(date(2025, 1, 1), date(2025, 1, 31)))
    assert res.terms.empty and res.clusters == [] and res.coverage() is None


def test_add_keyword_keeps_the_file_and_validates(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    original = taxonomy.TAXONOMY_FILE.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    et.add_keyword("menu", "闪退", path)
    new = path.read_text(encoding="utf-8")
    assert "闪退" in taxonomy.load(path).by_id["menu"].keywords
    changed = [(a, b) for a, b in zip(original.split("\n"), new.split("\n")) if a != b]
    assert len(changed) == 1 and len(original.split("\n")) == len(new.split("\n"))   # comments kept
    with pytest.raises(et.KeywordError, match="已经是"):
        et.add_keyword("menu", "闪退", path)
    with pytest.raises(et.KeywordError, match="没有触点"):
        et.add_keyword("nowhere", "闪退", path)
    with pytest.raises(et.KeywordError, match="标点"):
        et.add_keyword("menu", "a]: b", path)
    assert path.read_text(encoding="utf-8") == new


def test_remove_keyword_undoes_add_keyword_exactly(tmp_path):
    path = tmp_path / "taxonomy.yaml"
    original = taxonomy.TAXONOMY_FILE.read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    et.add_keyword("decor", "空调", path)
    assert et.keyword_owner("空调", taxonomy.load(path)) == "decor"
    et.remove_keyword("decor", "空调", path)
    assert path.read_text(encoding="utf-8") == original
    assert et.keyword_owner("空调", taxonomy.load(path)) is None
    with pytest.raises(et.KeywordError, match="不是"):
        et.remove_keyword("decor", "空调", path)
    first = taxonomy.load(path).by_id["decor"].keywords[0]          # the first item of a list goes cleanly too
    et.remove_keyword("decor", first, path)
    assert first not in taxonomy.load(path).by_id["decor"].keywords
    assert len(taxonomy.load(path).by_id["decor"].keywords) == len(taxonomy.load().by_id["decor"].keywords) - 1
