"""Cases of the second fresh-eyes round of issue 17 (new sentences written by a new user after the first
round's fixes): IM exports whose customer header is a nickname, and food-safety reports whose symptoms only
the sensitive list reads."""
import pytest

from cx.text import analyze, tagger, turns

IM = ("客服阿芳 2026-05-01 10:32:11\n您好，很高兴为您服务\n{who} 2026-05-01 10:33:02\n米饭里吃出一根头发，太恶心了\n"
      "客服阿芳 2026-05-01 10:34:00\n非常抱歉给您带来不便，已为您登记")


@pytest.mark.parametrize("who", ["张先生", "小鱼儿", "jd_8823xk", "A李女士"])
def test_im_export_nickname_header_is_the_customer(who):
    t = IM.format(who=who)
    got = turns.split(t)
    assert [x.speaker for x in got] == ["agent", "customer", "agent"]
    assert turns.customer_text(t) == "米饭里吃出一根头发，太恶心了"
    a = analyze([t])[0]
    assert a.label == -1
    assert [(m.touchpoint, m.polarity) for m in a.mentions] == [("food_safety", -1)]
    assert "为您服务" not in "".join(a.keywords) and "抱歉" not in a.keywords


def test_nickname_headers_without_an_agent_header_are_not_attributed():
    # two people's lines in an export with no agent header: nothing says who is the customer
    t = "小鱼儿 2026-05-01 10:33:02\n今天的面有点咸\n大熊 2026-05-01 10:35:12\n我的也是"
    assert turns.split(t) is None


def test_a_dated_line_in_an_ordinary_review_is_no_header():
    t = "到店时间 2026-05-01 18:00\n排队排了半小时，菜还不错"
    assert turns.split(t) is None


@pytest.mark.parametrize("text", [
    "外卖送得挺快，包装也很用心。没想到吃完两个小时就肚子绞痛，跑了七八趟厕所，最后去社区医院打了点滴。",
    "环境很好，菜也精致。结果回家后拉了一晚上，第二天还去诊所挂了水。",
    "Lovely staff and a nice view. Sadly my wife got really sick after dinner, vomiting all night.",
    "Great décor but food poisoning the next day, never again",
])
def test_food_safety_reports_are_a_negative_food_safety_mention(text):
    a = analyze([text])[0]
    assert a.label == -1
    assert ("food_safety", -1) in [(m.touchpoint, m.polarity) for m in a.mentions]
    assert tagger.summary(tagger.tag(text)).get("food_safety") == -1


@pytest.mark.parametrize("text", ["吃了两次都没有拉肚子，很放心", "No food poisoning scare here, all fresh"])
def test_negated_food_safety_words_add_no_complaint(text):
    assert ("food_safety", -1) not in [(m.touchpoint, m.polarity) for m in analyze([text])[0].mentions]


# --- review of round 2's fixes -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["店家环境：很干净，菜也好吃", "商家包装：很用心，下次还来", "客服小姐姐：超级耐心，五星好评"])
def test_one_named_agent_word_with_a_colon_is_a_review_not_a_dialogue(text):
    assert turns.split(text) is None
    assert analyze([text])[0].label == 1


def test_dated_lines_inside_a_colon_tagged_agent_message_are_not_customer_headers():
    t = ("顾客：我的外卖还没到\n客服：您好，订单信息如下\n下单时间 2026-05-01 11:00\n预计送达 2026-05-01 12:00\n"
         "给您带来不便非常抱歉，已为您催促骑手")
    assert turns.customer_text(t) == "我的外卖还没到"


def test_a_second_agent_in_an_im_export_is_not_the_customer():
    t = ("客服小美 2026-05-01 10:32:11\n您好，很高兴为您服务\n张先生 2026-05-01 10:33:02\n汤洒了一半\n"
         "阿芳 2026-05-01 10:35:40\n抱歉给您带来不便，已为您补送")
    assert [x.speaker for x in turns.split(t)] == ["agent", "customer", "agent"]
    assert turns.customer_text(t) == "汤洒了一半"


@pytest.mark.parametrize("text", ["Didn't expect to get food poisoning from a place like this",
                                  "Can't believe I got food poisoning here", "Couldn't stop throwing up all night",
                                  "Wasn't long before I got sick", "吃完不久就腹泻", "没想到回家就打了点滴"])
def test_expectation_and_time_words_do_not_negate_a_food_safety_report(text):
    from cx.text import sensitive
    assert sensitive.severe(text)
    assert ("food_safety", -1) in [(m.touchpoint, m.polarity) for m in analyze([text])[0].mentions]


@pytest.mark.parametrize("text", ["We didn't get sick at all", "no food poisoning, all fresh", "从来没有拉肚子"])
def test_real_negations_still_negate(text):
    from cx.text import sensitive
    assert not sensitive.severe(text)


def test_chain_scope_takes_no_value():
    from cx import scope
    with pytest.raises(ValueError):
        scope.split("chain:anything")
    assert scope.split("chain") == ("chain", None)
