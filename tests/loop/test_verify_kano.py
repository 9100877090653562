from datetime import date

import pandas as pd
import pytest

from cx import kano
from cx.filters import Filters
from cx.loop import verify
from tests.helpers import load_rows


def reviews(con, rows):
    load_rows(con, "review", ["编号", "门店编号", "时间", "内容"], rows, "r.csv")


def test_before_after_and_did_known_effect(con):
    # Treated S001: queue negative 8/10 before → 2/10 after. Control S002: 5/10 → 5/10 (S003 is in another region).
    rows = []
    for store, before, after in (("S001", 8, 2), ("S002", 5, 5)):
        for i in range(10):
            rows.append((f"{store}b{i}", store, f"2026-03-{1 + i:02d}", "排队排了一个小时" if i < before else "基本不用排队"))
            rows.append((f"{store}a{i}", store, f"2026-04-{1 + i:02d}", "排队排了一个小时" if i < after else "基本不用排队"))
    reviews(con, rows)
    con.execute("INSERT INTO actions VALUES ('a1', 'S001', NULL, 'queue', '线上排号', DATE '2026-03-20', '店长', now())")
    action = verify.actions(con).iloc[0].to_dict()
    v = verify.verify(con, action, window_days=28)
    assert (v.before.value, v.after.value) == (pytest.approx(0.8), pytest.approx(0.2))
    assert (v.control_before.value, v.control_after.value) == (pytest.approx(0.5), pytest.approx(0.5))
    assert v.did == pytest.approx(-0.6)
    assert v.did_p < 0.05 and v.change.direction == -1
    assert v.n_treated == 1 and v.n_control == 2


@pytest.mark.parametrize("f,d,expected", [
    (1, 1, "Q"), (1, 2, "A"), (1, 3, "A"), (1, 4, "A"), (1, 5, "O"),
    (2, 1, "R"), (2, 2, "I"), (2, 3, "I"), (2, 4, "I"), (2, 5, "M"),
    (3, 1, "R"), (3, 2, "I"), (3, 3, "I"), (3, 4, "I"), (3, 5, "M"),
    (4, 1, "R"), (4, 2, "I"), (4, 3, "I"), (4, 4, "I"), (4, 5, "M"),
    (5, 1, "R"), (5, 2, "R"), (5, 3, "R"), (5, 4, "R"), (5, 5, "Q"),
])
def test_kano_table_cell_by_cell(f, d, expected):
    assert kano.classify(f, d) == expected


def test_kano_rejects_out_of_range():
    with pytest.raises(ValueError):
        kano.classify(0, 3)


def test_better_worse_hand_example():
    counts = pd.DataFrame([("扫码点餐", 1, 5, 3), ("扫码点餐", 2, 5, 4), ("扫码点餐", 1, 3, 2), ("扫码点餐", 3, 3, 1),
                           ("扫码点餐", 5, 1, 2)], columns=["feature", "functional", "dysfunctional", "n"])
    r = kano.analyse(counts).iloc[0]
    # O=3, M=4, A=2, I=1, R=2 → Better = (2+3)/10, Worse = −(3+4)/10; 12 answers: too few for a class
    assert (r["O"], r["M"], r["A"], r["I"], r["R"]) == (3, 4, 2, 1, 2)
    assert r["better"] == pytest.approx(0.5) and r["worse"] == pytest.approx(-0.7)
    assert r["category"] is None and r["category_label"] == "样本不足" and r["small"]
    r = kano.analyse(counts.assign(n=counts["n"] * 3)).iloc[0]      # 36 answers, same shares: majority M
    assert r["better"] == pytest.approx(0.5) and r["category"] == "M" and not r["small"]
    assert kano.quadrant(0.5, -0.7) == "期望属性" and kano.quadrant(0.1, -0.8) == "必备属性"


def test_kano_features_on_demo(demo_con):
    df = kano.features(demo_con, Filters(date(2025, 11, 1), date(2026, 10, 31)))
    assert len(df) == 12 and df["better"].between(0, 1).all() and df["worse"].between(-1, 0).all()
