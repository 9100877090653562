from hypothesis import given
from hypothesis import strategies as st

from cx.text.clauses import clauses, split


def test_contrast_words_split_and_stay_with_their_clause():
    assert clauses("菜很好吃但是上菜太慢") == ["菜很好吃", "但是上菜太慢"]
    assert clauses("环境不错，不过价格有点贵") == ["环境不错", "不过价格有点贵"]
    assert clauses("味道好  但服务差") == ["味道好", "但服务差"]


def test_punctuation_splits_and_empty_pieces_dropped():
    assert clauses("好吃！！服务好。。。下次再来？") == ["好吃", "服务好", "下次再来"]
    assert clauses("，。！") == []
    assert clauses("") == []


def test_but_inside_a_word_does_not_split():
    assert clauses("但愿下次还这么好吃") == ["但愿下次还这么好吃"]


@given(st.text(alphabet="好吃但是不过，。！慢快 服务", max_size=40))
def test_spans_are_ordered_disjoint_and_inside_the_text(text):
    spans = split(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
