"""Accuracy of the text pipeline on real public data (../shared/realdata), against SnowNLP as reference.

    .venv/bin/python benchmarks/text_eval.py [--shared ../shared] [--no-snownlp]

Sentiment: the held-out 20 % of waimai_dev.csv (same split as scripts/train_sentiment.py; the shipped
model was trained on all of it, so the held-out number comes from a model re-fitted on the 80 %).
Touchpoints: AIC-2018 dev (Dianping restaurant reviews, 20 aspects), aspects mapped to our touchpoints;
rows with even ids are the tuning half, odd ids the reported half.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cx.text import tagger  # noqa: E402

AIC_MAP = {
    "location": ["location_traffic_convenience", "location_distance_from_business_district", "location_easy_to_find"],
    "queue": ["service_wait_time"],
    "staff_attitude": ["service_waiters_attitude"],
    "parking": ["service_parking_convenience"],
    "serving_speed": ["service_serving_speed"],
    "price": ["price_level"],
    "value": ["price_cost_effective"],
    "promotion": ["price_discount"],
    "decor": ["environment_decoration"],
    "noise": ["environment_noise"],
    "space": ["environment_space"],
    "hygiene": ["environment_cleaness"],
    "portion": ["dish_portion"],
    "taste": ["dish_taste"],
    "presentation": ["dish_look"],
}


def f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def aic_truth(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per touchpoint: −2 not mentioned, else the most negative polarity among its mapped aspects."""
    out = {}
    for tp, cols in AIC_MAP.items():
        vals = df[cols].to_numpy()
        mentioned = vals != -2
        pol = np.where(mentioned, vals, 9).min(axis=1)
        out[tp] = np.where(mentioned.any(axis=1), pol, -2)
    return out


def eval_tagging(df: pd.DataFrame) -> pd.DataFrame:
    truth = aic_truth(df)
    preds = [tagger.summary(tagger.tag(t)) for t in df["content"]]
    rows = []
    for tp in AIC_MAP:
        t = truth[tp]
        p = np.array([pr.get(tp, -2) for pr in preds])
        tpos, fpos, fneg = int(((t != -2) & (p != -2)).sum()), int(((t == -2) & (p != -2)).sum()), int(((t != -2) & (p == -2)).sum())
        both = (t != -2) & (p != -2)
        pol_f1 = np.mean([f1(int(((t == c) & (p == c) & both).sum()), int(((t != c) & (p == c) & both).sum()),
                                int(((t == c) & (p != c) & both).sum())) for c in (-1, 0, 1)
                          if ((t == c) & both).any() or ((p == c) & both).any()]) if both.any() else 0.0
        rows.append({"touchpoint": tp, "support": int((t != -2).sum()), "mention_f1": f1(tpos, fpos, fneg),
                     "precision": tpos / max(1, tpos + fpos), "recall": tpos / max(1, tpos + fneg),
                     "polarity_macro_f1": pol_f1, "polarity_n": int(both.sum())})
    return pd.DataFrame(rows)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--half", choices=["tune", "report", "all"], default="report")
    ap.add_argument("--no-snownlp", action="store_true")
    a = ap.parse_args()
    if not (a.shared / "realdata").exists():
        print(f"skipped: {a.shared / 'realdata'} not found")
        return 0
    aic = pd.read_csv(a.shared / "realdata" / "aic2018_dev.csv")
    if a.half != "all":
        aic = aic[aic["id"] % 2 == (0 if a.half == "tune" else 1)]
    t0 = time.perf_counter()
    res = eval_tagging(aic)
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
