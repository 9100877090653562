"""Document sentiment: P(positive) from a linear model over hashed character 1–3-grams of the text with its
negations masked, plus the clause lexicon (negation-aware). The n-gram model's scale and intercept and the
lexicon's weight come from a second stage fitted on out-of-fold scores (scripts/train_sentiment.py), so the
prior of the 70 %-negative training data does not tilt unseen, balanced data.

The artefact (cx/text/models/sentiment.npz) holds only numbers — IDF weights, coefficients, intercept
and the feature settings — so loading it runs no pickled code. scripts/train_sentiment.py rebuilds it
from ../shared/realdata (see README for the data's origin).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

from cx.text import features as fx

MODEL_FILE = Path(__file__).resolve().parent / "models" / "sentiment.npz"
N_FEATURES = 2 ** 18
NGRAMS = (1, 3)
NEGATION_MASK = 2      # 1: negated word only; 2: negator + word, and fixed negated phrases (polarity.parts)


def raw_counts(texts: list[str]):
    """Hashed character n-gram counts (cx.text.features), the model's raw input."""
    return fx.counts(texts, N_FEATURES, NGRAMS)


def features(texts: list[str], idf: np.ndarray, raw=None):
    """Sublinear TF × IDF, L2-normalised (the same transform used in training). ``raw``: precomputed
    raw_counts(texts)."""
    x = (raw_counts(texts) if raw is None else raw).copy()
    x.data = (1.0 + np.log(x.data)).astype(np.float32)
    return fx.l2_rows(x.multiply(idf).tocsr())


@functools.cache
def _model(path: Path = MODEL_FILE) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    with np.load(path) as z:
        if (int(z["n_features"]) != N_FEATURES or tuple(z["ngrams"]) != NGRAMS
                or "hash_version" not in z.files or int(z["hash_version"]) != fx.HASH_VERSION
                or "negation_mask" not in z.files or int(z["negation_mask"]) != NEGATION_MASK):
            raise RuntimeError("情感模型与当前特征设置不一致，请运行 scripts/train_sentiment.py 重新训练")
        return (z["idf"].astype(np.float32), z["coef"].astype(np.float32), float(z["intercept"]),
                float(z["lexicon_weight"]), float(z["special_weight"]) if "special_weight" in z.files else 0.0)


def lexicon_parts(texts: list[str], spans: list | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text: (sum of clause lexicon scores, the part of it from negated words, the part from emoji,
    emoticons and English — signals the character model reads poorly or not at all). 0 where the lexicon
    finds nothing. ``spans``: a list that receives, per text, the negated words as (start, end, sign after
    negation)."""
    from cx.text import clauses, polarity   # local: polarity imports taxonomy, which imports nothing of ours back

    out = np.zeros((3, len(texts)), dtype=np.float32)
    for i, t in enumerate(texts):
        found = []
        for a, b in clauses.split(t):
            x, y, f, neg = polarity.parts(t[a:b], None)   # same cache key as polarity.score(clause)
            out[0, i] += x
            out[1, i] += y
            out[2, i] += f
            found.extend((a + s, a + e, g) for s, e, g in neg)
        if spans is not None:
            spans.append(found)
    return out[0], out[1], out[2]


def mask_negated(texts: list[str], spans: list) -> list[str]:
    """Negations (negator and word, or a fixed negated phrase) replaced by a mark of their meaning after
    negation (「一点都不慢」 → 「⊕⊕⊕⊕⊕」, 「不太好」 → 「⊖⊖⊖」, 「不咸」 → 「⊕⊕」): the character model must read
    neither 慢 nor the complaint-like 一点都不 there; it learns what the marks mean."""
    out = []
    for t, sp in zip(texts, spans):
        for a, b, g in sp:
            t = t[:a] + ("⊕" if g > 0 else "⊖") * (b - a) + t[b:]
        out.append(t)
    return out


def lexicon_total(texts: list[str]) -> np.ndarray:
    """Sum of clause lexicon scores per text (0 where the lexicon finds nothing)."""
    return lexicon_parts(texts)[0]


_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(texts: list[str]) -> np.ndarray:
    """Share of Chinese characters among letters (1.0 for texts without letters): the character model
    learned from Chinese reviews and is scaled down on English text, where the English lexicon speaks."""
    out = np.ones(len(texts), dtype=np.float32)
    for i, t in enumerate(texts):
        if _LATIN.search(t):
            lat = len(_LATIN.findall(t))
            han = len(_CJK.findall(t))
            out[i] = han / (han + lat / 4)      # ~4 Latin letters per English word vs 1 character per morpheme
    return out


# Emoji, emoticons and English words: the character model learned from Chinese text and cannot read them,
# so the lexicon speaks for them with this weight on top of the general lexicon weight.
FOREIGN_WEIGHT = 1.0


def logits(texts: list[str], idf, coef, b, w, w_special: float = 0.0) -> np.ndarray:
    """Model logit on the negation-masked text (scaled by ``cjk_share``) + w × lexicon total + w_special ×
    its negated part + FOREIGN_WEIGHT × its emoji/emoticon/English part."""
    spans: list = []
    tot, neg, foreign = lexicon_parts(texts, spans)
    z = (features(mask_negated(texts, spans), idf) @ coef + b) * cjk_share(texts)
    return z + w * tot + w_special * neg + FOREIGN_WEIGHT * foreign


SEVERE_CAP = 0.3


def score(texts: list[str]) -> list[float]:
    """Probability that each text is positive, in [0, 1]. Empty texts score 0.5. Texts are folded to
    Simplified first. A text with a high-severity sensitive hit (food safety, threats to go public, injury)
    that is not negated is never positive: its score is capped at SEVERE_CAP."""
    if not texts:
        return []
    from cx.text import normalize

    return score_folded([normalize.fold_for_analysis("" if t is None else str(t)) for t in texts])


def uncapped_folded(clean: list[str]) -> np.ndarray:
    """P(positive) of folded texts before the safety cap (``SEVERE_CAP``), float64; blank texts 0.5."""
    p = fx.sigmoid(logits(clean, *_model()).astype(np.float64))
    p[[i for i, t in enumerate(clean) if not t.strip()]] = 0.5
    return p


def score_folded(clean: list[str]) -> list[float]:
    """``score`` for texts already folded by cx.text.normalize.fold_for_analysis (the batch pipeline)."""
    if not clean:
        return []
    from cx.text import sensitive

    p = uncapped_folded(clean)
    severe = [i for i, t in enumerate(clean) if sensitive.severe(t)]
    p[severe] = np.minimum(p[severe], SEVERE_CAP)
    return p.astype(float).tolist()


def clause_scores(clauses: list[str]) -> list[float]:
    """P(positive) from the character model alone, for clauses in which the lexicon found nothing (the
    tagger's fallback): no lexicon pass, no negation masking — there is nothing for them to read."""
    if not clauses:
        return []
    idf, coef, b, _, _ = _model()
    z = (features(clauses, idf) @ coef + b) * cjk_share(clauses)
    return fx.sigmoid(z.astype(np.float64)).tolist()


def label(p: float, low: float = 0.4, high: float = 0.6) -> int:
    """−1 negative, 0 uncertain, +1 positive."""
    return 1 if p >= high else -1 if p <= low else 0
