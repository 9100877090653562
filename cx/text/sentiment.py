"""Document sentiment: P(positive) from a linear model over hashed character 1–3-grams, nudged by the
clause lexicon (negation-aware), whose weight the training script picks on validation data.

The artefact (cx/text/models/sentiment.npz) holds only numbers — IDF weights, coefficients, intercept
and the feature settings — so loading it runs no pickled code. scripts/train_sentiment.py rebuilds it
from ../shared/realdata (see README for the data's origin).
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

MODEL_FILE = Path(__file__).resolve().parent / "models" / "sentiment.npz"
N_FEATURES = 2 ** 18
NGRAMS = (1, 3)


def vectorizer() -> HashingVectorizer:
    return HashingVectorizer(analyzer="char", ngram_range=NGRAMS, n_features=N_FEATURES,
                             alternate_sign=False, norm=None, lowercase=True)


def features(texts: list[str], idf: np.ndarray):
    """Sublinear TF × IDF, L2-normalised (the same transform used in training)."""
    x = vectorizer().transform(texts).astype(np.float32)
    x.data = (1.0 + np.log(x.data)).astype(np.float32)
    x = x.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return x.multiply(1.0 / norms[:, None]).tocsr()


@functools.cache
def _model(path: Path = MODEL_FILE) -> tuple[np.ndarray, np.ndarray, float, float]:
    with np.load(path) as z:
        if int(z["n_features"]) != N_FEATURES or tuple(z["ngrams"]) != NGRAMS:
            raise RuntimeError("情感模型与当前特征设置不一致，请运行 scripts/train_sentiment.py 重新训练")
        return (z["idf"].astype(np.float32), z["coef"].astype(np.float32), float(z["intercept"]),
                float(z["lexicon_weight"]))


def lexicon_total(texts: list[str]) -> np.ndarray:
    """Sum of clause lexicon scores per text (0 where the lexicon finds nothing)."""
    from cx.text import clauses, polarity   # local: polarity imports taxonomy, which imports nothing of ours back

    return np.array([sum(polarity.score(t[a:b]) for a, b in clauses.split(t)) for t in texts], dtype=np.float32)


def logits(texts: list[str], idf, coef, b, w) -> np.ndarray:
    z = features(texts, idf) @ coef + b
    return z + w * lexicon_total(texts) if w else z


def score(texts: list[str]) -> list[float]:
    """Probability that each text is positive, in [0, 1]. Empty texts score 0.5."""
    if not texts:
        return []
    clean = ["" if t is None else str(t) for t in texts]
    z = logits(clean, *_model())
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    p[[i for i, t in enumerate(clean) if not t.strip()]] = 0.5
    return p.astype(float).tolist()


def label(p: float, low: float = 0.4, high: float = 0.6) -> int:
    """−1 negative, 0 uncertain, +1 positive."""
    return 1 if p >= high else -1 if p <= low else 0
