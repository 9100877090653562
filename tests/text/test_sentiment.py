from pathlib import Path

import pandas as pd

from cx.text import sentiment

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sentiment_sample.csv"


def test_scores_are_probabilities_and_empty_is_uncertain():
    p = sentiment.score(["好吃", "", None, "难吃死了"])
    assert all(0 <= x <= 1 for x in p)
    assert p[1] == p[2] == 0.5
    assert p[0] > 0.5 > p[3]
    assert sentiment.score([]) == []


def test_accuracy_on_hand_written_sample():
    """60 restaurant reviews written for this project (30 positive, 30 negative): a regression guard."""
    df = pd.read_csv(SAMPLE)
    pred = [int(p > 0.5) for p in sentiment.score(df["text"].tolist())]
    acc = sum(int(a == b) for a, b in zip(pred, df["label"])) / len(df)
    assert acc >= 0.9, acc


def test_labels():
    assert sentiment.label(0.9) == 1 and sentiment.label(0.1) == -1 and sentiment.label(0.5) == 0


def test_model_file_is_small_and_numeric():
    import numpy as np

    assert sentiment.MODEL_FILE.stat().st_size < 3 * 1024 * 1024
    with np.load(sentiment.MODEL_FILE, allow_pickle=False) as z:   # no pickled objects inside
        assert {"idf", "coef", "intercept", "lexicon_weight"} <= set(z.files)


def test_artefact_records_its_recipe_and_an_older_one_refuses_to_load(tmp_path):
    """The masking of negations changed (negation_mask 2): a model trained on other masks must not load."""
    import numpy as np
    import pytest

    with np.load(sentiment.MODEL_FILE, allow_pickle=False) as z:
        files = {k: z[k] for k in z.files}
    assert int(files["negation_mask"]) == sentiment.NEGATION_MASK
    a, lexicon_weight, _ = files["stack"]                      # second stage: scale, lexicon weight, intercept
    assert a > 0 and lexicon_weight > 0 and float(files["lexicon_weight"]) == lexicon_weight
    old = tmp_path / "old.npz"
    np.savez(old, **{k: v for k, v in files.items() if k != "negation_mask"})
    with pytest.raises(RuntimeError, match="重新训练"):
        sentiment._model(old)
