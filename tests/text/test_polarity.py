import pytest

from cx.text.polarity import score, sign
from cx.text.taxonomy import default

TP = default().by_id


@pytest.mark.parametrize("clause,tp,expected", [
    ("菜很好吃", "taste", 1), ("一点也不好吃", "taste", -1), ("不太好吃", "taste", -1),
    ("服务很热情", "staff_attitude", 1), ("服务不热情", "staff_attitude", -1), ("服务员态度很差", "staff_attitude", -1),
    ("价格不贵", "price", 1), ("价格太贵了", "price", -1),
    ("上菜太慢", "serving_speed", -1), ("上菜很快", "serving_speed", 1),
    ("分量很足", "portion", 1), ("量太少了", "portion", -1),
    ("不太干净", "hygiene", -1), ("基本不用排队", "queue", 1), ("排队排了一个小时", "queue", -1),
    ("会员积分无故清零了", "membership", -1),
])
def test_touchpoint_polarity_with_negation(clause, tp, expected):
    assert sign(score(clause, TP[tp])) == expected


def test_degree_words_strengthen():
    assert abs(score("非常好吃", TP["taste"])) > abs(score("好吃", TP["taste"]))
    assert abs(score("有点贵", TP["price"])) < abs(score("贵", TP["price"]))


def test_neutral_clauses_score_zero():
    for c in ("周末和朋友来吃饭", "看点评来打卡", "会员卡在前台办"):
        assert score(c) == 0, c


def test_words_ending_in_a_negator_character_do_not_negate():
    # 特别 ends in 别 (don't): 特别好吃 is very tasty — this once read as a complaint
    assert score("特别好吃") > 0 and score("服务特别周到") > 0
    assert score("特别好吃") > score("好吃")            # and 特别 still strengthens
    assert score("不特别好吃") < 0                        # a real negator before it still flips


def test_compounds_that_only_contain_a_sentiment_word():
    assert score("凉菜") == 0 and score("菜都凉了") < 0          # a cold dish vs food gone cold
    assert score("海鲜") == 0 and score("海鲜很新鲜") > 0
    assert score("好像") == 0 and score("不好意思久等了") == 0


def test_hao_before_a_complaint_is_an_adverb():
    assert score("送餐好慢") < score("送餐慢") < 0                # so slow: stronger, not cancelled by 好
    assert score("好贵啊") < 0
    assert score("好好吃") > score("好吃") > 0


def test_adverbs_and_dialect_read_right():
    assert score("唔错") > 0 and score("唔好食") < 0             # Cantonese 不错 / 不好吃
    assert score("菜量实在太少") < 0 and score("分量很实在", default().by_id["portion"]) > 0
    assert score("不是一般的小", default().by_id["portion"]) < 0    # 'no ordinary' intensifies, it is not 一般
