"""Regression guards on the real public corpora in ../shared/realdata (skipped when it is absent)."""
import sys

import numpy as np
import pandas as pd
import pytest

from cx.db import ROOT

SHARED = ROOT.parent / "shared"
pytestmark = [pytest.mark.shared,
              pytest.mark.skipif(not (SHARED / "realdata").exists(),
                                 reason=f"{SHARED / 'realdata'} not found: real-data checks need ../shared")]


def test_sentiment_held_out_accuracy():
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_sentiment as ts

    df = ts.load(SHARED)
    tr, te, bal = ts.split(df)
    assert not set(tr["group"]) & set(te["group"])          # near-twins never straddle the split
    model = {**ts.train(tr["review"].tolist(), tr["label"].to_numpy()), "lexicon_weight": 0.2, "special_weight": 1.0}
    # grouped split, waimai only; with the weighted extra corpora the shipped recipe gives 0.880 (95 % CI 0.860–0.897)
    assert ts.accuracy(model, bal["review"].tolist(), bal["label"].to_numpy()) >= 0.86


def test_touchpoint_tagging_on_aic_report_half():
    sys.path.insert(0, str(ROOT))
    from benchmarks.text_eval import eval_tagging_held_out

    aic = pd.read_csv(SHARED / "realdata" / "aic2018_dev.csv")
    res = eval_tagging_held_out(SHARED, aic[aic["id"] % 2 == 1])   # polarity model fitted on the other half
    assert res["mention_f1"].mean() >= 0.74
    assert res["polarity_macro_f1"].mean() >= 0.56   # clause-level lexicon alone: 0.50


def test_pipeline_runs_on_long_unlabelled_reviews():
    from cx import text

    texts = pd.read_csv(SHARED / "realdata" / "aic2018_unlabelled.csv")["content"].astype(str).head(300).tolist()
    out = text.analyze(texts, workers=1)
    assert len(out) == 300
    assert np.mean([len(a.mentions) > 0 for a in out]) > 0.9
