"""Accuracy of the text pipeline on real public data (../shared/realdata), against SnowNLP as reference.

    .venv/bin/python benchmarks/text_eval.py [--shared ../shared] [--no-snownlp]

Sentiment: the held-out 20 % of waimai_dev.csv (same split as scripts/train_sentiment.py; the shipped
model was trained on all of it, so the held-out number comes from a model re-fitted on the 80 %).
Touchpoints: AIC-2018 dev (Dianping restaurant reviews, 20 aspects), aspects mapped to our touchpoints;
rows with even ids are the tuning half, odd ids the reported half (the touchpoint-polarity model is re-fitted
on the tuning half for the report).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import aic2018  # noqa: E402
from aic2018 import AIC_MAP, f1, polarity_macro_f1, truth as aic_truth  # noqa: E402
from cx.text import tagger  # noqa: E402

def eval_tagging(df: pd.DataFrame) -> pd.DataFrame:
    truth = aic_truth(df)
    preds = [tagger.summary(tagger.tag(t)) for t in df["content"]]
    rows = []
    for tp in AIC_MAP:
        t = truth[tp]
        p = np.array([pr.get(tp, -2) for pr in preds])
        tpos, fpos, fneg = int(((t != -2) & (p != -2)).sum()), int(((t == -2) & (p != -2)).sum()), int(((t != -2) & (p == -2)).sum())
        pol_f1 = polarity_macro_f1(t, p)
        rows.append({"touchpoint": tp, "support": int((t != -2).sum()), "mention_f1": f1(tpos, fpos, fneg),
                     "precision": tpos / max(1, tpos + fpos), "recall": tpos / max(1, tpos + fneg),
                     "polarity_macro_f1": pol_f1, "polarity_n": int(((t != -2) & (p != -2)).sum())})
    return pd.DataFrame(rows)


def eval_tagging_held_out(shared: Path, df: pd.DataFrame) -> pd.DataFrame:
    """eval_tagging with the touchpoint-polarity model re-fitted on the tuning half (the shipped one has seen
    every AIC row)."""
    import tempfile

    import train_aspect_polarity as tap
    from cx.text import aspect

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "aspect_polarity.npz"
        tap.fit_tuning_half(shared, path)
        with aspect.model_file(path):
            return eval_tagging(df)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--half", choices=["tune", "report", "all"], default="report")
    ap.add_argument("--no-snownlp", action="store_true")
    a = ap.parse_args()
    if not (a.shared / "realdata").exists():
        print(f"skipped: {a.shared / 'realdata'} not found")
        return 0
    aic = aic2018.load(a.shared, a.half)
    t0 = time.perf_counter()
    res = eval_tagging_held_out(a.shared, aic) if a.half == "report" else eval_tagging(aic)
    print(f"AIC-2018 {a.half} half: {len(aic)} reviews, tagged in {time.perf_counter() - t0:.1f}s")
    print(res.round(3).to_string(index=False))
    print(f"touchpoint mention macro-F1 {res['mention_f1'].mean():.3f}   polarity macro-F1 {res['polarity_macro_f1'].mean():.3f}")
    sentiment_eval(a.shared, not a.no_snownlp)
    return 0


def sentiment_eval(shared: Path, snownlp: bool) -> None:
    """Held-out sentiment accuracy of a model re-fitted on the 80 % split, and SnowNLP on the same texts."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import train_sentiment as ts

    df = ts.load(shared)
    tr, te, bal = ts.split(df)
    w = ts.choose_weight(tr)
    model = {**ts.train(tr["review"].tolist(), tr["label"].to_numpy()), "lexicon_weight": w}
    texts, y = bal["review"].tolist(), bal["label"].to_numpy()
    t0 = time.perf_counter()
    acc = ts.accuracy(model, texts, y)
    print(f"sentiment (waimai held-out, balanced n={len(bal)}): CX Lens {acc:.3f} "
          f"({len(bal) / (time.perf_counter() - t0):.0f} reviews/s)")
    if snownlp:
        try:
            from snownlp import SnowNLP
        except ImportError:
            print("SnowNLP not installed (pip install -r requirements-dev.txt)")
            return
        t0 = time.perf_counter()
        p = np.array([SnowNLP(t).sentiments for t in texts])
        print(f"sentiment (same texts): SnowNLP {((p > 0.5).astype(int) == y).mean():.3f} "
              f"({len(bal) / (time.perf_counter() - t0):.0f} reviews/s)")


if __name__ == "__main__":
    sys.exit(main())
