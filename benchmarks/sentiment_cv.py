"""Candidate sentiment recipes against the shipped one, by grouped cross-validation inside the training folds.

    .venv/bin/python benchmarks/sentiment_cv.py [--shared ../shared] [--only base,mlp,cnn,...]

The test fold of scripts/train_sentiment.py (waimai fold 0) is never read here: the waimai reviews of folds 1–4
are split 4 ways along those folds (grouped by the normalised text key, so near-twins never straddle a split),
each candidate is fitted on three folds and scores the fourth, and the pooled class-balanced accuracy of the
out-of-fold predictions is compared with the shipped recipe's, **paired** on the same reviews: how many it gets
right that the shipped recipe gets wrong and vice versa, with a two-sided sign test on those. Extra-corpus texts
sharing a key with the scored fold or the test fold are dropped from training.

Experiments (issue 17, 2026-11-30 round; results are in cx/text/models/MODEL_CARD.md):
  base     the shipped recipe (train_sentiment.fit, no extras, special weight as shipped)
  food     food categories of online_shopping_10_cats.csv (水果, 蒙牛) as extras at weight 0.1 / 0.3 / 1
  aic      AIC-2018 dev reviews labelled by others_overall_experience (±1) as extras at weight 0.3 / 1
  dedup    near-twin groups down-weighted (1/size, 1/√size)
  self     self-training: confident pseudo-labels (|logit| > 2) on aic2018_unlabelled.csv at weight 0.3
  mlp      a different model family: one-hidden-layer net (32 ReLU units) over the same sublinear TF-IDF
           character 1–3-grams (columns folded to 2^16), 5 seeds averaged; alone and stacked with base
  cnn      a character CNN trained from scratch (hashed character embeddings 32-d, 256 filters of width 2,
           ReLU, global max-pool, dropout 0.5; 4 epochs of Adam); alone and stacked with base
  xstack   a first-stage model fitted on all extra corpora, its logit a third input of the second stage
Stacks (``+``) are a class-balanced logistic regression on the out-of-fold logits, itself fitted on three folds'
out-of-fold logits and applied to the fourth; base is re-stacked the same way for the comparison.
The neural models are plain numpy (forward and backward written out, Adam), deterministic for a seed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import binomtest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import train_sentiment as ts  # noqa: E402
from cx.text import normalize, sentiment  # noqa: E402

FOLDS = (1, 2, 3, 4)


def balanced(z: np.ndarray, y: np.ndarray) -> float:
    p = (z > 0).astype(int)
    return float(np.mean([(p[y == c] == c).mean() for c in (0, 1)]))


class CV:
    """Out-of-fold logits over waimai folds 1–4 and their paired comparison with the shipped recipe."""

    def __init__(self, shared: Path):
        self.shared = shared
        self.df = ts.load(shared)
        self.fold = ts.folds(self.df)
        self.y = self.df["label"].to_numpy().astype(int)
        self.scored = np.isin(self.fold, FOLDS)
        with np.load(sentiment.MODEL_FILE) as z:
            self.sw = float(z["special_weight"])
        self.base = None
        self.results: dict[str, np.ndarray] = {}

    def run(self, name: str, fitpred) -> np.ndarray:
        """``fitpred(train rows, scored rows, keys to keep out of training)`` → logits of the scored rows."""
        out = np.full(len(self.df), np.nan)
        t0 = time.perf_counter()
        for k in FOLDS:
            tr = self.scored & (self.fold != k)
            held = set(self.df.loc[(self.fold == 0) | (self.fold == k), "group"])
            out[self.fold == k] = fitpred(self.df[tr], self.df[self.fold == k], held)
        if self.base is None:
            self.base = out
        self.results[name] = out
        self.report(name, out, self.base, time.perf_counter() - t0)
        return out

    def report(self, name: str, out: np.ndarray, ref: np.ndarray, secs: float | None = None, ref_name="base"):
        m, y = self.scored, self.y[self.scored]
        right, ref_right = (out[m] > 0) == y, (ref[m] > 0) == y
        better, worse = int((right & ~ref_right).sum()), int((~right & ref_right).sum())
        p = binomtest(better, better + worse).pvalue if better + worse else 1.0
        per = " ".join(f"{balanced(out[self.fold == k], self.y[self.fold == k]):.4f}" for k in FOLDS)
        print(f"{name}: balanced {balanced(out[m], y):.4f} ({ref_name} {balanced(ref[m], y):.4f}, "
              f"{balanced(out[m], y) - balanced(ref[m], y):+.4f}; right where {ref_name} is wrong {better}, "
              f"wrong where it is right {worse}, sign test p={p:.2f}); folds {per}"
              + (f"  [{secs:.0f} s]" if secs is not None else ""), flush=True)

    def stack(self, names: list[str]) -> None:
        """Class-balanced LR on [base, *names] out-of-fold logits, fitted on three folds, applied to the fourth."""
        def fitted(cols):
            x = np.column_stack(cols)
            out = np.full(len(self.df), np.nan)
            for k in FOLDS:
                tr, va = self.scored & (self.fold != k), self.fold == k
                lr = LogisticRegression(C=1.0, class_weight="balanced").fit(x[tr], self.y[tr])
                out[va] = lr.decision_function(x[va])
            return out
        ref = fitted([self.base])
        self.report("stack base + " + " + ".join(names), fitted([self.base] + [self.results[n] for n in names]),
                    ref, ref_name="base re-stacked")

    def recipe(self, extra: pd.DataFrame, weight: float):
        """The shipped recipe with ``extra`` rows at ``weight``."""
        def fitpred(tr, va, held):
            m = ts.fit(tr, extra[~extra["group"].isin(held)], weight) | {"special_weight": self.sw}
            return _logits(m, va["review"].tolist())
        return fitpred


def _logits(m: dict, texts: list[str]) -> np.ndarray:
    return sentiment.logits(texts, m["idf"], m["coef"], m["intercept"], m["lexicon_weight"], m["special_weight"])


def _frame(texts, labels=None) -> pd.DataFrame:
    d = pd.DataFrame({"review": [normalize.fold_for_analysis(str(t)) for t in texts]})
    if labels is not None:
        d["label"] = np.asarray(labels).astype(int)
    d["group"] = d["review"].map(normalize.group_key)
    return d.drop_duplicates("group").reset_index(drop=True)


def _masked(texts: list[str]) -> list[str]:
    spans: list = []
    sentiment.lexicon_parts(texts, spans)
    return sentiment.mask_negated(texts, spans)


# ---------------------------------------------------------------- a one-hidden-layer net over sparse n-grams

def mlp_train(x: sp.csr_matrix, y: np.ndarray, d: int = 32, epochs: int = 2, lr: float = 0.003, batch: int = 64,
              seed: int = 0) -> dict:
    """ReLU hidden layer over sparse rows (the first layer is x @ E), sigmoid output, class-balanced log loss,
    Adam (lazy on the rows of E a batch touches)."""
    rng = np.random.default_rng(seed)
    n, f = x.shape
    p = {"E": (rng.standard_normal((f, d)) * 0.1).astype(np.float32), "b": np.zeros(d, np.float32),
         "v": (rng.standard_normal(d) / np.sqrt(d)).astype(np.float32), "c": np.zeros((), np.float32)}
    cw = np.where(y == 1, n / (2 * (y == 1).sum()), n / (2 * (y == 0).sum())).astype(np.float32)
    adam = _Adam(p, lr)
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            xb = x[idx]
            cols, inv = np.unique(xb.indices, return_inverse=True)
            xs = sp.csr_matrix((xb.data, inv.astype(np.int32), xb.indptr), shape=(len(idx), len(cols)))
            a = xs @ p["E"][cols] + p["b"]
            h = np.maximum(a, 0)
            g = ((1 / (1 + np.exp(-(h @ p["v"] + p["c"]))) - y[idx]) * cw[idx] / len(idx)).astype(np.float32)
            ga = np.outer(g, p["v"]) * (a > 0)
            adam.step({"v": h.T @ g, "c": g.sum(), "b": ga.sum(0)}, {"E": (cols, (xs.T @ ga).astype(np.float32))})
    return p


def mlp_logits(p: dict, x: sp.csr_matrix) -> np.ndarray:
    return np.maximum(x @ p["E"] + p["b"], 0) @ p["v"] + p["c"]


class _Adam:
    """Adam; ``rows`` updates only the given rows of a parameter (their moments too)."""

    def __init__(self, p: dict, lr: float):
        self.p, self.lr, self.t = p, lr, 0
        self.m = {k: np.zeros_like(v) for k, v in p.items()}
        self.s = {k: np.zeros_like(v) for k, v in p.items()}

    def step(self, dense: dict, rows: dict) -> None:
        self.t += 1
        c1, c2 = 1 - 0.9 ** self.t, 1 - 0.999 ** self.t
        for k, g in dense.items():
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.s[k] = 0.999 * self.s[k] + 0.001 * g * g
            self.p[k] = (self.p[k] - self.lr * (self.m[k] / c1) / (np.sqrt(self.s[k] / c2) + 1e-8)).astype(np.float32)
        for k, (r, g) in rows.items():
            m = 0.9 * self.m[k][r] + 0.1 * g
            s = 0.999 * self.s[k][r] + 0.001 * g * g
            self.m[k][r], self.s[k][r] = m, s
            self.p[k][r] -= self.lr * (m / c1) / (np.sqrt(s / c2) + 1e-8)


# ---------------------------------------------------------------- a character CNN

CNN_BITS = 14
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _char_ids(texts: list[str], maxlen: int = 300) -> list[np.ndarray]:
    """Hashed character ids in 1..2^CNN_BITS−1 per text (0 pads)."""
    out = []
    with np.errstate(over="ignore"):
        for t in texts:
            cp = np.frombuffer(t.lower()[:maxlen].encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            h = ((cp * _GOLDEN) >> np.uint64(64 - CNN_BITS)).astype(np.int32)
            h[h == 0] = 1
            out.append(h)
    return out


def _pad(ids: list[np.ndarray], w: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros((len(ids), max(max(map(len, ids)), w)), np.int32)
    for i, a in enumerate(ids):
        x[i, :len(a)] = a
    return x, np.array([max(len(a), 1) for a in ids])


def _cnn_forward(p: dict, x: np.ndarray, lens: np.ndarray, w: int):
    emb = p["E"][x]                                                    # B, L, d
    t = x.shape[1] - w + 1
    u = np.concatenate([emb[:, j:j + t, :] for j in range(w)], axis=2)  # B, T, w·d (windows)
    c = u @ p["W"] + p["b"]                                            # B, T, F
    valid = np.arange(t)[None, :] < np.maximum(lens - w + 1, 1)[:, None]
    c = np.where(valid[:, :, None], c, -1e9)
    am = c.argmax(1)                                                   # B, F: the position each filter keeps
    mx = np.take_along_axis(c, am[:, None, :], 1)[:, 0, :]
    return u, am, mx, np.maximum(mx, 0)


def cnn_train(texts: list[str], y: np.ndarray, d: int = 32, filters: int = 256, w: int = 2, epochs: int = 4,
              lr: float = 0.002, batch: int = 64, drop: float = 0.5, seed: int = 0) -> dict:
    """Embeddings → convolution (width ``w``) → ReLU → max over positions → dropout → logit; class-balanced log
    loss, Adam; batches of similar length."""
    rng = np.random.default_rng(seed)
    p = {"E": (rng.standard_normal((2 ** CNN_BITS, d)) * 0.1).astype(np.float32),
         "W": (rng.standard_normal((w * d, filters)) * np.sqrt(2 / (w * d))).astype(np.float32),
         "b": np.zeros(filters, np.float32),
         "v": (rng.standard_normal(filters) / np.sqrt(filters)).astype(np.float32), "c": np.zeros((), np.float32)}
    p["E"][0] = 0
    ids = _char_ids(texts)
    n = len(y)
    cw = np.where(y == 1, n / (2 * (y == 1).sum()), n / (2 * (y == 0).sum())).astype(np.float32)
    lens = np.array([len(a) for a in ids])
    adam = _Adam(p, lr)
    for _ in range(epochs):
        order = rng.permutation(n)
        order = order[np.argsort(lens[order] // 8, kind="stable")]
        batches = [order[s:s + batch] for s in range(0, n, batch)]
        rng.shuffle(batches)
        for idx in batches:
            x, ln = _pad([ids[i] for i in idx], w)
            u, am, mx, h = _cnn_forward(p, x, ln, w)
            keep = (rng.random(h.shape) >= drop).astype(np.float32) / (1 - drop)
            h = h * keep
            g = ((1 / (1 + np.exp(-(h @ p["v"] + p["c"]))) - y[idx]) * cw[idx] / len(idx)).astype(np.float32)
            gm = np.outer(g, p["v"]) * keep * (mx > 0)                  # B, F
            gc = np.zeros((len(idx), u.shape[1], gm.shape[1]), np.float32)
            np.put_along_axis(gc, am[:, None, :], gm[:, None, :], 1)
            gu = gc @ p["W"].T                                          # back to the windows
            ge = np.zeros((*x.shape, d), np.float32)
            for j in range(w):
                ge[:, j:j + u.shape[1], :] += gu[:, :, j * d:(j + 1) * d]
            cols, inv = np.unique(x.ravel(), return_inverse=True)
            gE = np.zeros((len(cols), d), np.float32)
            np.add.at(gE, inv, ge.reshape(-1, d))
            adam.step({"W": u.reshape(-1, u.shape[2]).T @ gc.reshape(-1, gc.shape[2]), "b": gm.sum(0),
                       "v": h.T @ g, "c": g.sum()}, {"E": (cols[cols != 0], gE[cols != 0])})
    return p | {"w": w}


def cnn_logits(p: dict, texts: list[str], batch: int = 512) -> np.ndarray:
    ids = _char_ids(texts)
    order = np.argsort([len(a) for a in ids], kind="stable")
    out = np.empty(len(texts), np.float32)
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        x, ln = _pad([ids[i] for i in idx], p["w"])
        out[idx] = _cnn_forward(p, x, ln, p["w"])[3] @ p["v"] + p["c"]
    return out


# ---------------------------------------------------------------- experiments

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--only", default="base,food,aic,dedup,self,mlp,cnn,xstack")
    a = ap.parse_args()
    if not (a.shared / "realdata").exists():
        print(f"skipped: {a.shared / 'realdata'} not found")
        return 0
    only = set(a.only.split(",")) | {"base"}
    cv = CV(a.shared)
    real = a.shared / "realdata"
    print(f"waimai folds 1–4: {int(cv.scored.sum())} reviews scored out of fold (fold 0, the test set, unread)")
    cv.run("base (shipped recipe)", cv.recipe(_frame([]).assign(label=0), 0.0))
    if "food" in only:
        shop = pd.read_csv(real / "online_shopping_10_cats.csv").dropna(subset=["review"])
        shop = shop[shop["cat"].isin(["水果", "蒙牛"])]
        food = _frame(shop["review"], shop["label"])
        for w in (0.1, 0.3, 1.0):
            cv.run(f"food categories ({len(food)}) at weight {w}", cv.recipe(food, w))
    if "aic" in only:
        aic = pd.read_csv(real / "aic2018_dev.csv")
        aic = aic[aic["others_overall_experience"].isin([1, -1])]
        aic = _frame(aic["content"], aic["others_overall_experience"] == 1)
        for w in (0.3, 1.0):
            cv.run(f"AIC overall-experience reviews ({len(aic)}) at weight {w}", cv.recipe(aic, w))
    if "dedup" in only:
        for power in (1.0, 0.5):
            def fitpred(tr, va, held, power=power):
                w = 1.0 / tr.groupby("group")["review"].transform("size").to_numpy() ** power
                m = ts.calibrate(tr["review"].tolist(), tr["label"].to_numpy(), tr["group"].to_numpy(), w)
                return _logits(m | {"special_weight": cv.sw}, va["review"].tolist())
            cv.run(f"near-twin groups weighted 1/size^{power}", fitpred)
    if "self" in only:
        unl = _frame(pd.read_csv(real / "aic2018_unlabelled.csv")["content"])

        def fitpred(tr, va, held):
            m = ts.fit(tr, unl.iloc[:0].assign(label=0), 0.0) | {"special_weight": cv.sw}
            z = _logits(m, unl["review"].tolist())
            sure = np.abs(z) > 2
            m = ts.fit(tr, unl[sure].assign(label=(z[sure] > 0).astype(int)), 0.3) | {"special_weight": cv.sw}
            return _logits(m, va["review"].tolist())
        cv.run("self-training on aic2018_unlabelled (|logit| > 2, weight 0.3)", fitpred)
    masked = np.array(_masked(cv.df["review"].tolist()), dtype=object)
    if "mlp" in only:
        raw = sentiment.raw_counts(list(masked))

        def fitpred(tr, va, held):
            ti, vi = tr.index.to_numpy(), va.index.to_numpy()
            x = sentiment.features(list(masked), ts._idf(raw[ti]), raw).tocsr()
            x.indices = (x.indices >> 2).astype(np.int32)              # 2^18 → 2^16 columns (top bits)
            x = sp.csr_matrix((x.data, x.indices, x.indptr), shape=(x.shape[0], 2 ** 16))
            x.sum_duplicates()
            return np.mean([mlp_logits(mlp_train(x[ti], cv.y[ti].astype(np.float32), seed=s), x[vi])
                            for s in range(5)], axis=0)
        cv.run("MLP over TF-IDF n-grams (5 seeds)", fitpred)
        cv.stack(["MLP over TF-IDF n-grams (5 seeds)"])
    if "cnn" in only:
        def fitpred(tr, va, held):
            p = cnn_train(list(masked[tr.index]), cv.y[tr.index])
            return cnn_logits(p, list(masked[va.index]))
        cv.run("character CNN", fitpred)
        cv.stack(["character CNN"])
    if "xstack" in only:
        extra = ts.load_extra(a.shared)

        def fitpred(tr, va, held):
            ex = extra[~extra["group"].isin(held)]
            xm = ts.train(ex["review"].tolist(), ex["label"].to_numpy().astype(int))

            def xlogit(t):
                return ts._ngram_logit(xm, sentiment.raw_counts(_masked(t)), t)
            texts, y = tr["review"].tolist(), tr["label"].to_numpy().astype(int)
            raw, tot = ts._masked_raw(texts), sentiment.lexicon_parts(texts)[0]
            oof = np.zeros(len(y))
            inner = StratifiedGroupKFold(n_splits=ts.INNER_FOLDS, shuffle=True, random_state=1)
            for i, j in inner.split(texts, y, tr["group"].to_numpy()):
                oof[j] = ts._ngram_logit(ts.train([texts[r] for r in i], y[i], None, raw[i]), raw[j],
                                         [texts[r] for r in j])
            st = LogisticRegression(C=ts.STACK_C, class_weight="balanced", max_iter=1000).fit(
                np.column_stack([oof, tot, xlogit(texts)]), y)
            (s, lw, xw), b = st.coef_[0], float(st.intercept_[0])
            m = ts.train(texts, y, None, raw)
            m = {"idf": m["idf"], "coef": m["coef"] * s, "intercept": m["intercept"] * s + b, "lexicon_weight": lw,
                 "special_weight": cv.sw}
            return _logits(m, va["review"].tolist()) + xw * xlogit(va["review"].tolist())
        cv.run("second stage with an all-extras model's logit", fitpred)
    done = [n for n in cv.results if n.startswith(("MLP", "character CNN", "second stage"))]
    if len(done) > 1:
        cv.stack(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
