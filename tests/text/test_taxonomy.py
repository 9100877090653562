import pytest

from cx.text.taxonomy import TaxonomyError, default, load, parse

REQUIRED = {"location", "parking", "booking", "queue", "decor", "noise", "space", "hygiene", "menu", "price", "value",
            "promotion", "taste", "portion", "presentation", "serving_speed", "staff_attitude", "food_safety",
            "payment", "invoice", "delivery", "packaging", "membership", "complaint_handling"}


def test_shipped_taxonomy_has_all_touchpoints_in_journey_order():
    tax = default()
    assert REQUIRED <= set(tax.by_id)
    assert [s for s, _ in tax.stages] == ["pre_visit", "environment", "ordering", "dining", "checkout", "post_visit"]
    assert tax.by_id["queue"].stage_label == "到店前"


@pytest.mark.parametrize("doc,needle", [
    (None, "缺少 stages"),
    ({"stages": []}, "缺少 stages"),
    ({"stages": [{"id": "a"}]}, "缺少 id 或 label"),
    ({"stages": [{"id": "a", "label": "阶段A"}]}, "没有任何触点"),
    ({"stages": [{"id": "a", "label": "A", "touchpoints": [{"id": "Bad-Id", "label": "x", "keywords": ["k"]}]}]}, "小写英文"),
    ({"stages": [{"id": "a", "label": "A", "touchpoints": [{"id": "x", "label": "X", "keywords": []}]}]}, "keywords"),
    ({"stages": [{"id": "a", "label": "A", "touchpoints": [{"id": "x", "label": "X", "keywords": ["k"]},
                                                            {"id": "x", "label": "Y", "keywords": ["j"]}]}]}, "重复"),
    ({"stages": [{"id": "a", "label": "A", "touchpoints": [{"id": "x", "label": "X", "keywords": ["k"], "regex": ["(unclosed"]}]}]}, "正则"),
])
def test_bad_documents_are_explained(doc, needle):
    with pytest.raises(TaxonomyError, match=needle):
        parse(doc)


def test_bad_yaml_names_line(tmp_path):
    p = tmp_path / "t.yaml"
    p.write_text("stages:\n  - id: a\n    label: [unclosed\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="不是有效的 YAML第 .* 行"):
        load(p)
    with pytest.raises(TaxonomyError, match="找不到"):
        load(tmp_path / "missing.yaml")
