from cx.text.tagger import summary, tag


def pairs(text):
    return [(m.touchpoint, m.polarity) for m in tag(text)]


def test_two_touchpoints_two_polarities_in_one_sentence():
    assert pairs("菜很好吃但是上菜太慢") == [("taste", 1), ("serving_speed", -1)]


def test_mention_fields():
    m = tag("周末来吃饭，服务员态度很差")[0]
    assert (m.stage, m.touchpoint, m.polarity, m.clause, m.keyword) == ("dining", "staff_attitude", -1, "服务员态度很差", "服务员")
    assert "周末来吃饭，服务员态度很差"[m.start:m.end] == m.clause


def test_typical_reviews():
    assert ("queue", -1) in pairs("排队排了一个小时，太崩溃了")
    assert ("price", 1) in pairs("人均六十，价格很实惠")
    assert ("food_safety", -1) in pairs("吃完回去就拉肚子了")
    assert set(pairs("外卖超时了半小时，汤洒了一袋子")) == {("delivery", -1), ("packaging", -1)}
    assert ("hygiene", -1) in pairs("桌子油腻腻的没擦干净")


def test_service_boilerplate_is_not_a_mention():
    got = pairs("顾客来电投诉：外卖超时了半小时，要求退款。处理结果：已致歉并补偿优惠券。")
    assert got == [("delivery", -1)]


def test_nothing_in_empty_or_unrelated_text():
    assert tag("") == []
    assert tag("哈哈哈") == []


def test_summary_balances_clauses():
    ms = tag("味道很好，菜很好吃，就是有一道菜太咸")
    assert summary(ms)["taste"] == 1
