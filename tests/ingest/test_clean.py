import re

from hypothesis import given
from hypothesis import strategies as st

from cx.ingest.clean import clean_text, mask_personal, strip_markup


def test_markup_is_removed_and_entities_decoded():
    assert clean_text("<p>服务<b>很好</b></p><script>alert('x')</script>&amp;干净") == "服务很好 &干净"


def test_traditional_becomes_simplified():
    assert clean_text("這家餐廳服務態度很差，上菜太慢了") == "这家餐厅服务态度很差，上菜太慢了"


def test_full_width_letters_and_digits_are_folded_but_chinese_punctuation_kept():
    assert clean_text("ＡＢＣ１２３，很好！") == "ABC123，很好！"


def test_control_and_zero_width_characters_dropped_whitespace_folded():
    assert clean_text("好\u200b吃\x07\n\n  很\t好\u3000") == "好吃 很 好"


def test_empty_and_whitespace_only_become_none():
    assert clean_text("") is None
    assert clean_text(" \u3000\n") is None
    assert clean_text(None) is None


def test_mobile_numbers_masked_in_common_spellings():
    for raw in ("13812345678", "+86 138-1234-5678", "１３８１２３４５６７８", "86 13812345678"):
        out = clean_text(f"联系我{raw}谢谢")
        assert "138****5678" in out, out
        assert "1234" not in out


def test_id_card_masked_and_long_order_numbers_left_alone():
    assert "110101************" in mask_personal("身份证110101199003071234")
    assert "11010119900307123X" not in mask_personal("身份证11010119900307123X")
    order = "订单号20230101123456789012"
    assert mask_personal(order) == order


def test_strip_markup_keeps_comparison_signs():
    assert strip_markup("价格<100元，3>2") == "价格<100元，3>2"


@given(st.text(alphabet="0123456789 -+86 好吃", max_size=40), st.integers(3, 9), st.integers(0, 10**9 - 1))
def test_no_mobile_number_survives_cleaning(prefix, second, rest):
    phone = f"1{second}{rest:09d}"
    out = clean_text(prefix + "电话" + phone + "。") or ""
    assert phone not in re.sub(r"\s", "", out)
