import pytest

from cx.text.sensitive import classes, find


@pytest.mark.parametrize("text,cls,severity", [
    ("吃完回去就拉肚子了", "food_safety", "high"),
    ("汤里有一根头发", "food_safety", "high"),
    ("菜里有虫子", "food_safety", "high"),
    ("我要去12315投诉你们", "public_threat", "high"),
    ("已经联系媒体曝光了", "public_threat", "high"),
    ("服务员还骂人", "abuse", "medium"),
    ("孩子被热汤烫伤了", "safety", "high"),
    ("加微信领霸王餐", "spam", "low"),
])
def test_each_class_is_found_with_its_severity(text, cls, severity):
    hits = find(text)
    assert any(h.cls == cls and h.severity == severity for h in hits), hits


def test_clean_text_has_no_hits_and_positions_are_right():
    assert find("菜很好吃，服务热情") == []
    assert find(None) == []
    text = "味道一般，还吃出了头发"
    h = [x for x in find(text) if x.word == "头发"][0]
    assert text[h.start:h.start + 2] == "头发"


def test_every_class_has_label_severity_and_words():
    for name, spec in classes().items():
        assert spec["label"] and spec["severity"] in ("low", "medium", "high") and spec["words"], name


# --- English and mixed reports, Chinese symptom phrasing (fresh-eyes finding F1) ---

@pytest.mark.parametrize("text,cls", [
    ("Lovely staff but my son had diarrhea all night after the chicken", "food_safety"),
    ("Two of us were throwing up by midnight", "food_safety"),
    ("The dumplings made my wife sick", "food_safety"),
    ("We had to rush him to the emergency room after dinner", "food_safety"),
    ("I ended up in the hospital with salmonella", "food_safety"),
    ("There was a hair in my noodles", "food_safety"),
    ("Saw a ROACH running across the table", "food_safety"),
    ("The yogurt was expired", "food_safety"),
    ("吃完当晚就vomiting，太可怕了", "food_safety"),
    ("I will be contacting a lawyer", "public_threat"),
    ("I'm reporting you to the health inspector", "public_threat"),
    ("Going to post this on Weibo so everyone knows", "public_threat"),
    ("My kid was scalded by the hot soup", "safety"),
    ("回家后全家闹肚子，孩子拉稀", "food_safety"),
    ("晚上就开始上吐下泻，医生说是急性肠胃炎", "food_safety"),
    ("孩子半夜发烧呕吐，去了医院挂急诊", "food_safety"),
    ("同事吃完直接去医院打点滴", "food_safety"),
])
def test_english_mixed_and_symptom_phrasings_are_found(text, cls):
    from cx.text import sensitive

    assert any(h.cls == cls and h.severity == "high" for h in find(text)), find(text)
    assert sensitive.severe(text)


@pytest.mark.parametrize("text", [
    "The server was attentive and there was no issue with the order",     # "er", "sue" inside words
    "Er, the noodles were fine I guess",                                   # a hesitation, not the ER
    "I'm sick of places like this having no parking",                       # sick of ≠ got sick
    "Great pasta, the sauce was rich and the hairdresser next door recommended it",
    "家里有人住院，点外卖送过去很方便",                                         # the hospital is not caused by the meal
    "就在口腔医院对面，很好找",
])
def test_words_inside_other_words_and_unrelated_mentions_are_not_hits(text):
    assert [h for h in find(text) if h.severity == "high"] == [], find(text)


def test_english_hit_positions_are_exact_and_case_is_kept():
    t = "Nice view. Got FOOD POISONING though."
    h = [x for x in find(t) if x.cls == "food_safety"][0]
    assert t[h.start:h.start + len(h.word)] == h.word == "FOOD POISONING"


def test_english_negation_before_a_hit_is_not_severe():
    from cx.text import sensitive

    assert not sensitive.severe("No food poisoning here, thankfully")
    assert not sensitive.severe("Nobody got sick even though the fish looked odd")
    assert not sensitive.severe("We didn't end up in the hospital, the food was fine")
    assert sensitive.severe("Great food. Then we got food poisoning")


def test_english_and_mixed_severe_reports_are_never_positive_through_analyze():
    from cx import text
    from cx.text import sentiment

    texts = ["Gorgeous interior, the cocktails were superb and the waiters charming. Sadly my husband "
             "was vomiting all night and we went to the ER.",
             "Best ramen in town, friendly staff, cozy vibe. Found a cockroach in my soup though.",
             "服务超级好，环境也漂亮，菜也好吃，but we all got sick afterwards",
             "环境优雅，服务员热情周到，菜品精致好吃，可惜回家后孩子发烧呕吐，医生说是急性肠胃炎"]
    for t, a in zip(texts, text.analyze(texts, workers=1)):
        assert a.sensitive and a.sentiment <= sentiment.SEVERE_CAP and a.label == -1, (t, a.sentiment)


def test_a_regex_that_does_not_compile_is_a_chinese_error(tmp_path):
    from cx.text import sensitive

    p = tmp_path / "s.yaml"
    p.write_text("classes:\n  x:\n    label: X\n    severity: high\n    words: [a]\n    regex: ['(unclosed']\n",
                 encoding="utf-8")
    with pytest.raises(ValueError, match="正则表达式"):
        sensitive._compiled(p)
