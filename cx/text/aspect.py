"""Touchpoint polarity per feedback, learned: one decision per (text, touchpoint) from all the clauses that
mention it.

Clause lexicon signs miss what annotators call neutral (「味道一般」「人均80」) and over-read passing
remarks in long reviews. A multinomial logistic regression over the touchpoint's clauses (hashed character
1–3-grams), the clause-level signs, the document sentiment and per-touchpoint offsets decides −1 / 0 / +1.
It is trained on AIC-2018 (Dianping restaurant reviews with aspect labels) by scripts/train_aspect_polarity.py;
touchpoints the training data has no labels for, and short comments, keep their clause-level polarity.

The artefact (cx/text/models/aspect_polarity.npz) holds numbers only, like the sentiment model.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from cx.text import artefacts, features as fx

MODEL_FILE = Path(__file__).resolve().parent / "models" / "aspect_polarity.npz"
N_FEATURES = 2 ** 17
MIN_CHARS = 120       # only long reviews are judged by the model (it learned from 200+ character reviews)
NGRAMS = (1, 3)


@dataclass(frozen=True)
class Item:
    """One touchpoint in one text: its clauses and their clause-level polarity signals."""
    touchpoint: str
    clauses: str          # the touchpoint's clauses joined with " | "
    polarity_sum: int     # sum of clause polarities (−1/0/+1 each)
    lexicon_sum: float    # sum of clause lexicon scores for the touchpoint
    n_pos: int
    n_neg: int
    n_neu: int
    doc_sentiment: float  # P(positive) of the whole text


def features(items: list[Item], touchpoints: tuple[str, ...]) -> sp.csr_matrix:
    """Text n-grams, then numeric signals, then per-touchpoint offsets (plain, × clause sign, × undecided)."""
    text = fx.l2_rows(fx.counts([it.clauses for it in items], N_FEATURES, NGRAMS))
    sign = np.sign([it.polarity_sum for it in items]).astype(np.float32)
    num = np.array([[np.sign(it.polarity_sum), np.clip(it.lexicon_sum, -4, 4) / 4, it.n_pos > 0, it.n_neg > 0,
                     it.n_neu > 0, it.doc_sentiment - 0.5] for it in items], dtype=np.float32).reshape(len(items), 6)
    col = {tp: j for j, tp in enumerate(touchpoints)}
    rows = [i for i, it in enumerate(items) if it.touchpoint in col]
    cols = [col[items[i].touchpoint] for i in rows]
    onehot = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(items), len(touchpoints)))
    return sp.hstack([text, sp.csr_matrix(num), onehot, onehot.multiply(sign[:, None]),
                      onehot.multiply((sign == 0)[:, None])], format="csr", dtype=np.float32)


@functools.cache
def _model(path: Path = MODEL_FILE) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]] | None:
    if not path.exists():
        return None
    with np.load(path) as z:
        if (int(z["n_features"]) != N_FEATURES or tuple(z["ngrams"]) != NGRAMS
                or "hash_version" not in z.files or int(z["hash_version"]) != fx.HASH_VERSION):
            raise RuntimeError("触点极性模型与当前特征设置不一致，请运行 scripts/train_aspect_polarity.py 重新训练")
        return (z["coef"].astype(np.float32), z["intercept"].astype(np.float32), z["classes"].astype(int),
                tuple(str(t) for t in z["touchpoints"]))


_override = artefacts.Override()
model_file = _override.use     # model_file(path): read the model from path inside the block


SWITCH = "CX_AIC_ASPECT_MODEL"


def enabled() -> bool:
    """False when the deployment switched the AIC-trained model off (environment ``CX_AIC_ASPECT_MODEL=off``;
    also 0/false/no): the AI Challenger 2018 terms restrict its training data to non-commercial research.
    Touchpoint polarity then comes from the clause lexicon and the sentiment model alone."""
    return os.environ.get(SWITCH, "on").strip().lower() not in ("0", "off", "false", "no")


def _current():
    if (path := _override.path()) is not None:
        return _model(path)
    return _model() if enabled() else None


def trained_touchpoints() -> tuple[str, ...]:
    m = _current()
    return () if m is None else m[3]


def predict(items: list[Item]) -> list[int | None]:
    """−1 / 0 / +1 per item; None where the model has no opinion (untrained touchpoint or no model file)."""
    m = _current()
    if m is None or not items:
        return [None] * len(items)
    coef, intercept, classes, tps = m
    known = [i for i, it in enumerate(items) if it.touchpoint in tps]
    out: list[int | None] = [None] * len(items)
    if known:
        z = features([items[i] for i in known], tps) @ coef.T + intercept
        for i, c in zip(known, classes[np.argmax(z, axis=1)]):
            out[i] = int(c)
    return out
