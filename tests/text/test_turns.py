"""Speaker tags of service transcripts (cx.text.turns): named and variant tags, time stamps, brackets — and no
false split of an ordinary review (fresh-eyes findings F2, F19)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cx import text
from cx.text import normalize, turns

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "realdata"


def _speakers(t: str) -> list[tuple[str, str]] | None:
    r = turns.split(t)
    return None if r is None else [(x.speaker, x.text) for x in r]


@pytest.mark.parametrize("log, want", [
    ("客服小丽：您好，请问有什么可以帮您\n顾客：鸡腿饭里没有鸡腿",
     [("agent", "您好，请问有什么可以帮您"), ("customer", "鸡腿饭里没有鸡腿")]),
    ("客服-阿杰：亲，在的 用户：汤是冷的", [("agent", "亲，在的"), ("customer", "汤是冷的")]),
    ("坐席1024：请讲\n来电人：我要投诉配送员", [("agent", "请讲"), ("customer", "我要投诉配送员")]),
    ("客服代表：抱歉让您久等了\n客户：排队排了一个小时", [("agent", "抱歉让您久等了"), ("customer", "排队排了一个小时")]),
    ("人工客服小张：您好\n会员：积分没到账", [("agent", "您好"), ("customer", "积分没到账")]),
    ("买家：奶茶少了一杯\n卖家：亲，马上给您补\n买家：好的", [("customer", "奶茶少了一杯"), ("agent", "亲，马上给您补"),
                                                  ("customer", "好的")]),
    ("卖家回复：感谢支持 买家：下次还来", [("agent", "感谢支持"), ("customer", "下次还来")]),
    ("店家回复：谢谢您的建议", [("agent", "谢谢您的建议")]),
    ("面条太软了。店家回复：已反馈后厨", [("customer", "面条太软了。"), ("agent", "已反馈后厨")]),
    ("客服(晓雪)：您好 顾客（李女士）：米饭夹生", [("agent", "您好"), ("customer", "米饭夹生")]),
    ("【客服小美】您好，很高兴为您服务【买家】送餐员把汤洒了", [("agent", "您好，很高兴为您服务"), ("customer", "送餐员把汤洒了")]),
    ("[在线客服] 您好\n[顾客] 餐具没给", [("agent", "您好"), ("customer", "餐具没给")]),
    ("[14:02] 客服：您好\n[14:03] 顾客：还没送到", [("agent", "您好"), ("customer", "还没送到")]),
    ("2026-11-28 12:01:09 官方客服：您好\n2026-11-28 12:02:30 用户：饮料洒了",
     [("agent", "您好"), ("customer", "饮料洒了")]),
    ("客服阿芳 2026-11-28 12:01:09\n您好，在的\n买家tb_8812 2026-11-28 12:02:30\n奶茶洒了一半",       # IM export
     [("agent", "您好，在的"), ("customer", "奶茶洒了一半")]),
    ("[12:01] 客服阿芳：您好 [12:02] 买家：奶茶洒了一半", [("agent", "您好"), ("customer", "奶茶洒了一半")]),
    ("Agent Lee: how can I help?\nCustomer: the rice was undercooked",
     [("agent", "how can I help?"), ("customer", "the rice was undercooked")]),
    ("Operator: hello\nCaller: the room smelled", [("agent", "hello"), ("customer", "the room smelled")]),
])
def test_named_and_variant_speaker_tags(log, want):
    assert _speakers(log) == want


@pytest.mark.parametrize("review", [
    "菜不错。客服说：可以退款，结果等了三天",          # quoted speech, not a tag
    "外卖超时，打客服电话：一直占线",
    "在线客服记录：客户表示菜太咸",
    "商家态度：一般。味道：还行",
    "环境：好。服务：热情。用户体验：不错",
    "Food: good. Service: slow. Staff: friendly",     # structured English review: Service/Staff are not agents
    "很高兴这次抽中了霸王餐\n菜量很足\n很高兴认识了老板",   # a review's paragraphs, no agent's 您
    "抱歉，这次必须差评\n鱼不新鲜\n感谢您们以前的服务",
    "作为老顾客：这次真的失望了",                      # 顾客 inside a word
    "客人 12:00 到店就没位置了",                        # a clock time after 客人, not a tag
    "我们一行4位客人 12:00到的，等了很久",
])
def test_ordinary_reviews_are_not_split(review):
    assert turns.split(normalize.fold_for_analysis(review)) is None
    assert text.analysis_view(review) == normalize.fold_for_analysis(review)


def test_agent_names_scripts_and_tags_feed_nothing():
    logs = ["客服小美：您好，很高兴为您服务，感谢您的耐心\n顾客：包装盒破了，汤洒了一袋子\n客服小美：亲亲非常抱歉",
            "客服人员：服务态度我们一直很重视，感谢您的理解\n用户：骑手态度太差了，还骂人",
            "卖家：亲，很高兴为您服务，祝您用餐愉快\n买家：汉堡是凉的"]
    for log, a in zip(logs, text.analyze(logs, workers=1)):
        customer = turns.customer_text(log)
        assert a.label == -1, (log, a.sentiment)
        assert all(m.clause in customer for m in a.mentions), a.mentions
        assert not any(m.touchpoint == "complaint_handling" for m in a.mentions)      # the tag is not a complaint
        assert not ({"客服", "小美", "卖家", "人员", "高兴", "耐心", "抱歉", "理解"} & set(a.keywords)), a.keywords
        assert all(k in customer for k in a.keywords)


def test_bracket_tags_on_one_line_are_read_like_the_split():
    t = "【客服】您好，很高兴为您服务【顾客】你们店的服务员太凶了【客服】非常抱歉"
    assert text.analysis_view(t) == "你们店的服务员太凶了"


CORPORA = [("waimai_dev.csv", "review"), ("aic2018_dev.csv", "content"), ("aic2018_unlabelled.csv", "content"),
           ("online_shopping_10_cats.csv", "review")]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/realdata is absent (real reviews for the false-split check)")
def test_no_real_review_is_split_into_turns():
    """Over ~76 000 real reviews (delivery, AIC restaurant reviews, shopping) — some quote 客服/商家 with colons,
    some have paragraphs starting 很高兴 — none is read as a dialogue."""
    import pandas as pd

    texts = [normalize.fold_for_analysis(t) for f, col in CORPORA
             for t in pd.read_csv(SHARED / f)[col].dropna().astype(str)]
    assert len(texts) > 70_000
    split = [t[:60] for t in texts if turns.split(t) is not None]
    assert split == [], f"{len(split)} reviews split into turns, e.g. {split[:3]}"


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/realdata is absent (real service dialogues)")
@pytest.mark.parametrize("tags, sep", [(("买家", "卖家"), "\n"), (("用户", "客服小美"), " "), (("顾客", "坐席007"), "\n"),
                                       (("【顾客】", "【客服-小王】"), ""), (("客户", "客服人员"), "\n")])
def test_helpdesk_dialogues_with_named_tags_no_mention_from_an_agent_turn(tags, sep):
    """Real dialogues (Weibo helpdesk, NTCIR-14 STC-3) with named / variant tags: the turns are recovered and
    every mention and keyword comes from the customer's turns."""
    with open(SHARED / "helpdesk_dialogues.jsonl", encoding="utf-8") as fh:
        dialogues = [json.loads(line) for _, line in zip(range(300), fh)]
    dialogues = [d for d in dialogues if any(t["sender"] == "helper" and t["text"].strip() for t in d["turns"])]

    def tag(t):
        w = tags[t["sender"] == "helper"]
        return w if w.startswith("【") else f"{w}："
    docs = [sep.join(tag(t) + t["text"] for t in d["turns"] if t["text"].strip()) for d in dialogues]
    out = text.analyze(docs, workers=1)
    n_mentions = 0
    for d, doc, a in zip(dialogues, docs, out):
        want = ["agent" if t["sender"] == "helper" else "customer" for t in d["turns"] if t["text"].strip()]
        assert [t.speaker for t in turns.split(normalize.fold_for_analysis(doc))] == want, doc
        customer = "".join(normalize.fold_for_analysis(t["text"]) for t in d["turns"] if t["sender"] == "customer")
        for m in a.mentions:
            assert m.clause in customer, (m, doc)
            n_mentions += 1
        assert all(k in customer for k in a.keywords), doc
    assert n_mentions > 50


def test_display_gives_each_turn_its_own_tag_as_label():
    assert turns.display("客服小美：您好 买家：汤洒了 客服小美：抱歉") == [
        ("agent", "客服小美", "您好"), ("customer", "买家", "汤洒了"), ("agent", "客服小美", "抱歉")]
    assert turns.display("面条太软了。店家回复：已反馈后厨") == [("customer", "顾客", "面条太软了。"),
                                                           ("agent", "店家回复", "已反馈后厨")]
    assert turns.display("[10:32] 【客服-小王】您好\n[10:33] 用户：少了一杯") == [("agent", "客服-小王", "您好"),
                                                                        ("customer", "用户", "少了一杯")]
    assert turns.display("在店里吃完就肚子疼\n您好，很高兴为您服务\n我要退款") == [
        ("customer", "顾客", "在店里吃完就肚子疼"), ("agent", "客服", "您好，很高兴为您服务"), ("customer", "顾客", "我要退款")]
    assert turns.display("客服阿芳 2026-11-28 12:01:09\n您好\n买家 2026-11-28 12:02:30\n少了一杯") == [
        ("agent", "客服阿芳", "您好"), ("customer", "买家", "少了一杯")]
    assert turns.display("菜很好吃，服务也不错") is None and turns.display(None) is None


def test_lower_level_functions_on_the_analysis_view_agree_with_analyze():
    """F3: README — analyze() is the entry point; sentiment.score / tagger.tag read a text as given (a transcript's
    agent scripts included) and agree with analyze() when given cx.text.analysis_view(text)."""
    from cx.text import sentiment, tagger

    logs = ["【客服】您好，很高兴为您服务\n【顾客】菜里吃出一根头发\n【客服】非常抱歉，感谢您的耐心",
            "坐席：请问您对环境、味道、价格满意吗？\n顾客：上菜太慢了",
            "客服-小王：亲亲您好 用户：難食，唔會再嚟 客服-小王：抱歉"]
    for log, a in zip(logs, text.analyze(logs, workers=1)):
        view = text.analysis_view(log)
        assert sentiment.score([view])[0] == pytest.approx(a.sentiment)
        assert [(m.touchpoint, m.polarity, m.clause) for m in tagger.tag(view)] == \
            [(m.touchpoint, m.polarity, m.clause) for m in a.mentions]
    raw = tagger.tag(logs[1])                                   # as given: the agent's question is read too
    assert {"price", "decor"} & {m.touchpoint for m in raw}
