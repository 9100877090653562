"""The learned whole-review touchpoint polarity (cx.text.aspect) and where it applies."""
import numpy as np
import pytest

from cx.text import aspect, tagger

PRAISE = ("周末和家人来吃饭，店在商场三楼，很好找。环境布置得很温馨，座位也宽敞，孩子们玩得很开心。点了招牌烤鱼、小炒黄牛肉和几个凉菜，"
          "烤鱼鲜嫩入味，黄牛肉香辣下饭，凉菜清爽，整体味道非常好{aside}。服务员很热情，主动帮我们换骨碟加茶水，上菜也挺快。"
          "人均八十左右，性价比不错，下次还会再来。")


def polarities(text, tp):
    return {m.polarity for m in tagger.tag(text) if m.touchpoint == tp}


def test_long_review_gets_one_verdict_per_touchpoint():
    assert len(PRAISE) >= aspect.MIN_CHARS
    assert polarities(PRAISE.format(aside=""), "taste") == {1}
    # one salty dish among praise: clause by clause it is −1 once, the whole-review verdict is mixed (neutral)
    mixed = PRAISE.format(aside="，只是有一道青菜稍微有点咸")
    clause_level = {m.polarity for m in tagger.resolve(mixed, tagger.candidates(mixed)) if m.touchpoint == "taste"}
    assert -1 in clause_level and 1 in clause_level
    assert polarities(mixed, "taste") == {0}


def test_short_comments_keep_clause_polarity():
    assert polarities("菜太咸了", "taste") == {-1}
    assert [(m.touchpoint, m.polarity) for m in tagger.tag("菜很好吃但是上菜太慢")] == [("taste", 1), ("serving_speed", -1)]


def test_untrained_touchpoints_and_missing_model_have_no_opinion(tmp_path):
    assert "delivery" not in aspect.trained_touchpoints() and "taste" in aspect.trained_touchpoints()
    items = [aspect.Item("delivery", "外卖送得太慢", -1, -1.5, 0, 1, 0, 0.1),
             aspect.Item("taste", "味道很好", 1, 1.0, 1, 0, 0, 0.9)]
    assert aspect.predict(items) == [None, 1]
    with aspect.model_file(tmp_path / "absent.npz"):
        assert aspect.predict(items) == [None, None]


def test_mismatched_artefact_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, n_features=16, ngrams=np.array([1, 2]), coef=np.zeros((3, 16)), intercept=np.zeros(3),
             classes=np.array([-1, 0, 1]), touchpoints=np.array(["taste"]))
    with aspect.model_file(bad), pytest.raises(RuntimeError, match="重新训练"):
        aspect.predict([aspect.Item("taste", "好吃", 1, 1.0, 1, 0, 0, 0.9)])


def test_features_have_fixed_width():
    x = aspect.features([aspect.Item("taste", "好吃", 1, 1.0, 1, 0, 0, 0.9)], ("price", "taste"))
    assert x.shape == (1, aspect.N_FEATURES + 6 + 3 * 2)


def test_switch_turns_the_aic_model_off_and_changes_the_fingerprint(monkeypatch):
    from cx.text import config

    mixed = PRAISE.format(aside="，只是有一道青菜稍微有点咸")
    items = [aspect.Item("taste", "味道很好", 1, 1.0, 1, 0, 0, 0.9)]
    on = config.fingerprint()
    assert aspect.enabled() and aspect.predict(items) == [1]
    monkeypatch.setenv(aspect.SWITCH, "off")
    assert not aspect.enabled()
    assert aspect.predict(items) == [None]                          # lexicon path only
    assert -1 in polarities(mixed, "taste")                         # clause-level verdicts come back
    assert config.fingerprint() != on                                # stored analyses are flagged as stale
    monkeypatch.setenv(aspect.SWITCH, "on")
    assert config.fingerprint() == on
