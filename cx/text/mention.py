"""Touchpoint mentions in long reviews, learned: whether a review talks about a touchpoint at all.

The taxonomy's keywords decide mentions everywhere. In long reviews they over-fire on some touchpoints (a
general 「环境很好」 counts for 装修/噪音/空间/卫生 alike, 「看着」 for the dishes' looks) and miss others that
annotators read between the lines. Per touchpoint, a logistic regression on hashed character 1–3-grams of
the whole review, hashed n-grams of the clauses the keywords found for the touchpoint and the rule signals
(rule hit yes/no, number of clauses hit) gives P(mentioned). The artefact states per touchpoint how it is
used (``mode``):

* ``rules``   — the keyword rules alone (the model is not consulted);
* ``filter``  — a rule hit is kept only when P ≥ ``keep``;
* ``add``     — rule hits are kept, and a review with no hit gains the touchpoint when P ≥ ``add``
  (its clause: the one whose n-grams weigh most for the touchpoint);
* ``both``    — filter and add.

Modes and thresholds are chosen by cross-validation (scripts/train_mention.py) on AIC-2018 (Dianping
restaurant reviews with aspect labels; the AI Challenger terms restrict the data to non-commercial research),
so the model sits under the same switch as the touchpoint-polarity model (``CX_AIC_ASPECT_MODEL=off`` →
keyword rules only) and, like it, only reads reviews of ``aspect.MIN_CHARS`` characters or more.

The artefact (cx/text/models/mention.npz) holds numbers only; weights are stored as float16.
"""
from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from cx.text import aspect, clauses
from cx.text import features as fx

MODEL_FILE = Path(__file__).resolve().parent / "models" / "mention.npz"
TEXT_FEATURES = 2 ** 16       # whole-review n-grams
CLAUSE_FEATURES = 2 ** 15     # n-grams of the touchpoint's keyword clauses
KEYWORD_FEATURES = 2 ** 10    # which keywords hit (hashed keyword identity, 0/1)
NGRAMS = (1, 3)
N_SIGNALS = 2                 # rule hit (0/1), log(1 + clauses hit)
WIDTH = TEXT_FEATURES + CLAUSE_FEATURES + KEYWORD_FEATURES + N_SIGNALS
MODES = ("rules", "filter", "add", "both")


@dataclass(frozen=True)
class Model:
    touchpoints: tuple[str, ...]
    mode: tuple[str, ...]
    keep: np.ndarray              # (k,) thresholds for rule hits
    add: np.ndarray               # (k,) thresholds for reviews without a hit
    coef: np.ndarray              # (k, WIDTH) float32
    intercept: np.ndarray         # (k,)


def text_block(texts: list[str]) -> sp.csr_matrix:
    return fx.l2_rows(fx.counts(texts, TEXT_FEATURES, NGRAMS))


def design(text_rows: sp.csr_matrix, hits: list[list[tuple[str, str]]]) -> sp.csr_matrix:
    """Rows: whole-review block (already L2-normed, one row per review), the touchpoint's clauses (L2), the
    keywords that hit (hashed identity) and the rule signals. ``hits[i]`` are review i's (clause, keyword)
    pairs where the keywords found the touchpoint."""
    n = text_rows.shape[0]
    cl = fx.l2_rows(fx.counts([" | ".join(c for c, _ in h) for h in hits], CLAUSE_FEATURES, NGRAMS))
    kr, kc = [], []
    for i, h in enumerate(hits):
        for col in {zlib.crc32(k.encode("utf-8")) % KEYWORD_FEATURES for _, k in h}:
            kr.append(i)
            kc.append(col)
    kw = sp.csr_matrix((np.ones(len(kr), np.float32), (kr, kc)), shape=(n, KEYWORD_FEATURES))
    sig = np.array([[len(h) > 0, np.log1p(len(h))] for h in hits], dtype=np.float32).reshape(n, N_SIGNALS)
    return sp.hstack([text_rows, cl, kw, sp.csr_matrix(sig)], format="csr", dtype=np.float32)


def probabilities(coef: np.ndarray, intercept: float, x: sp.csr_matrix) -> np.ndarray:
    z = x @ coef + intercept
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def save(model: Model, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, text_features=TEXT_FEATURES, clause_features=CLAUSE_FEATURES,
                        keyword_features=KEYWORD_FEATURES, ngrams=np.array(NGRAMS),
                        hash_version=fx.HASH_VERSION, touchpoints=np.array(model.touchpoints),
                        mode=np.array(model.mode), keep=model.keep.astype(np.float32),
                        add=model.add.astype(np.float32), coef=model.coef.astype(np.float16),
                        intercept=model.intercept.astype(np.float32))


@functools.cache
def _load(path: Path) -> Model | None:
    if not path.exists():
        return None
    with np.load(path) as z:
        if (int(z["text_features"]) != TEXT_FEATURES or int(z["clause_features"]) != CLAUSE_FEATURES
                or "keyword_features" not in z.files or int(z["keyword_features"]) != KEYWORD_FEATURES or tuple(z["ngrams"]) != NGRAMS or int(z["hash_version"]) != fx.HASH_VERSION):
            raise RuntimeError("触点提及模型与当前特征设置不一致，请运行 scripts/train_mention.py 重新训练")
        return Model(tuple(str(t) for t in z["touchpoints"]), tuple(str(m) for m in z["mode"]),
                     z["keep"].astype(np.float32), z["add"].astype(np.float32), z["coef"].astype(np.float32),
                     z["intercept"].astype(np.float32))


_override: list[Path] = []


def model_file(path: Path):
    """Use another artefact inside the block (held-out evaluation fits a model on one half of the data)."""
    import contextlib

    @contextlib.contextmanager
    def block():
        _override.append(Path(path))
        try:
            yield
        finally:
            _override.pop()
    return block()


def current() -> Model | None:
    """The model in use, or None (switched off with the AIC model switch, or no artefact)."""
    if _override:
        return _load(_override[-1])
    return _load(MODEL_FILE) if aspect.enabled() else None


def decide(texts: list[str], hits: list[dict[str, list[tuple[str, str]]]]
           ) -> list[tuple[set[str], dict[str, tuple[int, int]]]]:
    """For long texts and their rule hits (touchpoint → the (clause, keyword) pairs it was found in): per text the touchpoints
    whose hits are dropped, and the touchpoints added with the clause span chosen for each. Touchpoints the
    model does not cover are never touched. Empty decisions when no model is in use."""
    m = current()
    out: list[tuple[set[str], dict[str, tuple[int, int]]]] = [(set(), {}) for _ in texts]
    if m is None or not texts or all(md == "rules" for md in m.mode):
        return out
    tx = text_block(texts)
    for j, tp in enumerate(m.touchpoints):
        mode = m.mode[j]
        if mode == "rules":
            continue
        rows = [i for i, h in enumerate(hits) if (tp in h and mode in ("filter", "both"))
                or (tp not in h and mode in ("add", "both"))]
        if not rows:
            continue
        p = probabilities(m.coef[j], float(m.intercept[j]), design(tx[rows], [hits[i].get(tp, []) for i in rows]))
        for i, pi in zip(rows, p):
            if tp in hits[i]:
                if pi < m.keep[j]:
                    out[i][0].add(tp)
            elif pi >= m.add[j]:
                out[i][1][tp] = _best_clause(texts[i], m.coef[j][:TEXT_FEATURES])
    return out


def _best_clause(text: str, w: np.ndarray) -> tuple[int, int]:
    """The clause whose n-grams weigh most for the touchpoint (the model's evidence for an added mention)."""
    spans = [s for s in clauses.split(text) if text[s[0]:s[1]].strip()]
    if not spans:
        return 0, len(text)
    score = fx.counts([text[a:b] for a, b in spans], TEXT_FEATURES, NGRAMS) @ w
    return spans[int(np.argmax(score))]


def covers() -> tuple[str, ...]:
    m = current()
    return () if m is None else tuple(tp for tp, md in zip(m.touchpoints, m.mode) if md != "rules")


MIN_CHARS = aspect.MIN_CHARS
