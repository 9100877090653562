"""Rebuild the shipped touchpoint-mention model (cx/text/mention.py) from ../shared/realdata and report it.

    .venv/bin/python scripts/train_mention.py [--shared ../shared] [--out cx/text/models/mention.npz]

Data: aic2018_dev.csv (AI Challenger 2018 fine-grained sentiment, Dianping restaurant reviews; see
../shared/realdata/SOURCES.md; the AI Challenger terms restrict it to non-commercial research), its aspects
mapped to our touchpoints (scripts/aic2018.py); a touchpoint is mentioned when any mapped aspect is labelled.
Extra training rows: asap_sample.csv (300 Dianping reviews from Meituan-Dianping ASAP, same aspect scheme,
Apache-2.0; rows whose normalised text is in the report half are dropped). Examples are the reviews where the
keyword rules (cx.text.tagger.candidates) find the touchpoint.

Per touchpoint a logistic regression (cx.text.mention.design) gives P(mentioned | keyword hit); a hit below
the threshold ``keep`` is dropped. Two levels of cross-validation, both by review:

* ``choose``: C and ``keep`` by out-of-fold mention F1 (5 folds) — optimistic, since it picks the best of many
  thresholds on the same scores, so a model must beat the rules by ``MARGIN`` there;
* ``nested``: the whole procedure (``choose`` inside, 3 folds) re-run in 4 outer folds, its predictions
  scored on the held-out folds — this decides whether the model is used for a touchpoint at all.

The decision per touchpoint is taken on the tuning half (even ids) with the ASAP rows, never on the report half
(odd ids); a model fitted on those rows is scored on the report half by benchmarks/text_eval.py. The shipped
model keeps those decisions and is fitted (C and ``keep`` by the same cross-validation, then the weights) on
all AIC rows and the ASAP rows.
Tried and not chosen (same nested cross-validation on the tuning half): whole-review n-grams with adding
touchpoints the keywords missed, hashed keyword identities, one model pooled over touchpoints.
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
MARGIN = 0.01        # out-of-fold F1 a model must gain over the rules inside ``choose``
SEED = 17


def f1(y: np.ndarray, p: np.ndarray) -> float:
    return aic2018.f1(int((y & p).sum()), int((~y & p).sum()), int((y & ~p).sum()))


def examples(df: pd.DataFrame) -> tuple[list[dict[str, list[str]]], dict[str, np.ndarray]]:
    """Per review its keyword hits (touchpoint → clauses, as cx.text.tagger.learned passes them) and per
    touchpoint whether the annotators labelled it (mentioned)."""
    hits = []
    for t in df["content"].astype(str):
        h: dict[str, list[str]] = {}
        for a, b, tp, _ in tagger.candidates(t):
            h.setdefault(tp, []).append(t[a:b].strip())
        hits.append(h)
    return hits, {tp: v != -2 for tp, v in aic2018.truth(df).items()}


def _lr(x, y, c):
    return LogisticRegression(C=c, max_iter=3000, solver="liblinear", random_state=0).fit(x, y)


def _folds(y_hit: np.ndarray, k: int, seed: int):
    n_min = min(int(y_hit.sum()), int((~y_hit).sum()))
    return list(StratifiedKFold(min(k, n_min), shuffle=True, random_state=seed).split(np.zeros(len(y_hit)), y_hit))


def choose(x, y_hit: np.ndarray, n_missed: int, folds: int = 5) -> dict:
    """C and keep on the hit rows (x, y_hit: mentioned?); ``n_missed``: mentions without a hit (false
    negatives whatever the model does). keep = 0: the rules."""
    ones = np.ones(len(y_hit), bool)
    rules = f1(np.r_[y_hit, np.ones(n_missed, bool)], np.r_[ones, np.zeros(n_missed, bool)])
    best = {"keep": 0.0, "C": 0.0, "f1": rules, "rules_f1": rules}
    if y_hit.all() or min(int(y_hit.sum()), int((~y_hit).sum())) < 2:
        return best
    fs = _folds(y_hit, folds, SEED)
    yy = np.r_[y_hit, np.ones(n_missed, bool)]
    for c in CS:
        p = np.zeros(len(y_hit))
        for tr, te in fs:
            p[te] = _lr(x[tr], y_hit[tr], c).predict_proba(x[te])[:, 1]
        for k in KEEP:
            s = f1(yy, np.r_[p >= k, np.zeros(n_missed, bool)])
            if s > best["f1"] + 1e-9 and s >= rules + MARGIN:
                best = best | {"keep": k, "C": c, "f1": s}
    return best


def nested(x, y_hit: np.ndarray, n_missed: int) -> float:
    """Mention F1 of the whole procedure on held-out folds (4 outer folds, ``choose`` with 3 inside)."""
    keep = np.ones(len(y_hit), bool)
    if min(int(y_hit.sum()), int((~y_hit).sum())) >= 4:
        for tr, te in _folds(y_hit, 4, SEED + 1):
            share = len(tr) / len(y_hit)
            ch = choose(x[tr], y_hit[tr], round(n_missed * share), folds=3)
            if ch["keep"] > 0:
                keep[te] = _lr(x[tr], y_hit[tr], ch["C"]).predict_proba(x[te])[:, 1] >= ch["keep"]
    return f1(np.r_[y_hit, np.ones(n_missed, bool)], np.r_[keep, np.zeros(n_missed, bool)])


def fit(df: pd.DataFrame, use: dict[str, bool] | None = None, log=print) -> tuple[mention.Model, dict]:
    """Per touchpoint: decide by ``nested`` (unless ``use`` says), choose C and keep, fit on all of ``df``."""
    hits, truth = examples(df)
    tps = tuple(aic2018.AIC_MAP)
    coef = np.zeros((len(tps), mention.WIDTH), np.float32)
    icpt = np.zeros(len(tps), np.float32)
    keep = np.zeros(len(tps), np.float32)
    rows = {}
    for j, tp in enumerate(tps):
        hit = np.array([tp in h for h in hits])
        x = mention.design([h[tp] for h, k in zip(hits, hit) if k])
        y_hit, n_missed = truth[tp][hit], int((truth[tp] & ~hit).sum())
        ch = choose(x, y_hit, n_missed)
        if use is None:
            ch["nested_f1"] = nested(x, y_hit, n_missed)
            ch["use"] = ch["nested_f1"] > ch["rules_f1"]
        else:
            ch["use"] = use[tp]
        if ch["use"] and ch["keep"] > 0:
            m = _lr(x, y_hit, ch["C"])
            coef[j], icpt[j], keep[j] = m.coef_[0], m.intercept_[0], ch["keep"]
        rows[tp] = ch
        nest = f" nested {ch['nested_f1']:.3f}" if "nested_f1" in ch else ""
        log(f"  {tp:15s} hits {len(y_hit):4d} (mentioned {int(y_hit.sum()):4d}, missed {n_missed:3d})  rules "
            f"{ch['rules_f1']:.3f}{nest}  -> {'model' if keep[j] > 0 else 'rules'}"
            + (f" (C={ch['C']:g}, keep P≥{keep[j]:.2f}, out-of-fold {ch['f1']:.3f})" if keep[j] > 0 else ""))
    return mention.Model(tps, keep, coef, icpt), rows


def tuning_rows(shared: Path) -> pd.DataFrame:
    """The tuning half and the ASAP rows (none sharing a normalised text with the report half)."""
    return pd.concat([aic2018.load(shared, "tune"), aic2018.load_asap(shared, exclude=aic2018.load(shared, "report"))],
                     ignore_index=True)


def fit_tuning_half(shared: Path, out: Path, log=print) -> mention.Model:
    """Decide the use per touchpoint and fit on the tuning rows only (``tuning_rows``); save to ``out``."""
    model, _ = fit(tuning_rows(shared), log=log)
    mention.save(model, out)
    return model


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=mention.MODEL_FILE)
    a = ap.parse_args()
    print("tuning half (even ids) + ASAP: model or rules per touchpoint by nested cross-validation")
    held, rows = fit(tuning_rows(a.shared))
    print(f"  mean mention F1 over touchpoints: rules {np.mean([r['rules_f1'] for r in rows.values()]):.3f}, "
          f"nested (model where chosen) {np.mean([r['nested_f1'] if r['use'] else r['rules_f1'] for r in rows.values()]):.3f}")
    use = {tp: bool(k > 0) for tp, k in zip(held.touchpoints, held.keep)}
    print("all AIC rows + ASAP: the decisions above; C and keep re-chosen by cross-validation, weights fitted")
    aic = aic2018.load(a.shared, "all")
    model, _ = fit(pd.concat([aic, aic2018.load_asap(a.shared, exclude=aic)], ignore_index=True), use)
    mention.save(model, a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
