"""Rebuild the shipped sentiment model from ../shared/realdata and report held-out accuracy.

    .venv/bin/python scripts/train_sentiment.py [--shared ../shared] [--out cx/text/models/sentiment.npz]

Data: waimai_dev.csv (food-delivery reviews, label 1 positive / 0 negative; see ../shared/realdata/SOURCES.md).
A stratified 20 % split (seed 0) is held out and scored — overall and on a class-balanced subsample (the
outside evaluation set is balanced). The lexicon weight is chosen on a validation split of the training
part only; then the shipped model is fitted on all rows with that weight.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cx.text import sentiment  # noqa: E402

C = 2.0


def fit(texts: list[str]) -> tuple[np.ndarray, object]:
    raw = sentiment.vectorizer().transform(texts)
    tf = TfidfTransformer(sublinear_tf=True).fit(raw)
    return tf.idf_.astype(np.float32), raw


def train(texts: list[str], labels: np.ndarray) -> dict:
    idf, _ = fit(texts)
    x = sentiment.features(texts, idf)
    m = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, labels)
    return {"idf": idf, "coef": m.coef_[0].astype(np.float32), "intercept": np.float64(m.intercept_[0])}


WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


def accuracy(model: dict, texts: list[str], labels: np.ndarray, balanced: bool = False) -> float:
    z = sentiment.logits(texts, model["idf"], model["coef"], model["intercept"], model.get("lexicon_weight", 0.0))
    pred = (z > 0).astype(int)
    if balanced:
        return float(np.mean([(pred[labels == c] == c).mean() for c in (0, 1)]))
    return float((pred == labels).mean())


def choose_weight(train_df: pd.DataFrame) -> float:
    """Lexicon weight with the best balanced accuracy on a validation split of the training data."""
    fit_part, val = train_test_split(train_df, test_size=0.2, random_state=1, stratify=train_df["label"])
    m = train(fit_part["review"].tolist(), fit_part["label"].to_numpy())
    texts, y = val["review"].tolist(), val["label"].to_numpy()
    return max(WEIGHTS, key=lambda w: (accuracy({**m, "lexicon_weight": w}, texts, y, balanced=True), -w))


def load(shared: Path) -> pd.DataFrame:
    df = pd.read_csv(shared / "realdata" / "waimai_dev.csv").dropna()
    df["review"] = df["review"].astype(str)
    return df


def split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(train, test, balanced test) — the same split the benchmark uses."""
    tr, te = train_test_split(df, test_size=0.2, random_state=0, stratify=df["label"])
    k = int((te["label"] == 1).sum())
    bal = pd.concat([te[te["label"] == 1], te[te["label"] == 0].sample(k, random_state=0)])
    return tr, te, bal


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=sentiment.MODEL_FILE)
    a = ap.parse_args()
    df = load(a.shared)
    tr, te, bal = split(df)
    w = choose_weight(tr)
    held = {**train(tr["review"].tolist(), tr["label"].to_numpy()), "lexicon_weight": w}
    print(f"lexicon weight {w} (chosen on validation)")
    print(f"held-out accuracy: {accuracy(held, te['review'].tolist(), te['label'].to_numpy()):.4f} (n={len(te)}), "
          f"balanced: {accuracy(held, bal['review'].tolist(), bal['label'].to_numpy()):.4f} (n={len(bal)})")
    final = {**train(df["review"].tolist(), df["label"].to_numpy()), "lexicon_weight": np.float64(w)}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(a.out, n_features=sentiment.N_FEATURES, ngrams=np.array(sentiment.NGRAMS), **final)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB), trained on {len(df)} reviews")
    return 0


if __name__ == "__main__":
    sys.exit(main())
