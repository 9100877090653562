"""Shortcuts taken for throughput (#17) give what the plain code gives."""
from hypothesis import given, settings
from hypothesis import strategies as st

from cx import text
from cx.text import normalize, segment, turns

ALPHABET = "顾客客服用户：:\n\r 。，好吃难吃太慢了您好很高兴为您服务非常抱歉abcAgent"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_analysis_view_equals_the_dialogue_split(t):
    assert text.analysis_view(t) == turns.customer_text(normalize.fold_for_analysis(t))


def test_analysis_view_of_dialogues_keeps_customer_turns():
    assert text.analysis_view("客服：您好，很高兴为您服务。顾客：昨天吃完拉肚子了") == "昨天吃完拉肚子了"
    assert text.analysis_view("味道不错，上菜很快") == "味道不错，上菜很快"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["好吃", "的", "我们", "ab", "OK", "12", "3.5", "很", "The", "服务员", "  ", "了吧", "ok"]),
                max_size=12))
def test_keyword_memo_equals_keywords(tokens):
    memo = segment.keyword_memo()
    assert [t for t in tokens if memo[t]] == segment.keywords(tokens)
