"""Document sentiment on the language customers really write (issue 17): negation at document level, emoji and
platform emoticons, English and mixed text, Cantonese, severe sensitive hits, service transcripts.

tests/fixtures/sentiment_challenge.csv holds sentences written for this project (distinct from the issue's
examples), labelled +1/−1 by kind. The sign is taken from the whole pipeline (cx.text.analyze). It is a
**regression set** written and tuned on by us, not a measurement: rows marked ``added = fresh17`` were written
for the kinds a fresh-eyes user found wrong (negated complaints, English price words, physical discomfort and
faults, comparisons without 那么, 没吃到这么…的, 好 as a degree word), before the lexicon and rules were fixed."""
from pathlib import Path

import pandas as pd
import pytest

from cx import text
from cx.text import normalize, polarity, sensitive, sentiment, turns

CHALLENGE = Path(__file__).resolve().parent.parent / "fixtures" / "sentiment_challenge.csv"


@pytest.fixture(scope="module")
def challenge() -> pd.DataFrame:
    df = pd.read_csv(CHALLENGE)
    out = text.analyze(df["text"].tolist(), workers=1)
    df["p"] = [a.sentiment for a in out]
    df["ok"] = ((df["p"] > 0.5).astype(int) * 2 - 1) == df["label"]
    return df


def test_fixture_sentences_are_distinct_and_cover_every_kind(challenge):
    assert challenge["text"].is_unique
    assert challenge["text"].map(normalize.group_key).is_unique
    assert {"negated_praise", "negated_complaint", "emoji", "english", "mixed", "cantonese", "severe",
            "transcript", "discomfort", "comparison", "emphatic", "degree_hao"} <= set(challenge["kind"])


def test_sign_right_on_85_percent_of_the_challenge_set(challenge):
    wrong = challenge.loc[~challenge["ok"], ["kind", "label", "p", "text"]]
    assert challenge["ok"].mean() >= 0.85, wrong.to_string()


@pytest.mark.parametrize("kind", ["negated_praise", "negated_complaint", "emoji", "english", "mixed", "cantonese",
                                  "severe", "transcript", "discomfort", "comparison", "emphatic", "degree_hao"])
def test_each_kind_mostly_right(challenge, kind):
    part = challenge[challenge["kind"] == kind]
    assert part["ok"].mean() >= 0.75, part.loc[~part["ok"], ["p", "text"]].to_string()


def test_negation_reaches_over_a_comparison_and_double_negation():
    assert polarity.score("没有想象中那么好") < 0
    assert polarity.score("没有说的那么难吃") > 0
    assert polarity.score("不能说不好吃") > 0
    assert polarity.score("服务一点都不差") > 0
    assert polarity.score("特别好吃") > 0            # 特别 only looks like a negator


# Negated complaints by kind, with words and sentences found neither in the fixture nor as fixed phrases in the
# lexicon: the negation must carry the document, not the complaint word the character model knows.
NEGATED_COMPLAINTS = {
    "negator with an intensifier before a complaint word": ["鱼一点都不腥", "店里一点也不脏，桌子擦得很亮",
                                                           "骑手态度一点也不差"],
    "negated statement (meta negator)": ["不能说难吃吧，还挺香的", "谈不上失望"],
    "comparison negated": ["没有别人说的那么差", "不像网上说的那么贵"],
    "negation written as a fixed phrase": ["这次没让人失望", "红烧肉一点不油腻"],
}


@pytest.mark.parametrize("kind", list(NEGATED_COMPLAINTS))
def test_negated_complaints_read_positive_by_kind(kind):
    texts = NEGATED_COMPLAINTS[kind]
    p = sentiment.score(texts)
    assert all(x > 0.5 for x in p), dict(zip(texts, p))


def test_experiential_comparison_is_an_intensifier_not_a_negation():
    """「没吃过这么难吃的」 says it was the worst ever: 没…过 + 这么 is no comparison that negates the word."""
    assert polarity.score("从没吃过这么难吃的") < 0 and polarity.score("没见过这么慢的外卖") < 0
    assert polarity.score("没吃过这么好吃的") > 0
    p = sentiment.score(["从来没吃过这么难吃的面", "没见过送餐这么慢的", "没吃过这么好吃的烤鸭"])
    assert p[0] < 0.5 and p[1] < 0.5 < p[2]


# The sentences a fresh-eyes user and the previous round reported (issue 17, F4 F5 F13 F18 and others); the
# fixture holds other sentences of the same kinds. Checked on the clause lexicon, which the fixes changed.
REPORTED = {
    "double negation and 没得挑-idioms": (1, ["服务员没有不耐烦", "服务员一点都不凶", "没有让人失望，还会再来", "服务没得挑",
                                        "菜量一点也不少"]),
    "English price words": (-1, ["price is too high", "The price was way too high for such small portions",
                                 "price太high了"]),
    "physical discomfort and faults": (-1, ["大夏天空调不凉，太闷了", "WiFi连不上", "空调坏了", "店里没信号", "厕所漏水"]),
    "comparison with a time, no 那么": (-1, ["没以前好吃了", "不如以前好吃", "没上次好"]),
    "没吃到/遇到这么…的 is emphatic": (-1, ["好久没吃到这么难吃的"]),
    "好 before a complaint is degree": (-1, ["量好小", "好贵", "好慢"]),
}


@pytest.mark.parametrize("kind", list(REPORTED))
def test_reported_sentences_read_right_in_the_lexicon(kind):
    sign, texts = REPORTED[kind]
    got = {t: sentiment.lexicon_total([t])[0] for t in texts}
    assert all(v * sign > 0 for v in got.values()), got


def test_lexicon_fixes_do_not_overreach():
    """What the new rules must leave alone: surprise (没想到), praise after 好久没吃到, high quality, 没…那么 still
    a comparison, 好 in praise, a single complaint word negated by 不 once."""
    assert polarity.score("没想到这么好吃") > 0
    assert polarity.score("好久没吃到这么正宗的了") > 0
    assert polarity.score("high quality food") == 0 and polarity.score("not too expensive") > 0
    assert polarity.score("没有以前那么好吃") < 0 and polarity.score("比以前好吃") > 0
    assert polarity.score("好好吃") > 0 and polarity.score("态度好热情") > 0
    assert polarity.score("这次不好吃") < 0 and polarity.score("菜不新鲜") < 0
    assert polarity.score("空调很凉快") > 0 and polarity.score("一点都不凉快") < 0


def test_degree_hao_is_masked_like_a_negation():
    """「好贵」: the character model learned 好 as praise; it sees a negative mark there instead."""
    spans: list = []
    sentiment.lexicon_parts(["这家好贵", "价格好高啊"], spans)
    assert sentiment.mask_negated(["这家好贵", "价格好高啊"], spans) == ["这家⊖⊖", "⊖⊖⊖⊖啊"]


def test_negations_are_masked_from_the_negator_on():
    """The character model sees a mark of the meaning instead of the negator and the word (「一点都不」 reads like
    a complaint to it); fixed phrases that hold a negator are negations too, ordinary words like 不错 are not."""
    spans: list = []
    texts = ["送餐一点都不慢", "汤不咸", "菜不错", "不太好吃"]
    tot, neg, _ = sentiment.lexicon_parts(texts, spans)
    masked = sentiment.mask_negated(texts, spans)
    assert masked[:3] == ["送餐⊕⊕⊕⊕⊕", "汤⊕⊕", "菜不错"]
    assert set(masked[3]) == {"⊖"}
    assert neg[0] > 0 and neg[1] > 0 and neg[2] == 0 and neg[3] < 0


def test_emoji_and_emoticons_count():
    assert polarity.score("👍👍") > 0 and polarity.score("😡") < 0 and polarity.score("👍🏻") > 0
    assert polarity.score("[强][赞]") > 0 and polarity.score("[怒][吐]") < 0
    p = sentiment.score(["👍👍👍", "😡😡😡", "[强][强]", "[发怒][发怒]"])
    assert p[0] > 0.5 > p[1] and p[2] > 0.5 > p[3]


def test_english_words_with_negation():
    assert polarity.score("the staff were rude") < 0
    assert polarity.score("not bad at all") > 0
    assert polarity.score("isn't good") < 0
    assert polarity.score("味道ok") > 0
    assert polarity.score("badminton") == 0            # whole words only


def test_cantonese_and_traditional_forms():
    assert normalize.fold_for_analysis("難食") == "难食"
    p = sentiment.score(["呢間餐廳好難食", "好好味", "唔會再嚟"])
    assert p[0] < 0.5 < p[1] and p[2] < 0.5


def test_severe_sensitive_hit_is_never_positive():
    t = "环境很好服务热情，菜品也漂亮，可惜吃完全家拉肚子进医院"
    assert sensitive.severe(t)
    assert sentiment.score([t])[0] <= sentiment.SEVERE_CAP
    assert text.analyze([t], workers=1)[0].label == -1
    assert not sensitive.severe("吃完没有拉肚子，放心")
    assert sentiment.score(["吃完没有拉肚子，很新鲜很好吃"])[0] > 0.5


def test_transcript_only_customer_turns_are_analysed():
    t = ("客服：您好，很高兴为您服务。顾客：昨天在店里吃完全家都拉肚子了。"
         "客服：非常抱歉，感谢您的耐心。顾客：我要一个说法。")
    assert turns.customer_text(t) == "昨天在店里吃完全家都拉肚子了。\n我要一个说法。"
    a = text.analyze([t], workers=1)[0]
    assert a.label == -1
    assert not any(m.touchpoint == "staff_attitude" for m in a.mentions)          # no praise from the scripts
    assert not any(m.keyword == "客服" for m in a.mentions)                        # the tag is not a complaint
    assert all(m.clause in turns.customer_text(t) for m in a.mentions)
    assert "服务" not in a.keywords and "耐心" not in a.keywords


def test_review_with_merchant_reply_and_plain_text():
    assert turns.customer_text("菜很好吃。商家回复：感谢光临，欢迎再来") == "菜很好吃。"
    assert turns.split("在线客服记录：客户表示菜太咸") is None       # a header, not speaker turns
    assert turns.customer_text("服务员说：请稍等") == "服务员说：请稍等"
    assert turns.customer_text("客服：您好") == ""


def test_one_line_per_turn_without_tags():
    log = "在店里吃完就肚子疼\n您好，很高兴为您服务，非常抱歉给您带来不便\n我要退款\n已为您登记，感谢您的耐心"
    assert turns.customer_text(log) == "在店里吃完就肚子疼\n我要退款"
    assert turns.split("菜很好吃\n服务也不错") is None          # no agent script: not a dialogue
    assert turns.split("菜很好吃，服务员说您好！") is None        # one line
    assert turns.split("菜很好吃\n服务员很热情，进门就说您好，还送了小菜") is None   # staff quoted in a review


def test_english_and_mixed_reviews_get_touchpoints_and_keywords():
    a, b, c = text.analyze(["The waiter was rude and the food was cold.", "味道ok，但是 too salty",
                            "Delivery took forever and the soup spilled"], workers=1)
    assert {(m.touchpoint, m.polarity) for m in a.mentions} == {("staff_attitude", -1), ("taste", -1)}
    assert a.keywords == ["waiter", "rude", "food", "cold"]          # English function words are stopwords
    assert ("taste", -1) in {(m.touchpoint, m.polarity) for m in b.mentions}
    assert {m.touchpoint for m in c.mentions} == {"delivery", "packaging"}
    assert not {m.touchpoint for m in text.analyze(["the waitlist app"], workers=1)[0].mentions}   # whole words


def test_emoticons_are_not_words_about_the_visit():
    a = text.analyze(["[强][微笑][捂脸]"], workers=1)[0]
    assert a.mentions == [] and a.keywords == []                     # [微笑] is not a smiling waiter
    assert {m.touchpoint for m in text.analyze(["服务员面带微笑"], workers=1)[0].mentions} == {"staff_attitude"}
