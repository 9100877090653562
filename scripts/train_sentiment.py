"""Rebuild the shipped sentiment model from ../shared/realdata and report honest held-out accuracy.

    .venv/bin/python scripts/train_sentiment.py [--shared ../shared] [--out cx/text/models/sentiment.npz]
                                                [--extra-weights 0,0.1]

Data (see ../shared/realdata/SOURCES.md): waimai_dev.csv (food-delivery reviews — the domain the product is
judged on) and, as weighted out-of-domain extras, online_shopping_10_cats.csv (10 product categories),
chnsenticorp_12k.csv and hotel_reviews.csv (hotel, laptop, book reviews).

Splits are **grouped by a normalised text key** (cx.text.normalize.group_key: punctuation, spaces, repeated
characters, width and Traditional/Simplified folded), stratified by label: near-twins such as 「太！慢！了！」 /
「太慢了。。。」 never straddle train and test. Waimai fold 0 is the test set (reported overall and on a
class-balanced subsample, as the outside evaluation is balanced), fold 1 the validation set on which the
extra-data weight and the special-signal weight are chosen; extra-corpus texts whose key occurs in either are
dropped. Then the shipped model is fitted on all waimai rows plus the extras.

Recipe (``fit``): a class-balanced logistic regression over hashed character n-grams of the negation-masked
text, then a **second stage fitted on out-of-fold scores** (``calibrate``): the n-gram logit of each training
review, predicted by a model that did not see it (4 grouped inner folds), and the clause-lexicon total go into a
small class-balanced logistic regression. Its weights rescale the n-gram model and set the lexicon weight, and its
intercept corrects the prior: in-sample n-gram scores are over-confident and the data are 70 % negative, so the
first stage's own intercept reads too many reviews as negative on unseen, balanced data.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cx.text import features as fx  # noqa: E402
from cx.text import normalize, sentiment  # noqa: E402

C = 8.0                 # first stage; chosen by grouped 4-fold CV inside the training folds (1, 2, 4, 8, 16, 32)
STACK_C = 0.1           # second stage (two weights and an intercept: barely regularised)
INNER_FOLDS = 4
SPECIAL_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
EXTRA_WEIGHTS = (0.0, 0.1)    # 0.1 ties 0 (validation 0.8950 / 0.8929; grouped CV inside folds 1–4 0.8900 / 0.8899,
                              # 2026-11-30 lexicon); ties (within TOLERANCE) go to less extra data
TOLERANCE = 0.003       # ~half a standard error of balanced accuracy on the ~2 000-review validation fold
EXTRA_FILES = (("online_shopping_10_cats.csv", "review"), ("chnsenticorp_12k.csv", "review"),
               ("hotel_reviews.csv", "review"))


def load(shared: Path) -> pd.DataFrame:
    """waimai_dev.csv with a ``group`` column (normalised text key); texts folded as the analysis folds them."""
    df = pd.read_csv(shared / "realdata" / "waimai_dev.csv").dropna(subset=["review"])
    df["review"] = df["review"].astype(str).map(normalize.fold_for_analysis)
    df["group"] = df["review"].map(normalize.group_key)
    return df.reset_index(drop=True)


def load_extra(shared: Path) -> pd.DataFrame:
    """The out-of-domain corpora, de-duplicated by normalised key (first occurrence kept)."""
    parts = []
    for name, col in EXTRA_FILES:
        path = shared / "realdata" / name
        if path.exists():
            d = pd.read_csv(path).dropna(subset=[col])
            parts.append(pd.DataFrame({"review": d[col].astype(str).map(normalize.fold_for_analysis),
                                       "label": d["label"].astype(int), "source": name}))
    if not parts:
        return pd.DataFrame(columns=["review", "label", "source", "group"])
    ex = pd.concat(parts, ignore_index=True)
    ex["group"] = ex["review"].map(normalize.group_key)
    return ex.drop_duplicates("group").reset_index(drop=True)


def folds(df: pd.DataFrame, k: int = 5) -> np.ndarray:
    """Fold number per row: stratified by label, grouped by normalised key (seed 0)."""
    out = np.empty(len(df), dtype=int)
    cv = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=0)
    for f, (_, idx) in enumerate(cv.split(df, df["label"], df["group"])):
        out[idx] = f
    return out


def split(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(train, test, balanced test): fold 0 of the grouped split is the test set — the benchmark's split."""
    f = folds(df)
    tr, te = df[f != 0], df[f == 0]
    k = int(min((te["label"] == 1).sum(), (te["label"] == 0).sum()))
    bal = pd.concat([te[te["label"] == 1].sample(k, random_state=0), te[te["label"] == 0].sample(k, random_state=0)])
    return tr, te, bal


def _idf(raw: sp.csr_matrix) -> np.ndarray:
    df = np.bincount(raw.indices, minlength=raw.shape[1]).astype(np.float64)
    n = raw.shape[0]
    return (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)      # scikit-learn's smooth idf


def _masked_raw(texts: list[str]):
    spans: list = []
    sentiment.lexicon_parts(texts, spans)
    return sentiment.raw_counts(sentiment.mask_negated(texts, spans))


def train(texts: list[str], labels: np.ndarray, weights: np.ndarray | None = None, raw=None) -> dict:
    """First stage: logistic regression over sublinear TF-IDF character n-grams of the negation-masked texts;
    ``weights`` per example (extras < 1), classes balanced on the weighted counts."""
    if raw is None:
        raw = _masked_raw(texts)
    idf = _idf(raw)
    x = sentiment.features(texts, idf, raw)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=float)
    # class balance computed on the weighted counts (what class_weight="balanced" does without weights)
    for c in (0, 1):
        m = labels == c
        w = np.where(m, w * w.sum() / (2 * max(w[m].sum(), 1e-9)), w)
    m = LogisticRegression(C=C, max_iter=3000).fit(x, labels, sample_weight=w)
    return {"idf": idf, "coef": m.coef_[0].astype(np.float32), "intercept": np.float64(m.intercept_[0])}


def _ngram_logit(model: dict, raw, texts: list[str]) -> np.ndarray:
    return (sentiment.features(texts, model["idf"], raw) @ model["coef"] + model["intercept"]) * sentiment.cjk_share(texts)


def calibrate(texts: list[str], labels: np.ndarray, groups, weights: np.ndarray | None = None,
              domain: np.ndarray | None = None, log=None) -> dict:
    """``train`` on all rows, then the second stage on out-of-fold scores of the ``domain`` rows (default all;
    the delivery reviews when extras are mixed in): each domain row is scored by a first stage fitted without
    its inner fold (grouped by ``groups``, stratified; the other rows always train). Returns the first stage
    rescaled — coef × a, intercept × a + b — with ``lexicon_weight`` and the fitted ``stack`` (a, lexicon, b)."""
    labels = np.asarray(labels).astype(int)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=float)
    dom = np.ones(len(labels), bool) if domain is None else np.asarray(domain, bool)
    raw = _masked_raw(texts)
    tot = sentiment.lexicon_parts(texts)[0]
    di = np.flatnonzero(dom)
    oof = np.zeros(len(di))
    cv = StratifiedGroupKFold(n_splits=INNER_FOLDS, shuffle=True, random_state=1)
    for a, b in cv.split(di, labels[di], np.asarray(groups)[di]):
        fit_rows = np.setdiff1d(np.arange(len(labels)), di[b])
        m = train([texts[i] for i in fit_rows], labels[fit_rows], w[fit_rows], raw[fit_rows])
        oof[b] = _ngram_logit(m, raw[di[b]], [texts[i] for i in di[b]])
    stack = LogisticRegression(C=STACK_C, class_weight="balanced", max_iter=1000).fit(
        np.column_stack([oof, tot[di]]), labels[di], sample_weight=w[di])
    (a, lw), b = stack.coef_[0], float(stack.intercept_[0])
    if log:
        log(f"    second stage: n-gram logit × {a:.3f}, lexicon × {lw:.3f}, intercept {b:+.3f}")
    m = train(texts, labels, w, raw)
    return {"idf": m["idf"], "coef": (m["coef"] * a).astype(np.float32),
            "intercept": np.float64(m["intercept"] * a + b), "lexicon_weight": np.float64(lw),
            "stack": np.array([a, lw, b], dtype=np.float64)}


def fit(rows: pd.DataFrame, extra: pd.DataFrame, extra_weight: float, log=None) -> dict:
    """The recipe on delivery ``rows`` plus ``extra`` rows at ``extra_weight`` (none when 0)."""
    use = extra if extra_weight > 0 else extra.iloc[:0]
    texts = rows["review"].tolist() + use["review"].tolist()
    y = np.concatenate([rows["label"].to_numpy(), use["label"].to_numpy()]).astype(int)
    w = np.concatenate([np.ones(len(rows)), np.full(len(use), extra_weight)])
    groups = np.concatenate([rows["group"].to_numpy(), use["group"].to_numpy()])
    return calibrate(texts, y, groups, w, np.arange(len(y)) < len(rows), log)


def accuracy(model: dict, texts: list[str], labels: np.ndarray, balanced: bool = False) -> float:
    z = sentiment.logits(texts, model["idf"], model["coef"], model["intercept"], model.get("lexicon_weight", 0.0),
                         model.get("special_weight", 0.0))
    pred = (z > 0).astype(int)
    if balanced:
        return float(np.mean([(pred[labels == c] == c).mean() for c in (0, 1)]))
    return float((pred == labels).mean())


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson 95 % interval for k successes in n trials."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return float(c - h), float(c + h)


def choose_special_weight(model: dict, texts: list[str], y: np.ndarray, tol: float = TOLERANCE) -> float:
    """The special (negated-word) weight on validation: the largest whose balanced accuracy is within ``tol`` of
    the best (negation, emoji and English are rare in delivery reviews, so the validation set barely sees them;
    they should count wherever that costs nothing measurable)."""
    acc = {s: accuracy({**model, "special_weight": s}, texts, y, balanced=True) for s in SPECIAL_WEIGHTS}
    best = max(acc.values())
    return max(s for s, a in acc.items() if a >= best - tol)


def select(df: pd.DataFrame, extra: pd.DataFrame, fold: np.ndarray, extra_weights=EXTRA_WEIGHTS,
           log=print, tol: float = TOLERANCE) -> tuple[float, float]:
    """Choose (extra weight, special weight) on validation fold 1, training on folds 2–4: the smallest extra
    weight within ``tol`` of the best (a difference that small is noise on one fold)."""
    fit_part, val = df[fold >= 2], df[fold == 1]
    vt, vy = val["review"].tolist(), val["label"].to_numpy()
    tried = []
    for ew in extra_weights:
        m = fit(fit_part, extra, ew, log)
        sw = choose_special_weight(m, vt, vy)
        acc = accuracy({**m, "special_weight": sw}, vt, vy, balanced=True)
        log(f"  extra weight {ew}: validation balanced accuracy {acc:.4f} (lexicon {float(m['lexicon_weight']):.3f}, "
            f"special {sw})")
        tried.append((acc, ew, sw))
    top = max(a for a, _, _ in tried)
    _, ew, sw = min((t for t in tried if t[0] >= top - tol), key=lambda t: t[1])   # ties: less extra data
    return ew, sw


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=sentiment.MODEL_FILE)
    ap.add_argument("--extra-weights", default=",".join(map(str, EXTRA_WEIGHTS)))
    a = ap.parse_args()
    t0 = time.perf_counter()
    df = load(a.shared)
    fold = folds(df)
    extra_all = load_extra(a.shared)
    held_keys = set(df.loc[fold <= 1, "group"])
    extra = extra_all[~extra_all["group"].isin(held_keys)]
    print(f"waimai {len(df)} reviews ({df['group'].nunique()} groups); extras {len(extra)} after dropping "
          f"{len(extra_all) - len(extra)} that share a key with the test/validation folds")
    ew, sw = select(df, extra, fold, tuple(float(x) for x in a.extra_weights.split(",")))
    print(f"chosen on validation: extra weight {ew}, special weight {sw}")
    held = fit(df[fold != 0], extra, ew, print) | {"special_weight": sw}
    _, te, bal = split(df)
    for name, part in (("test", te), ("balanced test", bal)):
        acc = accuracy(held, part["review"].tolist(), part["label"].to_numpy())
        lo, hi = wilson(round(acc * len(part)), len(part))
        y = part["label"].to_numpy()
        rec = [accuracy(held, part.loc[y == c, "review"].tolist(), y[y == c]) for c in (0, 1)]
        print(f"grouped held-out {name}: accuracy {acc:.4f} (95 % CI {lo:.3f}–{hi:.3f}, n={len(part)}; "
              f"recall negative {rec[0]:.3f}, positive {rec[1]:.3f})")
    final = fit(df, extra_all, ew, print)
    use = extra_all if ew > 0 else extra_all.iloc[:0]
    a.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(a.out, n_features=sentiment.N_FEATURES, ngrams=np.array(sentiment.NGRAMS),
                        hash_version=fx.HASH_VERSION, negation_mask=sentiment.NEGATION_MASK,
                        special_weight=np.float64(sw), extra_weight=np.float64(ew), C=np.float64(C), **final)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB), trained on {len(df)} waimai + {len(use)} extra "
          f"reviews in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
