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


def touchpoints(text):
    return {m.touchpoint for m in tag(text)}


def test_words_that_only_look_like_a_touchpoint():
    assert "value" not in touchpoints("下次还会再来，值得一试")              # a recommendation, not value for money
    assert "queue" not in touchpoints("老板给我们安排了靠窗的位置")            # 安排了 is not 排了
    assert "serving_speed" not in touchpoints("慢慢品尝，回味无穷")           # an adverb, not slow service
    assert "serving_speed" not in touchpoints("菜端上来的时候还冒着热气")       # serving, not its speed
    assert "promotion" not in touchpoints("点了一个双人套餐")                 # a set meal is a menu item
    assert "promotion" in touchpoints("买的团购套餐很划算")


def test_waiting_for_a_table_is_queue_and_waiting_for_dishes_is_serving_speed():
    assert touchpoints("取号后等了快一个小时还没轮到") == {"queue"}
    assert "serving_speed" in touchpoints("宫保鸡丁等了四十多分钟才上")


def test_greasy_food_is_taste_and_greasy_tables_are_hygiene():
    assert touchpoints("菜有点油腻") == {"taste"}
    assert ("hygiene", -1) in pairs("菜单黏糊糊的")
    assert touchpoints("桌子太小了，挤得慌") == {"space"}
    assert touchpoints("一桌子小姑娘都在流口水") == set()       # a table of people, not the table's size


def test_a_serving_counted_is_not_a_portion_judged():
    assert "portion" not in touchpoints("点了一份大盘鸡，一份三十块")        # 份 as a counter
    assert ("portion", 1) in pairs("一份就够两个人吃")
    assert ("portion", -1) in pairs("根本不够吃")
    assert ("portion", -1) in pairs("这份太少了")


def test_a_seat_is_not_the_shops_location():
    assert "location" not in touchpoints("点好餐以后要自己找位置")
    assert "location" not in touchpoints("店内位置还蛮多")
    assert ("location", 1) in pairs("位置很好找，就在地铁口")


def _tps(text):
    return {m.touchpoint for m in tag(text)}


def test_waiting_for_a_table_is_queue_not_serving_speed():
    assert _tps("等位等了25分钟") == {"queue"}
    assert _tps("排队排了很久，等了半个小时才进去") == {"queue"}
    assert "serving_speed" in _tps("不用排队，但是菜等了40分钟")      # the food wait stays serving speed
    assert _tps("上菜太慢了，等了半小时") == {"serving_speed"}


def test_waiting_in_a_delivery_review_is_delivery():
    assert _tps("点的外卖，等了一个小时才拿到") == {"delivery"}
    assert "serving_speed" not in _tps("外卖送得很慢，速度太差")
    assert _tps("堂食上菜很慢") == {"serving_speed"}


def test_acceptable_price_is_not_a_complaint():
    for t in ("人均60左右不算贵", "价格还行", "价格可以接受", "人均80，不算太贵"):
        pols = [m.polarity for m in tag(t) if m.touchpoint == "price"]
        assert pols and min(pols) >= 0, (t, pols)
    assert [m.polarity for m in tag("人均一百多，太贵了") if m.touchpoint == "price"][-1] == -1


def test_context_rule_validation():
    import pytest

    from cx.text.taxonomy import TaxonomyError, parse

    doc = {"stages": [{"id": "s", "label": "阶段", "touchpoints": [
        {"id": "a", "label": "甲", "keywords": ["等了"], "context": [{"when": ["外卖"], "to": "nowhere"}]}]}]}
    with pytest.raises(TaxonomyError, match="不存在的触点"):
        parse(doc)
    doc["stages"][0]["touchpoints"][0]["context"] = [{"scope": "page", "when": ["外卖"], "to": "a"}]
    with pytest.raises(TaxonomyError, match="scope"):
        parse(doc)
