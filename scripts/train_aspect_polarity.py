"""Rebuild the shipped touchpoint-polarity model (cx/text/aspect.py) from ../shared/realdata and report it.

    .venv/bin/python scripts/train_aspect_polarity.py [--shared ../shared] [--out cx/text/models/aspect_polarity.npz]

Data: aic2018_dev.csv (AIC Challenger 2018 fine-grained sentiment, Dianping restaurant reviews; see
../shared/realdata/SOURCES.md), its aspects mapped to our touchpoints (scripts/aic2018.py). Examples are
(review, touchpoint) pairs our tagger finds and the annotators labelled. First a model fitted on the tuning
half (even ids) is scored on the reported half (odd ids) against the clause-level baseline; then the shipped
model is fitted on all rows.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import aic2018  # noqa: E402
from cx.text import aspect, sentiment, tagger  # noqa: E402
from cx.text import features as fx  # noqa: E402

C = 10.0


def examples(df: pd.DataFrame) -> tuple[list[aspect.Item], np.ndarray, np.ndarray]:
    """Items from clause-level tagging (no learned step), their AIC label (−2 = not labelled) and row index."""
    truth = aic2018.truth(df)
    texts = df["content"].astype(str).tolist()
    docs = tagger.aspect_doc_sentiment(dict(enumerate(sentiment.score(texts))), texts)   # as tagger.learned
    items, labels, rows = [], [], []
    for i, text in enumerate(texts):
        mentions = tagger.resolve(text, tagger.candidates(text))
        for it in tagger.aspect_items(mentions, docs[i]):
            items.append(it)
            labels.append(truth[it.touchpoint][i] if it.touchpoint in truth else -2)
            rows.append(i)
    return items, np.array(labels), np.array(rows)


def fit(items: list[aspect.Item], labels: np.ndarray) -> dict:
    keep = labels != -2
    tps = tuple(sorted(aic2018.AIC_MAP))
    x = aspect.features([it for it, k in zip(items, keep) if k], tps)
    m = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, labels[keep])
    return {"coef": m.coef_.astype(np.float32), "intercept": m.intercept_.astype(np.float32),
            "classes": m.classes_.astype(np.int8), "touchpoints": np.array(tps)}


def save(model: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, n_features=aspect.N_FEATURES, ngrams=np.array(aspect.NGRAMS),
                        hash_version=fx.HASH_VERSION, **model)


def fit_tuning_half(shared: Path, out: Path) -> int:
    """Fit on the tuning half only and save to ``out`` (for honest numbers on the reported half)."""
    items, labels, _ = examples(aic2018.load(shared, "tune"))
    save(fit(items, labels), out)
    return int((labels != -2).sum())


def report(shared: Path, model_path: Path) -> tuple[float, float]:
    """Polarity macro-F1 on the reported half: (clause-level baseline, learned with the model at model_path)."""
    df = aic2018.load(shared, "report")
    truth = aic2018.truth(df)
    items, _, rows = examples(df)
    with aspect.model_file(model_path):
        learned = aspect.predict(items)
    scores = {"baseline": [], "learned": []}
    for tp in aic2018.AIC_MAP:
        for name, pol in (("baseline", [int(np.sign(it.polarity_sum)) for it in items]), ("learned", learned)):
            p = np.full(len(df), -2)
            for it, r, v in zip(items, rows, pol):
                if it.touchpoint == tp:
                    p[r] = v
            scores[name].append(aic2018.polarity_macro_f1(truth[tp], p))
    return float(np.mean(scores["baseline"])), float(np.mean(scores["learned"]))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared")
    ap.add_argument("--out", type=Path, default=aspect.MODEL_FILE)
    a = ap.parse_args()
    held = a.out.with_name("aspect_polarity.heldout.npz")
    n = fit_tuning_half(a.shared, held)
    base, learned = report(a.shared, held)
    held.unlink()
    print(f"polarity macro-F1 on the AIC report half: clause-level {base:.3f} -> learned {learned:.3f} "
          f"(fitted on {n} tuning-half examples)")
    items, labels, _ = examples(aic2018.load(a.shared, "all"))
    save(fit(items, labels), a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size / 1024:.0f} KiB), fitted on {int((labels != -2).sum())} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
