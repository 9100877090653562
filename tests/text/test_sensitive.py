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
