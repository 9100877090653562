"""Score cells and columns of real exports: option text, label scales, scale inference and conversion."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cx.ingest import validate
from cx.ingest.validate import RowError, parse_kano, stable_id
from cx.ingest.values import CONVERSIONS, ScoreError, infer_column, read_number, read_stars, read_value


@pytest.mark.parametrize("raw,value", [
    ("10", 10), ("０", 0), (" 9.0 ", 9), ("10 - 极有可能推荐", 10), ("0 - 完全不可能推荐", 0), ("10分", 10),
    ("9分（非常满意）", 9), ("非常满意（5分）", 5), ("5分", 5), ("７", 7), ("", None), ("(跳过)", None),
])
def test_numbers_in_option_text(raw, value):
    assert read_number(raw) == value


@pytest.mark.parametrize("raw", ["很好", "nan", "abc"])
def test_text_without_number_is_an_error(raw):
    with pytest.raises(ScoreError):
        read_number(raw)


def test_decimal_comma_only_when_the_file_uses_it():
    assert read_number("4,5", decimal_comma=True) == 4.5
    with pytest.raises(ScoreError, match="逗号"):
        read_number("4,5")


@pytest.mark.parametrize("raw,stars", [("★★★★☆", 4), ("★★★★★", 5), ("4.5星", 4.5), ("0", None), ("", None), ("3", 3)])
def test_stars_as_collected(raw, stars):
    assert read_stars(raw) == stars


def test_x10_star_column_is_converted_and_stated():
    cells = ["50", "45", "10", "0", "★★★★☆", "4.5星", "5.0"]
    col = infer_column("rating", cells, "星级")
    assert col.scale == "stars_x10" and "×10" in col.assumptions[0]
    assert [read_value(col, c)[0] for c in cells] == [5.0, 4.5, 1.0, None, 4.0, 4.5, 5.0]


def test_plain_star_column_rejects_out_of_range():
    col = infer_column("rating", ["4", "5", "7"], "星级")
    assert col.scale == "stars_1_5"
    with pytest.raises(ScoreError, match="1–5"):
        read_value(col, "7")


@pytest.mark.parametrize("labels,expected", [
    (["非常满意", "满意", "一般", "不满意", "非常不满意"], [5, 4, 3, 2, 1]),
    (["非常同意", "同意", "一般", "不同意", "非常不同意"], [5, 4, 3, 2, 1]),
])
def test_five_level_label_scales(labels, expected):
    col = infer_column("csat", labels, "整体满意度")
    assert [read_value(col, c)[0] for c in labels] == expected


def test_seven_level_satisfaction_labels_are_converted_to_five():
    labels = ["非常满意", "满意", "比较满意", "一般", "比较不满意", "不满意", "非常不满意"]
    col = infer_column("csat", labels, "满意度")
    assert col.scale == "satisfaction_1_7"
    assert [read_value(col, c)[0] for c in labels] == [5, 4, 4, 3, 2, 2, 1]


def test_ces_effort_scale_direction_from_header():
    col = infer_column("ces", ["5", "5", "1", "2", "3"], "费力度")
    assert col.scale == "effort_1_5" and "越高越费力" in col.assumptions[0]
    assert [read_value(col, c) for c in "51234"] == [(1, 5), (7, 1), (6, 2), (4, 3), (2, 4)]
    ease = infer_column("ces", ["5", "4"], "容易程度")
    assert ease.scale == "ease_1_5" and read_value(ease, "5") == (7, 5)
    canonical = infer_column("ces", ["7", "6"], "CES")
    assert canonical.scale == "ease_1_7" and read_value(canonical, "6") == (6, 6)
    words = infer_column("ces", ["非常省力", "非常费力"], "您办理退款的感受")
    assert words.scale == "effort_1_5" and read_value(words, "非常费力")[0] == 1


def test_ten_point_satisfaction_is_converted_whole_never_partly_kept():
    cells = [str(x) for x in (10, 9, 8, 7, 6, 5, 3, 2, 1, 4, 9)]
    col = infer_column("csat", cells, "满意度")
    assert col.scale == "satisfaction_1_10"
    vals = [read_value(col, c)[0] for c in cells]
    assert len(vals) == len(cells) and set(vals) <= {1, 2, 3, 4, 5}
    assert sum(v >= 4 for v in vals) == sum(int(c) >= 7 for c in cells)   # satisfied = 7–10, stated rule


@given(st.sampled_from(sorted({k for k in CONVERSIONS})))
def test_conversions_land_on_the_canonical_scale_and_keep_order(key):
    fld, _ = key
    table = CONVERSIONS[key]
    lo, hi = {"csat": (1, 5), "ces": (1, 7)}[fld]
    assert all(lo <= v <= hi for v in table.values())
    xs = sorted(table)
    ys = [table[x] for x in xs]
    assert ys == sorted(ys) or ys == sorted(ys, reverse=True)    # monotone: direction kept or reversed, never mixed


@given(st.integers(0, 10), st.sampled_from(["{}", "{}分", "{} - 选项", "{}分（说明）", " {} ", "{}.0"]))
def test_every_nps_option_form_reads_its_number(x, form):
    col = infer_column("nps", [form.format(x)], "推荐度")
    assert read_value(col, form.format(x))[0] == x


def test_nps_out_of_range_rejected():
    col = infer_column("nps", ["11"], "推荐度")
    with pytest.raises(ScoreError, match="0–10"):
        read_value(col, "11")


def test_kano_accepts_codes_and_words():
    assert parse_kano("1", "functional") == 1
    assert parse_kano("理所当然", "functional") == 2
    assert parse_kano("不喜欢", "dysfunctional") == 5
    with pytest.raises(RowError):
        parse_kano("6", "functional")


def test_stable_id_is_deterministic_and_distinguishes_parts():
    assert stable_id("review", "R1") == stable_id("review", "R1")
    assert stable_id("review", "R1") != stable_id("survey", "R1")
    assert stable_id("a", "bc") != stable_id("ab", "c")


def test_anonymous_customer_ids_are_null():
    for v in ("", "0", "匿名", " "):
        assert validate.hash_customer(v) is None
    assert validate.hash_customer("u1") != validate.hash_customer("u2")


@pytest.mark.parametrize("text", ["此用户没有填写评价。", "系统默认好评", "(跳过)", "无"])
def test_placeholder_texts(text):
    assert validate.is_placeholder(text)
    assert not validate.is_placeholder("味道一般")
