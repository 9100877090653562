"""Rebuild the shipped touchpoint-mention model (cx/text/mention.py) from ../shared/realdata and report it.

    .venv/bin/python scripts/train_mention.py [--shared ../shared] [--out cx/text/models/mention.npz]

Data: aic2018_dev.csv (AI Challenger 2018 fine-grained sentiment, Dianping restaurant reviews; see
../shared/realdata/SOURCES.md; the AI Challenger terms restrict it to non-commercial research), its aspects
mapped to our touchpoints (scripts/aic2018.py); a touchpoint is mentioned when any mapped aspect is labelled.

Per touchpoint: a logistic regression (cx.text.mention.design: whole-review and keyword-clause n-grams, rule
signals). Its C, its use (rules / filter / add / both, see cx.text.mention) and thresholds are chosen by
5-fold cross-validation inside the rows it is given: the out-of-fold probabilities are scored as mention F1
for every use and threshold, and the model replaces the rules only when it beats them by ``MARGIN``.

The use per touchpoint is decided on the tuning half (even ids) only; a model fitted on the tuning half is
scored on the report half (odd ids) by benchmarks/text_eval.py. The shipped model keeps the tuning half's
uses and is fitted (C, thresholds by the same cross-validation, weights) on all rows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import aic2018  # noqa: E402
from cx.text import mention, tagger  # noqa: E402

CS = (1.0, 4.0, 16.0)
KEEP = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
ADD = (0.5, 0.6, 0.7, 0.8, 0.9)
MARGIN = 0.01        # out-of-fold mention F1 the model must gain over the rules to be used
FOLDS = 5
SEED = 17


def f1(y: np.ndarray, p: np.ndarray) -> float:
    return aic2018.f1(int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum()))


def examples(df: pd.DataFrame) -> tuple[list[str], list[dict[str, list[tuple[str, str]]]], dict[str, np.ndarray]]:
    """Texts, their keyword hits (touchpoint → (clause, keyword) pairs, as cx.text.tagger.learned sees them) and per
    touchpoint whether the annotators labelled it (mentioned)."""
    texts = df["content"].astype(str).tolist()
    hits = []
    for t in texts:
        h: dict[str, list[tuple[str, str]]] = {}
        for a, b, tp, kw in tagger.candidates(t):
            h.setdefault(tp, []).append((t[a:b].strip(), kw))
        hits.append(h)
    return texts, hits, {tp: v != -2 for tp, v in aic2018.truth(df).items()}


def _lr(x, y, c):
    return LogisticRegression(C=c, max_iter=3000, solver="liblinear").fit(x, y)


def choose(x, y: np.ndarray, rule: np.ndarray, modes=mention.MODES, inner: int = FOLDS) -> dict:
    """C, use and thresholds by out-of-fold mention F1 (see module docstring)."""
    best = {"mode": "rules", "keep": 0.0, "add": 1.0, "C": CS[0], "f1": f1(y, rule), "rules_f1": f1(y, rule)}
    if y.all() or not y.any():
        return best
    folds = list(StratifiedKFold(inner, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y * 2 + rule))
    for c in CS:
        p = np.zeros(len(y))
        for tr, te in folds:
            p[te] = _lr(x[tr], y[tr], c).predict_proba(x[te])[:, 1]
        for mode in modes:
            if mode == "rules":
                continue
            keeps = KEEP if mode in ("filter", "both") else (0.0,)
            adds = ADD if mode in ("add", "both") else (1.01,)
            for k in keeps:
                for a in adds:
                    pred = (rule & (p >= k)) | (~rule & (p >= a))
                    s = f1(y, pred)
                    if s > best["f1"] + 1e-9 and (s >= best["rules_f1"] + MARGIN):
                        best = best | {"mode": mode, "keep": k, "add": a, "C": c, "f1": s}
    return best


def nested(x, y: np.ndarray, rule: np.ndarray, folds: int = 4) -> np.ndarray:
    """Honest predictions of the whole procedure: per outer fold, ``choose`` (its own inner cross-validation)
    and fit on the other folds, predict the fold. Compared with the rules, this decides whether the model is
    used for a touchpoint at all (the choice inside ``choose`` alone is optimistic: it picks the best of many
    thresholds on the same out-of-fold scores)."""
    pred = rule.copy()
    if y.all() or not y.any():
        return pred
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=SEED + 1).split(np.zeros(len(y)), y * 2 + rule):
        ch = choose(x[tr], y[tr], rule[tr], inner=3)
        if ch["mode"] == "rules":
            continue
        p = _lr(x[tr], y[tr], ch["C"]).predict_proba(x[te])[:, 1]
        pred[te] = (rule[te] & (p >= ch["keep"])) | (~rule[te] & (p >= ch["add"]))
    return pred


def fit(df: pd.DataFrame, modes: dict[str, str] | None = None, log=print) -> tuple[mention.Model, dict]:
    """Per touchpoint: choose (restricted to ``modes[tp]`` and rules when given) and fit on all of ``df``."""
    texts, hits, truth = examples(df)
    tx = mention.text_block(texts)
    tps = tuple(aic2018.AIC_MAP)
    coef = np.zeros((len(tps), mention.WIDTH), np.float32)
    icpt = np.zeros(len(tps), np.float32)
    rows = {}
    for j, tp in enumerate(tps):
        x = mention.design(tx, [h.get(tp, []) for h in hits])
        y = truth[tp]
        rule = np.array([tp in h for h in hits])
        allowed = mention.MODES if modes is None else ("rules", modes[tp])
        ch = choose(x, y, rule, allowed)
        if ch["mode"] != "rules":
            m = _lr(x, y, ch["C"])
            coef[j], icpt[j] = m.coef_[0], m.intercept_[0]
        rows[tp] = ch
        log(f"  {tp:15s} n+={int(y.sum()):4d} rules {ch['rules_f1']:.3f} -> {ch['mode']:6s} {ch['f1']:.3f} "
            f"(C={ch['C']:g}, keep≥{ch['keep']:.2f}, add≥{min(ch['add'], 1):.2f}; out-of-fold)")
    model = mention.Model(tps, tuple(rows[tp]["mode"] for tp in tps),
                          np.array([rows[tp]["keep"] for tp in tps], np.float32),
                          np.array([rows[tp]["add"] for tp in tps], np.float32), coef, icpt)
    return model, rows


def fit_tuning_half(shared: Path, out: Path, log=print) -> mention.Model:
    """Choose the use per touchpoint and fit on the tuning half only; save to ``out``."""
    model, _ = fit(aic2018.load(shared, "tune"), log=log)
    mention.save(model, out)
    return model


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=mention.MODEL_FILE)
    a = ap.parse_args()
    print("tuning half (even ids): use per touchpoint by 5-fold cross-validation")
    held, rows = fit(aic2018.load(a.shared, "tune"))
    print(f"  mean out-of-fold mention F1: rules {np.mean([r['rules_f1'] for r in rows.values()]):.3f} -> "
          f"chosen {np.mean([r['f1'] for r in rows.values()]):.3f}")
    modes = dict(zip(held.touchpoints, held.mode))
    print("all rows: the tuning half's uses, C and thresholds re-chosen by cross-validation, weights fitted")
    model, _ = fit(aic2018.load(a.shared, "all"), modes)
    mention.save(model, a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
