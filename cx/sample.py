"""The one small-sample policy (data/small_sample.yaml): minimum n per kind of estimate and its treatment.

Treatment, everywhere (pages, charts, XLSX/PPTX exports): below the minimum an estimate is grey and labelled
``label`` (样本不足) with its interval; it gets no rank number; it is excluded from best/worst lists and from
verdicts (长板/短板, KANO class, "significantly worse"). Callers ask ``min_n(kind)`` or ``small(n, kind)``.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from cx import settings

POLICY_FILE = settings.config_file("small_sample.yaml")
KINDS = ("store", "cell", "driver", "kano", "sla", "kpi")


class PolicyError(ValueError):
    """small_sample.yaml is unusable (message in Chinese)."""


def parse(doc: object, where: str = "small_sample.yaml") -> dict:
    if not isinstance(doc, dict) or not isinstance(doc.get("min_n"), dict):
        raise PolicyError(f"{where}：缺少 min_n 设置")
    missing = [k for k in KINDS if k not in doc["min_n"]]
    if missing:
        raise PolicyError(f"{where}：min_n 缺少 {'、'.join(missing)}")
    bad = [k for k, v in doc["min_n"].items() if not isinstance(v, int) or isinstance(v, bool) or v < 1]
    if bad:
        raise PolicyError(f"{where}：min_n 的 {'、'.join(bad)} 必须是正整数")
    return {"label": str(doc.get("label", "样本不足")), "min_n": {k: int(v) for k, v in doc["min_n"].items()}}


@functools.cache
def policy(path: Path = POLICY_FILE) -> dict:
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")), Path(path).name)


def min_n(kind: str) -> int:
    """The minimum n for ``kind`` (store | cell | driver | kano | sla | kpi)."""
    return policy()["min_n"][kind]


def small(n, kind: str):
    """True where n is below the minimum for ``kind`` (scalar or array-like; NaN counts as 0)."""
    arr = np.nan_to_num(np.asarray(n, dtype=float), nan=0.0)
    out = arr < min_n(kind)
    return bool(out) if out.ndim == 0 else out


LABEL = policy()["label"]
