"""Keywords are content words: no pronouns, function words, quantities or segmentation fragments (F12)."""
from __future__ import annotations

import pytest

from cx import text
from cx.text import segment


@pytest.mark.parametrize("t, banned, kept", [
    ("他们家的烤鱼那么咸，你们自己尝过吗", {"他们", "那么", "你们"}, {"烤鱼"}),
    ("其实这样的服务确实可以，以后应该还会来", {"其实", "这样", "确实", "以后", "应该", "还会"}, {"服务"}),
    ("点了三个菜两份饭，第一次来，等了半个多小时", {"三个", "两份", "第一次", "半个"}, set()),
    ("吃完饭发现这是第二次送错，每次都少一份", {"这是", "第二次", "每次", "一份"}, {"送错"}),
    ("唔知点解啲菜咁咸，等咗成个钟先有得食", {"成个", "钟先"}, set()),
    ("老板人不错，卷饼很好吃，送餐也快", set(), {"老板", "卷饼", "送餐"}),
    ("We got there early but they gave us one table by the door, way too cold",
     {"got", "us", "one", "way"}, {"table", "door", "cold"}),
])
def test_function_words_quantities_and_fragments_are_not_keywords(t, banned, kept):
    kws = set(text.analyze([t], workers=1)[0].keywords)
    assert not (kws & banned), kws & banned
    assert kept <= kws, kept - kws


def test_the_content_word_test_is_the_same_for_keywords_and_the_memo():
    toks = ["你们", "一次", "两个", "第三次", "钟先", "完菜", "小龙虾", "差评", "30分钟", "us", "waiter", "给力"]
    memo = segment.keyword_memo()
    assert segment.keywords(toks) == [t for t in toks if memo[t]] == ["小龙虾", "差评", "waiter", "给力"]
