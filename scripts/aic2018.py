"""AIC-2018 (Dianping restaurant reviews, 20 aspects) mapped to CX Lens touchpoints — shared by the aspect
polarity training script and benchmarks/text_eval.py. Labels: 1 positive, 0 neutral, −1 negative, −2 not
mentioned. Rows with even ids are the tuning half, odd ids the reported half."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

AIC_MAP = {
    "location": ["location_traffic_convenience", "location_distance_from_business_district", "location_easy_to_find"],
    "queue": ["service_wait_time"],
    "staff_attitude": ["service_waiters_attitude"],
    "parking": ["service_parking_convenience"],
    "serving_speed": ["service_serving_speed"],
    "price": ["price_level"],
    "value": ["price_cost_effective"],
    "promotion": ["price_discount"],
    "decor": ["environment_decoration"],
    "noise": ["environment_noise"],
    "space": ["environment_space"],
    "hygiene": ["environment_cleaness"],
    "portion": ["dish_portion"],
    "taste": ["dish_taste"],
    "presentation": ["dish_look"],
}


def load(shared: Path, half: str = "all") -> pd.DataFrame:
    df = pd.read_csv(shared / "realdata" / "aic2018_dev.csv")
    if half != "all":
        df = df[df["id"] % 2 == (0 if half == "tune" else 1)]
    return df.reset_index(drop=True)


def load_asap(shared: Path, exclude: pd.DataFrame | None = None) -> pd.DataFrame:
    """asap_sample.csv (Meituan-Dianping ASAP, Apache-2.0; same aspect scheme, ``location_traffic`` for
    location_traffic_convenience) in the shape of ``load``: extra labelled training rows. Rows whose normalised
    text equals one in ``exclude`` (e.g. the report half) are dropped."""
    from cx.text.normalize import group_key

    df = pd.read_csv(shared / "realdata" / "asap_sample.csv").rename(
        columns={"reviewbody": "content", "location_traffic": "location_traffic_convenience", "index": "id"})
    if exclude is not None:
        seen = {group_key(t) for t in exclude["content"].astype(str)}
        df = df[[group_key(t) not in seen for t in df["content"].astype(str)]]
    return df.reset_index(drop=True)


def truth(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per touchpoint: −2 not mentioned, else the most negative polarity among its mapped aspects."""
    out = {}
    for tp, cols in AIC_MAP.items():
        vals = df[cols].to_numpy()
        mentioned = vals != -2
        pol = np.where(mentioned, vals, 9).min(axis=1)
        out[tp] = np.where(mentioned.any(axis=1), pol, -2)
    return out


def f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def polarity_macro_f1(t: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 over the classes −1/0/+1 present, on rows where both truth and prediction mention."""
    both = (t != -2) & (p != -2)
    if not both.any():
        return 0.0
    return float(np.mean([f1(int(((t == c) & (p == c) & both).sum()), int(((t != c) & (p == c) & both).sum()),
                             int(((t == c) & (p != c) & both).sum())) for c in (-1, 0, 1)
                          if ((t == c) & both).any() or ((p == c) & both).any()]))
