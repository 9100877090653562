"""KANO model: the standard 5×5 evaluation table and Better/Worse coefficients.

Answers are coded 1 喜欢, 2 理所当然, 3 无所谓, 4 能忍受, 5 不喜欢 for both the functional ("if the
restaurant offers X") and dysfunctional ("if it does not") question.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ANSWERS = {1: "喜欢", 2: "理所当然", 3: "无所谓", 4: "能忍受", 5: "不喜欢"}
CATEGORIES = {"A": "魅力属性", "O": "期望属性", "M": "必备属性", "I": "无差异属性", "R": "反向属性", "Q": "可疑结果"}

# Rows: functional answer 1..5; columns: dysfunctional answer 1..5.
TABLE = (
    ("Q", "A", "A", "A", "O"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "I", "I", "I", "M"),
    ("R", "R", "R", "R", "Q"),
)


def classify(functional: int, dysfunctional: int) -> str:
    """Category letter (A/O/M/I/R/Q) of one functional/dysfunctional answer pair."""
    f, d = int(functional), int(dysfunctional)
    if not (1 <= f <= 5 and 1 <= d <= 5):
        raise ValueError(f"KANO 答案必须为 1–5，收到 ({functional}, {dysfunctional})")
    return TABLE[f - 1][d - 1]


def cells(category: str) -> list[tuple[int, int]]:
    """All (functional, dysfunctional) pairs that the table maps to ``category``."""
    return [(f + 1, d + 1) for f in range(5) for d in range(5) if TABLE[f][d] == category]


def analyse(counts) -> "pd.DataFrame":
    """Per feature: category distribution, majority category, Better and Worse.

    ``counts``: DataFrame with feature, functional, dysfunctional, n (answer-pair counts).
    """
    import pandas as pd

    from cx import sample

    rows = []
    for feature, g in counts.groupby("feature", sort=True):
        dist = {c: 0 for c in CATEGORIES}
        for r in g.itertuples(index=False):
            dist[classify(r.functional, r.dysfunctional)] += int(r.n)
        total = sum(dist.values())
        core = dist["A"] + dist["O"] + dist["M"] + dist["I"]
        major = max(CATEGORIES, key=lambda c: (dist[c], c in "MOAI"))
        small = sample.small(total, "kano")    # data/small_sample.yaml: too few answers for a class
        rows.append({"feature": feature, "n": total, **{c: dist[c] for c in CATEGORIES},
                     "category": None if small else major,
                     "category_label": sample.LABEL if small else CATEGORIES[major], "small": small,
                     "better": (dist["A"] + dist["O"]) / core if core else None,
                     "worse": -(dist["O"] + dist["M"]) / core if core else None})
    return pd.DataFrame(rows)


def quadrant(better: float, worse: float) -> str:
    """Better–Worse quadrant at 0.5 (|Worse|): the usual reading of the KANO scatter."""
    hi_b, hi_w = better >= 0.5, abs(worse) >= 0.5
    return {(True, False): "魅力属性", (True, True): "期望属性", (False, True): "必备属性", (False, False): "无差异属性"}[(hi_b, hi_w)]


def features(con, filters) -> "pd.DataFrame":
    from cx import db

    p = filters.params()
    counts = db.df(con, "kano/counts", {"start": p["start"], "end": p["end"], "scope_stores": p["scope_stores"],
                                        "stores": p["stores"]})
    if counts.empty:
        import pandas as pd

        return pd.DataFrame(columns=["feature", "n", *CATEGORIES, "category", "category_label", "small", "better", "worse"])
    return analyse(counts)
