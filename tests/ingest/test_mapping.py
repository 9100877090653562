import pytest

from cx.ingest.mapping import MappingError, resolve


def test_chinese_headers_map_to_fields():
    got = resolve(["门店编号", "提交时间", "推荐度", "满意度", "评价内容"], "survey")
    assert got == {"store_id": "门店编号", "created_at": "提交时间", "nps": "推荐度", "csat": "满意度", "text": "评价内容"}


def test_schema_names_and_english_aliases_any_case_width_spacing():
    got = resolve(["Store_ID", "created_at", " Score ", "ＣＯＮＴＥＮＴ"], "review")
    assert got == {"store_id": "Store_ID", "created_at": "created_at", "rating": " Score ", "text": "ＣＯＮＴＥＮＴ"}


def test_missing_required_fields_are_all_listed_in_chinese():
    with pytest.raises(MappingError) as e:
        resolve(["备注", "其他"], "review")
    msg = str(e.value)
    assert "门店编号" in msg and "时间" in msg and "至少需要以下一列：评价内容、评分" in msg
    assert "文件中的列：备注、其他" in msg


def test_survey_needs_at_least_one_score_column():
    with pytest.raises(MappingError, match="至少需要以下一列"):
        resolve(["门店编号", "时间", "评价内容"], "survey")


def test_opinion_does_not_require_store():
    assert resolve(["发布时间", "正文"], "opinion") == {"created_at": "发布时间", "text": "正文"}


def test_a_header_is_used_for_one_field_only():
    got = resolve(["答卷人", "功能", "正向", "反向", "日期", "顾客"], "kano")
    assert got["respondent"] == "答卷人"


def test_unknown_source():
    with pytest.raises(MappingError, match="未知的数据来源"):
        resolve(["a"], "tweets")


@pytest.mark.parametrize("header", ["评价", "评价文本", "用户评价", "顾客评价", "点评", "点评内容", "评语", "留言", "留言内容"])
def test_common_review_text_headers_are_the_text(header):
    assert resolve(["门店编号", "评价时间", "星级", header], "review") == {
        "store_id": "门店编号", "created_at": "评价时间", "rating": "星级", "text": header}
