"""Tagging fixes by kind from a fresh-eyes review (issue #17, findings F5–F11, F19): each kind is tested with the
reported sentence and with other sentences of the same kind."""
import pytest

from cx.text import analyze
from cx.text.tagger import tag
from cx.text.taxonomy import TaxonomyError, parse


def pairs(text):
    return {(m.touchpoint, m.polarity) for m in tag(text)}


def touchpoints(text):
    return {m.touchpoint for m in tag(text)}


@pytest.mark.parametrize("text", ["服务员太凶了", "店员很凶", "服务员特别凶，问个问题都吼人", "收银员很拽，爱理不理的",
                                  "服务员态度傲慢", "店员对我们甩脸色"])
def test_harsh_or_rude_staff_is_a_staff_complaint(text):          # F6
    assert ("staff_attitude", -1) in pairs(text)


@pytest.mark.parametrize("text, tp, pol", [
    ("啲嘢食好難食，以後唔會再幫襯", "taste", -1),                   # F7: folded to 难食
    ("好好食呀，又抵食，下次再嚟", "taste", 1),
    ("啲點心幾好味，服務都唔錯", "taste", 1),
    ("排咗成個鐘", "queue", -1),
    ("等咗成個鐘先有位，真係頂唔順", "queue", -1),
    ("等了半天才有位", "queue", -1),
])
def test_cantonese_taste_and_queue_after_folding(text, tp, pol):
    assert (tp, pol) in {(m.touchpoint, m.polarity) for m in analyze([text])[0].mentions}


def test_good_ingredients_are_not_cantonese_good_food():
    assert [(m.touchpoint, m.keyword) for m in tag("选用好食材")] == [("taste", "好食材")]


@pytest.mark.parametrize("text", ["我和老公都上吐下泻，半夜去了医院急诊挂水", "医生说是急性肠胃炎",
                                  "第二天孩子就发烧呕吐，去儿童医院住了两天院", "吃完全家闹肚子", "回去就吐了一晚上"])
def test_symptoms_and_medical_care_are_food_safety(text):        # F8
    assert ("food_safety", -1) in pairs(text)


@pytest.mark.parametrize("text, pol", [("这家的菜真的不怎么新鲜", -1), ("海鲜不太新鲜", -1), ("食材很新鲜", 1),
                                       ("不能说不新鲜", 1)])
def test_freshness_is_food_quality_not_food_safety(text, pol):   # F9
    got = pairs(text)
    assert ("taste", pol) in got and "food_safety" not in {t for t, _ in got}


@pytest.mark.parametrize("text", ["肉都发臭了", "菜是变质的", "牛奶过期了", "面包发霉了"])
def test_spoiled_food_stays_food_safety(text):
    assert ("food_safety", -1) in pairs(text)


@pytest.mark.parametrize("text, tp", [("稍微有点小贵，但是可以接受", "price"), ("价格偏高但能接受", "price"),
                                      ("有点贵，但也值", "price"), ("价格小贵，不过还能接受", "price"),
                                      ("上菜有点慢，不过可以理解", "serving_speed")])
def test_a_complaint_conceded_at_once_is_neutral(text, tp):       # F10
    assert (tp, 0) in pairs(text)


def test_a_complaint_without_concession_stays_negative():
    assert ("price", -1) in pairs("有点贵，服务员也不热情")
    assert ("price", -1) in pairs("价格偏高")
    assert ("staff_attitude", -1) in pairs("服务差，但是值得一提的是菜很好吃")   # a contrast, not a concession


def test_concede_list_is_validated():
    doc = {"concede": "可以接受", "stages": [{"id": "s", "label": "S", "touchpoints": [
        {"id": "t", "label": "T", "keywords": ["价格"]}]}]}
    with pytest.raises(TaxonomyError, match="concede"):
        parse(doc)


@pytest.mark.parametrize("text, tp", [("到店取号前面还有30桌，等了好久", "queue"), ("排队等了好长时间", "queue"),
                                      ("门口等位等到腿都酸了", "queue"), ("等了很久", "serving_speed"),
                                      ("等了好久菜才上", "serving_speed"), ("外卖等了好久", "delivery")])
def test_long_waits_are_negative(text, tp):                       # F11
    assert (tp, -1) in pairs(text)


def test_wait_words_add_no_stray_touchpoints():
    assert "taste" not in touchpoints("门口等位等到腿都酸了，进去以后上菜倒是很快")
    assert touchpoints("外卖下单后等了一个半小时骑手才送到") == {"delivery"}
    assert "menu" in touchpoints("扫码下单很方便")


@pytest.mark.parametrize("text", ["我点的外卖少送了一份鸡翅", "少送了一份", "漏送了饮料", "外卖少给了一瓶可乐"])
def test_a_missing_item_is_a_delivery_complaint(text):           # F19
    got = pairs(text)
    assert ("delivery", -1) in got and not {"promotion", "packaging"} & {t for t, _ in got}


@pytest.mark.parametrize("text, pol", [("菜品quality一般，price太high了", -1), ("price is too high", -1),
                                       ("too expensive", -1), ("overpriced", -1), ("价格ok，price合理", None)])
def test_english_price_words_in_mixed_text(text, pol):           # F5
    got = pairs(text)
    assert "price" in {t for t, _ in got}
    if pol is not None:
        assert ("price", pol) in got


def test_english_words_glued_to_chinese_are_read():
    assert "staff_attitude" in touchpoints("waiter很rude")
    assert "delivery" in touchpoints("delivery太慢了")


LONG_POISONING = [
    ("这家店我来过很多次了，一直觉得味道很好，价格也实惠，服务员都认识我们了，每次都会送个小菜，停车也方便，真的是很喜欢的"
     "一家店。但是这周六带孩子来吃了一顿，第二天孩子就发烧呕吐，去儿童医院住了两天院，化验说是细菌感染，问了同桌的人也有不舒服的。",
     "staff_attitude"),
    ("公司聚餐选的这家，位置在商场三楼很好找，包间宽敞，服务员一直帮我们加水换骨碟，经理还过来敬了酒，菜也上得很快。"
     "可是吃完没多久同事们陆续开始拉肚子，有两个半夜去医院挂了急诊，医生说是食物中毒，真的后怕。",
     "staff_attitude"),
]


@pytest.mark.parametrize("text, tp", LONG_POISONING)
def test_poisoning_cap_does_not_turn_praised_touchpoints_negative(text, tp):   # F8, AIC aspect model
    from cx.text import aspect
    if not aspect.trained_touchpoints():
        pytest.skip("AIC aspect model switched off or absent")
    got = {(m.touchpoint, m.polarity) for m in analyze([text])[0].mentions}
    assert ("food_safety", -1) in got
    assert (tp, -1) not in got
