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
    model = ts.fit(tr, tr.iloc[:0], 0.0) | {"special_weight": 0.25}
    # grouped split, the shipped recipe (waimai only, second stage on out-of-fold scores): 0.892 (95 % CI 0.873–0.908);
    # the first stage alone with its own intercept gave 0.880
    assert ts.accuracy(model, bal["review"].tolist(), bal["label"].to_numpy()) >= 0.875


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


def _dialogues(n: int = 400):
    import json

    with open(SHARED / "realdata" / "helpdesk_dialogues.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for _, line in zip(range(n), fh)]


@pytest.mark.parametrize("tags, sep", [(("顾客", "客服"), "\n"), (("客户", "坐席"), " ")])
def test_helpdesk_dialogues_no_mention_from_an_agent_turn(tags, sep):
    """Real Chinese customer-service dialogues (Weibo helpdesk, NTCIR-14 STC-3) written as transcripts with
    speaker tags — one line per turn, or on one line as ingest stores them: every mention, keyword and the
    sentiment come from the customer's turns."""
    from cx import text
    from cx.text import normalize, turns

    dialogues = [d for d in _dialogues() if any(t["sender"] == "helper" and t["text"].strip() for t in d["turns"])]
    docs = [sep.join(f"{tags[t['sender'] == 'helper']}：{t['text']}" for t in d["turns"] if t["text"].strip())
            for d in dialogues]
    out = text.analyze(docs, workers=1)
    n_mentions = 0
    for d, doc, a in zip(dialogues, docs, out):
        customer = [normalize.fold_for_analysis(t["text"]) for t in d["turns"] if t["sender"] == "customer"]
        assert [t.speaker for t in turns.split(normalize.fold_for_analysis(doc))] == \
            ["agent" if t["sender"] == "helper" else "customer" for t in d["turns"] if t["text"].strip()]
        for m in a.mentions:
            assert any(m.clause in c for c in customer), (m, doc)
            n_mentions += 1
        joined = "".join(customer)
        assert all(k in joined for k in a.keywords), doc
    assert n_mentions > 100                 # the dialogues do talk about service, network, billing …


def test_helpdesk_customer_turns_track_satisfaction_better_than_whole_dialogues():
    """On the 390 labelled test dialogues (19 annotators' customer-satisfaction vote S), sentiment of the
    customer's turns correlates with S more than sentiment of the whole dialogue, whose agent scripts
    (「感谢您的耐心」) read as praise. Measured: r = 0.45 vs 0.38."""
    import json

    from cx import text

    with open(SHARED / "realdata" / "helpdesk_dialogues.jsonl", encoding="utf-8") as fh:
        ds = [d for d in map(json.loads, fh) if d["split"] == "test" and d.get("quality_mean")]
    turns_ = [[t for t in d["turns"] if t["text"].strip()] for d in ds]
    tagged = [" ".join(f"{'客服' if t['sender'] == 'helper' else '顾客'}：{t['text']}" for t in ts) for ts in turns_]
    whole = [" ".join(t["text"] for t in ts) for ts in turns_]
    sat = np.array([d["quality_mean"]["S"] for d in ds])
    r_customer = np.corrcoef([a.sentiment for a in text.analyze(tagged, workers=1)], sat)[0, 1]
    r_whole = np.corrcoef([a.sentiment for a in text.analyze(whole, workers=1)], sat)[0, 1]
    assert r_customer > r_whole + 0.03 and r_customer > 0.35, (r_customer, r_whole)
