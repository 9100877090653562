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
