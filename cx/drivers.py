"""Key drivers of NPS: which touchpoints move the score, and an importance–performance (IPA) view.

Method (stated in the UI): for each touchpoint, the NPS-scale gap = mean 0–10 recommendation score of
survey answers that do NOT mention it negatively minus those that do (Welch 95 % interval). Importance =
|point-biserial correlation| between "mentions it negatively" and the score; performance = share of its
mentions that are positive. Quadrant cut-offs are the medians across touchpoints. Safety-critical touchpoints
(``safety_critical`` in data/incidents.yaml) with any negative mention are 必须整改 whatever their quadrant.
"""
from __future__ import annotations

import math

import pandas as pd

from cx import db, sample
from cx.filters import Filters
from cx.metrics import Z95
from cx.text.taxonomy import default as taxonomy

MIN_NEG = sample.min_n("driver")   # data/small_sample.yaml
MUST_FIX = "必须整改"        # safety-critical: a food-safety complaint is never a "minor improvement"
QUADRANTS = {(True, False): "重点改进", (True, True): "保持优势", (False, False): "次要改进", (False, True): "过度投入"}


def key_drivers(con, filters: Filters) -> pd.DataFrame:
    df = db.filtered_df(con, "journey/drivers", filters)
    tax = taxonomy()
    rows = []
    for r in df.itertuples(index=False):
        if r.touchpoint not in tax.by_id or r.n_neg < 2 or r.n_all - r.n_neg < 2:
            continue
        n1, n0 = r.n_neg, r.n_all - r.n_neg
        m1 = r.sy_neg / n1
        m0 = (r.sy_all - r.sy_neg) / n0
        v1 = max(0.0, (r.syy_neg - n1 * m1 * m1) / (n1 - 1))
        v0 = max(0.0, ((r.syy_all - r.syy_neg) - n0 * m0 * m0) / (n0 - 1))
        gap = m0 - m1
        se = math.sqrt(v1 / n1 + v0 / n0)
        mean = r.sy_all / r.n_all
        sd = math.sqrt(max(0.0, (r.syy_all - r.n_all * mean * mean) / (r.n_all - 1)))
        p = n1 / r.n_all
        importance = abs(gap) / sd * math.sqrt(p * (1 - p)) if sd > 0 else 0.0
        tp = tax.by_id[r.touchpoint]
        rows.append({"touchpoint": tp.id, "label": tp.label, "stage": tp.stage_label, "mentions": int(r.mentions),
                     "n_neg": int(n1), "gap": gap, "gap_low": gap - Z95 * se, "gap_high": gap + Z95 * se,
                     "importance": importance, "performance": r.n_pos / r.mentions if r.mentions else None,
                     "reliable": n1 >= MIN_NEG})
    out = pd.DataFrame(rows, columns=["touchpoint", "label", "stage", "mentions", "n_neg", "gap", "gap_low", "gap_high",
                                      "importance", "performance", "reliable"])
    if out.empty:
        return out.assign(quadrant=pd.Series(dtype=str))
    imp_cut, perf_cut = out["importance"].median(), out["performance"].median()
    out["quadrant"] = [QUADRANTS[(i >= imp_cut, pf >= perf_cut)] for i, pf in zip(out["importance"], out["performance"])]
    # safety-critical touchpoints (data/incidents.yaml safety_critical) are "must fix" whatever their quadrant
    from cx import incidents

    critical = out["touchpoint"].isin(incidents.default().safety_critical) & (out["n_neg"] > 0)
    out.loc[critical, "quadrant"] = MUST_FIX
    return out.sort_values("importance", ascending=False).reset_index(drop=True)
