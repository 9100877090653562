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


def test_pool_tasks_are_strided_and_reassembled_in_order():
    texts = [f"第{i}条：菜很好吃但是上菜太慢" if i % 2 else f"第{i}条评论，环境一般" for i in range(4500)]
    chunks = text._chunks(texts, 2)
    assert len(chunks) == 3 and sorted(t for c in chunks for t in c) == sorted(texts)
    seen = []
    with text.Analyzer(2) as az:
        pooled = az.analyze(texts, progress=lambda done, n: seen.append((done, n)))
        later = az.submit(texts)()
    serial = text.analyze_batch(texts)
    assert pooled == serial and later == serial
    assert seen[-1] == (4500, 4500) and [d for d, _ in seen] == sorted(d for d, _ in seen)
