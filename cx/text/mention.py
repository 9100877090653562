"""Touchpoint mentions in long reviews, learned: whether a keyword hit is a mention annotators would count.

The taxonomy's keywords decide mentions everywhere. In long reviews some keywords also fire on passing words:
a general 「环境很好」 counts for 装修/噪音/空间/卫生 alike, 「等了」 for waiting in any sense, 「附近」 for
where the writer lives. Per touchpoint, a logistic regression on hashed character 1–3-grams of the clauses the
keywords found (L2-normed) and two rule signals (hit, log(1 + clauses hit)) gives P(mentioned | hit); a hit
with P below the touchpoint's threshold ``keep`` is dropped. Touchpoints where cross-validation found no gain
keep the keyword rules alone (``keep`` = 0). Adding touchpoints the keywords missed (from whole-review
n-grams) was tried and never chosen (scripts/train_mention.py).

Thresholds and the choice per touchpoint come from cross-validation on AIC-2018 (Dianping restaurant reviews
with aspect labels; the AI Challenger terms restrict the data to non-commercial research), so the model sits
under the same switch as the touchpoint-polarity model (``CX_AIC_ASPECT_MODEL=off`` → keyword rules only) and,
like it, only reads reviews of ``aspect.MIN_CHARS`` characters or more.

The artefact (cx/text/models/mention.npz) holds numbers only; weights are stored as float16.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from cx.text import artefacts, aspect
from cx.text import features as fx

MODEL_FILE = Path(__file__).resolve().parent / "models" / "mention.npz"
CLAUSE_FEATURES = 2 ** 15     # n-grams of the touchpoint's keyword clauses
NGRAMS = (1, 3)
N_SIGNALS = 2                 # rule hit (0/1), log(1 + clauses hit)
WIDTH = CLAUSE_FEATURES + N_SIGNALS


@dataclass(frozen=True)
class Model:
    touchpoints: tuple[str, ...]
    keep: np.ndarray              # (k,) P(mentioned) a hit needs; 0 = keyword rules alone
    coef: np.ndarray              # (k, WIDTH) float32
    intercept: np.ndarray         # (k,)


def design(hits: list[list[str]]) -> sp.csr_matrix:
    """(len(hits), WIDTH): n-grams of the clauses where the keywords found the touchpoint (joined, L2-normed)
    and the rule signals. ``hits[i]`` are review i's clauses for the touchpoint (empty: no hit)."""
    n = len(hits)
    cl = fx.l2_rows(fx.counts([" | ".join(h) for h in hits], CLAUSE_FEATURES, NGRAMS))
    sig = np.array([[len(h) > 0, np.log1p(len(h))] for h in hits], dtype=np.float32).reshape(n, N_SIGNALS)
    return sp.hstack([cl, sp.csr_matrix(sig)], format="csr", dtype=np.float32)


def probabilities(coef: np.ndarray, intercept: float, x: sp.csr_matrix) -> np.ndarray:
    z = x @ coef + intercept
    return fx.sigmoid(z)


def save(model: Model, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, clause_features=CLAUSE_FEATURES, ngrams=np.array(NGRAMS), hash_version=fx.HASH_VERSION,
                        touchpoints=np.array(model.touchpoints), keep=model.keep.astype(np.float32),
                        coef=model.coef.astype(np.float16), intercept=model.intercept.astype(np.float32))


@functools.cache
def _load(path: Path) -> Model | None:
    if not path.exists():
        return None
    with np.load(path) as z:
        if (int(z["clause_features"]) != CLAUSE_FEATURES or tuple(z["ngrams"]) != NGRAMS
                or int(z["hash_version"]) != fx.HASH_VERSION or z["coef"].shape[1:] != (WIDTH,)):
            raise RuntimeError("触点提及模型与当前特征设置不一致，请运行 scripts/train_mention.py 重新训练")
        return Model(tuple(str(t) for t in z["touchpoints"]), z["keep"].astype(np.float32),
                     z["coef"].astype(np.float32), z["intercept"].astype(np.float32))


_override = artefacts.Override()
model_file = _override.use     # model_file(path): read the model from path inside the block


def current() -> Model | None:
    """The model in use, or None (switched off with the AIC model switch, or no artefact)."""
    if (path := _override.path()) is not None:
        return _load(path)
    return _load(MODEL_FILE) if aspect.enabled() else None


def covered() -> tuple[str, ...]:
    """Touchpoints whose keyword hits the model in use may drop."""
    m = current()
    return () if m is None else tuple(tp for tp, k in zip(m.touchpoints, m.keep) if k > 0)


def dropped(hits: list[dict[str, list[str]]]) -> list[set[str]]:
    """For long texts' keyword hits (touchpoint → the clauses it was found in): per text the touchpoints whose
    hits are passing words, not mentions. Empty sets when no model is in use."""
    m = current()
    out: list[set[str]] = [set() for _ in hits]
    if m is None:
        return out
    for j, tp in enumerate(m.touchpoints):
        if m.keep[j] <= 0:
            continue
        rows = [i for i, h in enumerate(hits) if tp in h]
        if rows:
            p = probabilities(m.coef[j], float(m.intercept[j]), design([hits[i][tp] for i in rows]))
            for i in np.asarray(rows)[p < m.keep[j]]:
                out[i].add(tp)
    return out
