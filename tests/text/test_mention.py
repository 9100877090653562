"""The learned touchpoint-mention filter (cx.text.mention): where it applies, its switch and its artefact."""
import numpy as np
import pytest

from cx.text import aspect, config, features as fx, mention, tagger

LONG = ("周末和家人来吃饭，店在商场三楼。环境很好，座位也宽敞，孩子们玩得很开心。点了招牌烤鱼、小炒黄牛肉和几个凉菜，"
        "烤鱼鲜嫩入味，黄牛肉香辣下饭，凉菜清爽，整体味道非常好。服务员很热情，主动帮我们换骨碟加茶水，上菜也挺快。"
        "人均八十左右，性价比不错，下次还会再来。")


def _model(path, drop_tp: str, keep: float = 0.5):
    """A model that gives P≈0 to every hit of ``drop_tp`` and P≈1 elsewhere."""
    tps = ("noise", "space", "taste")
    coef = np.zeros((len(tps), mention.WIDTH), np.float32)
    icpt = np.array([-20.0 if tp == drop_tp else 20.0 for tp in tps], np.float32)
    mention.save(mention.Model(tps, np.full(len(tps), keep, np.float32), coef, icpt), path)
    return path


def tps(text):
    return {m.touchpoint for m in tagger.tag(text)}


def test_a_dropped_hit_disappears_from_long_reviews_only(tmp_path):
    assert len(LONG) >= aspect.MIN_CHARS
    rules = {m.touchpoint for m in tagger.resolve(LONG, tagger.candidates(LONG))}
    assert {"noise", "space", "taste"} <= rules            # 「环境很好」 is a keyword hit for noise and space
    with mention.model_file(_model(tmp_path / "m.npz", "noise")):
        assert tps(LONG) == rules - {"noise"}
        assert "noise" in tps("环境很好，很安静")                 # a short comment keeps the keyword rules
    with mention.model_file(_model(tmp_path / "m0.npz", "noise", keep=0.0)):
        assert tps(LONG) == rules                           # keep = 0: the rules alone for every touchpoint


def test_the_batch_path_agrees_with_tag(tmp_path):
    from cx import text

    with mention.model_file(_model(tmp_path / "m.npz", "taste")):
        a = text.analyze_batch([LONG])[0]
        assert "taste" not in {m.touchpoint for m in a.mentions}
        assert [(m.touchpoint, m.polarity) for m in a.mentions] == [(m.touchpoint, m.polarity) for m in tagger.tag(LONG)]


def test_switch_off_means_keyword_rules_only(monkeypatch):
    rules = {m.touchpoint for m in tagger.resolve(LONG, tagger.candidates(LONG))}
    monkeypatch.setenv(aspect.SWITCH, "off")
    assert mention.current() is None and mention.covered() == ()
    assert tps(LONG) == rules
    assert mention.MODEL_FILE in config.FILES


def test_shipped_model_covers_only_aic_touchpoints():
    m = mention.current()
    if m is None:
        pytest.skip("no mention model shipped")
    assert set(m.touchpoints) <= {"location", "queue", "staff_attitude", "parking", "serving_speed", "price", "value",
                                  "promotion", "decor", "noise", "space", "hygiene", "portion", "taste", "presentation"}
    assert all(0 <= k < 1 for k in m.keep)
    assert set(mention.covered()) <= set(m.touchpoints)


def test_mismatched_artefact_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, clause_features=16, ngrams=np.array([1, 2]), hash_version=fx.HASH_VERSION,
             touchpoints=np.array(["noise"]), keep=np.array([0.5]), coef=np.zeros((1, 18)), intercept=np.zeros(1))
    with mention.model_file(bad), pytest.raises(RuntimeError, match="重新训练"):
        mention.dropped([{"noise": ["环境很好"]}])


def test_design_rows_and_signals():
    x = mention.design([["环境很好", "很安静"], []])
    assert x.shape == (2, mention.WIDTH)
    assert x[0, mention.CLAUSE_FEATURES] == 1 and x[1, mention.CLAUSE_FEATURES] == 0
    assert np.isclose(x[0, mention.CLAUSE_FEATURES + 1], np.log1p(2))
    assert x[1].nnz == 0
