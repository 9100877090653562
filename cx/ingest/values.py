"""Score columns of real exports: option text, label scales, scale ranges and directions, star formats.

Every score is read per column, because the scale is a property of the column, not of one cell: a 满意度
column holding 8s and 9s is a 10-point question (not a 5-point one with typos), a 星级 column of 10/45/50 is
the platforms' ×10 star scale, a 费力度 column on 1–5 is the common Chinese effort scale (1 = 非常省力).

Canonical scales stored (what every page computes on):
- NPS 0–10 (likelihood to recommend).
- CSAT 1–5, 5 = 非常满意 (CSAT % = share of 4–5).
- CES 1–7, **7 = least effort** (CES 2.0 agreement scale "it was easy to …"; "low effort" = 5–7).
- Star rating 1–5 (halves allowed); no star = NULL.
Conversions are stated rules (:data:`CONVERSIONS`); the original answer is kept in ``*_raw`` columns.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from cx.ingest.clean import fold_width

SCORE_FIELDS = ("nps", "csat", "ces", "rating")
CANONICAL = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5)}

# Empty-like cells that survey tools write for a skipped question.
SKIPPED = {"(跳过)", "（跳过）", "(空)", "（空）", "-", "--", "—", "n/a", "na", "null", "none", "无", "未作答", "未填写", "-3", "-2"}

# Label → position on a 1..N scale (N given by the scale). Keys are matched after removing spaces.
LABEL_SCALES: dict[str, dict[str, int]] = {
    "satisfaction5": {"非常满意": 5, "很满意": 5, "十分满意": 5, "满意": 4, "比较满意": 4, "一般": 3, "中立": 3, "还行": 3,
                      "普通": 3, "不满意": 2, "比较不满意": 2, "非常不满意": 1, "很不满意": 1, "极不满意": 1, "十分不满意": 1},
    "satisfaction7": {"非常满意": 7, "满意": 6, "比较满意": 5, "一般": 4, "比较不满意": 3, "不满意": 2, "非常不满意": 1},
    "agreement5": {"非常同意": 5, "完全同意": 5, "同意": 4, "比较同意": 4, "一般": 3, "中立": 3, "不确定": 3,
                   "不同意": 2, "比较不同意": 2, "非常不同意": 1, "完全不同意": 1},
    "agreement7": {"非常同意": 7, "同意": 6, "比较同意": 5, "一般": 4, "中立": 4, "比较不同意": 3, "不同意": 2, "非常不同意": 1},
    "ease5": {"非常容易": 5, "很容易": 5, "容易": 4, "比较容易": 4, "一般": 3, "困难": 2, "比较困难": 2, "不容易": 2,
              "非常困难": 1, "很困难": 1, "非常方便": 5, "方便": 4, "比较方便": 4, "不方便": 2, "非常不方便": 1},
    "effort5": {"非常省力": 1, "很省力": 1, "省力": 2, "比较省力": 2, "一般": 3, "费力": 4, "比较费力": 4, "非常费力": 5,
                "很费力": 5, "非常费劲": 5, "费劲": 4},
    "likelihood": {"极有可能推荐": 10, "非常可能推荐": 10, "完全不可能推荐": 0, "极不可能推荐": 0},
}
_SEVEN_ONLY = {"比较满意", "比较不满意", "比较同意", "比较不同意"}   # levels only 7-point scales have

# Stated conversions onto the canonical scales: (field, scale, direction) → {answer: canonical}.
CONVERSIONS: dict[tuple[str, str], dict[float, float]] = {
    # 1–5 effort (1 = 非常省力, 5 = 非常费力) → 1–7 ease: linear 7 − 1.5·(x − 1), rounded away from the midpoint 4.
    ("ces", "effort_1_5"): {1: 7, 2: 6, 3: 4, 4: 2, 5: 1},
    # 1–5 ease (5 = 非常容易) → 1–7 ease: linear 1 + 1.5·(x − 1), rounded away from the midpoint 4.
    ("ces", "ease_1_5"): {1: 1, 2: 2, 3: 4, 4: 6, 5: 7},
    # 1–7 effort (7 = 非常费力) → 1–7 ease: 8 − x.
    ("ces", "effort_1_7"): {i: 8 - i for i in range(1, 8)},
    ("ces", "ease_1_7"): {i: i for i in range(1, 8)},
    # 10-point satisfaction → 5 levels by pairs: 1–2→1, 3–4→2, 5–6→3, 7–8→4, 9–10→5 (so CSAT % = share of 7–10).
    ("csat", "satisfaction_1_10"): {i: (i + 1) // 2 for i in range(1, 11)},
    # 0–10 satisfaction → 1 + round(0.4·x): 0–1→1, 2–3→2, 4–6→3, 7–8→4, 9–10→5.
    ("csat", "satisfaction_0_10"): {i: 1 + int(math.floor(0.4 * i + 0.5)) for i in range(0, 11)},
    # 7-point satisfaction → 1–5 linear 1 + (x − 1)·4/6 rounded: 1,2→1–2, 4→3, 6,7→4–5.
    ("csat", "satisfaction_1_7"): {1: 1, 2: 2, 3: 2, 4: 3, 5: 4, 6: 4, 7: 5},
    ("csat", "satisfaction_1_5"): {i: i for i in range(1, 6)},
}
SCALE_LABELS = {
    "effort_1_5": "1–5 费力度（1 = 非常省力，5 = 非常费力，越高越费力）",
    "ease_1_5": "1–5 容易度（5 = 非常容易，越高越省力）",
    "effort_1_7": "1–7 费力度（7 = 非常费力，越高越费力）",
    "ease_1_7": "1–7 CES（7 = 非常容易，越高越省力）",
    "satisfaction_1_5": "1–5 满意度",
    "satisfaction_1_7": "1–7 满意度",
    "satisfaction_1_10": "1–10 满意度",
    "satisfaction_0_10": "0–10 满意度",
    "nps_0_10": "0–10 推荐意愿",
    "stars_1_5": "1–5 星",
    "stars_x10": "×10 星级（10–50，0 = 未打星）",
}
CONVERSION_RULES = {
    "effort_1_5": "换算到 1–7 CES（7 = 最省力）：1→7、2→6、3→4、4→2、5→1，原始答案另存",
    "ease_1_5": "换算到 1–7 CES（7 = 最省力）：1→1、2→2、3→4、4→6、5→7，原始答案另存",
    "effort_1_7": "方向反转到 1–7 CES（7 = 最省力）：8 − 原值，原始答案另存",
    "satisfaction_1_10": "换算到 1–5 满意度：每两分一级（1–2→1 … 9–10→5，即 7–10 计为满意），原始答案另存",
    "satisfaction_0_10": "换算到 1–5 满意度：1 + round(0.4 × 原值)（7–10 计为满意），原始答案另存",
    "satisfaction_1_7": "换算到 1–5 满意度：1→1、2–3→2、4→3、5–6→4、7→5，原始答案另存",
    "stars_x10": "10–50 的值除以 10 换算为 1–5 星，0 视为未打星（评分为空，保留评价内容）",
}

_LEADING = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:$|[分星颗点]|[\s\-–—:：、.(（\[【/])")
_EMBEDDED = re.compile(r"(\d+(?:\.\d+)?)\s*分")
_STARS_FULL = "★⭐🌟"
_PAREN = re.compile(r"[（(【\[].*?[)）】\]]")


class ScoreError(ValueError):
    """One cell's score cannot be read; Chinese message for the row's reject reason."""


@dataclass
class CellScore:
    value: float | None
    from_label: str | None = None     # the label scale used, if any


def is_skipped(s: str) -> bool:
    return s.strip().lower() in SKIPPED


def read_number(value: str, decimal_comma: bool = False) -> float | None:
    """The number a score cell states, or None for an empty/skipped cell.

    Accepts digits in any width, "10.0", a leading number in option text ("10 - 极有可能推荐", "10分",
    "9分（非常满意）"), an embedded "N分" ("非常满意（5分）") and, with ``decimal_comma``, "4,5".
    Raises ScoreError for text with no number (labels are read by :func:`read_cell`).
    """
    s = fold_width(str(value)).replace("\ufeff", "").strip()
    if not s or is_skipped(s):
        return None
    m = _LEADING.match(s)
    if m:
        num = m.group(1)
        if "," in num:
            if not decimal_comma:
                raise ScoreError(f"“{s[:20]}”含逗号（如为小数逗号，请用分号分隔的文件或在映射中说明）")
            num = num.replace(",", ".")
        return float(num)
    m = _EMBEDDED.search(s)
    if m:
        return float(m.group(1))
    raise ScoreError(f"“{s[:20]}”不是数字")


def label_key(s: str) -> str:
    s = fold_width(s).strip()
    s = _PAREN.sub("", s)
    return re.sub(r"[\s。.!！]+", "", s)


def read_cell(value: str, labels: dict[str, float] | None = None, decimal_comma: bool = False) -> CellScore:
    """A score cell: a number, or a label from ``labels`` (normalised key → score). Raises ScoreError."""
    s = fold_width(str(value)).replace("\ufeff", "").strip()
    if not s or is_skipped(s):
        return CellScore(None)
    try:
        return CellScore(read_number(s, decimal_comma))
    except ScoreError:
        if labels:
            key = label_key(s)
            if key in labels:
                return CellScore(float(labels[key]), "label")
        raise


def read_stars(value: str, decimal_comma: bool = False) -> float | None:
    """Stars as collected: "4.5星", "4.5", ★★★★☆ (full stars counted), "0" or blank = no star (None).
    Values above 5 are returned as given (the column decides whether it is a ×10 scale)."""
    s = fold_width(str(value)).replace("\ufeff", "").strip()
    if not s or is_skipped(s):
        return None
    if any(c in s for c in _STARS_FULL + "☆✩"):
        n = sum(s.count(c) for c in _STARS_FULL)
        if "½" in s or "半" in s:
            n += 0.5
        return float(n) if n else None
    x = read_number(s, decimal_comma)
    return None if x is None or x == 0 else x


def detect_label_scale(cells: list[str], fld: str, direction: str | None = None) -> str | None:
    """Which label scale a column's text answers belong to (None when no cell is a known label)."""
    keys = {label_key(c) for c in cells if c and c.strip()}
    keys = {k for k in keys if k and not re.match(r"^[+-]?\d", k)}
    if not keys:
        return None
    candidates = {
        "csat": ["satisfaction5", "satisfaction7", "agreement5", "agreement7"],
        "ces": ["effort5", "ease5", "agreement5", "agreement7"],
        "nps": ["likelihood"],
        "rating": ["satisfaction5"],
    }[fld]
    if direction == "effort":
        candidates = ["effort5"] + [c for c in candidates if c != "effort5"]
    if keys & _SEVEN_ONLY:
        candidates = [c for c in candidates if c.endswith("7")] + [c for c in candidates if not c.endswith("7")]
    best, best_hits = None, 0
    for name in candidates:
        hits = len(keys & set(LABEL_SCALES[name]))
        if hits > best_hits:
            best, best_hits = name, hits
    return best


@dataclass
class ScoreColumn:
    """How one score column is read: the scale it was answered on and how it maps to the canonical one."""
    fld: str
    scale: str                                   # e.g. "satisfaction_1_10", "effort_1_5", "stars_x10"
    labels: dict[str, float] = field(default_factory=dict)
    label_scale: str | None = None
    decimal_comma: bool = False
    assumptions: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict, repr=False)     # cell → (value, raw) or ScoreError: few distinct answers

    def convert(self, x: float | None) -> float | None:
        """Raw answer → canonical value (None stays None). Raises ScoreError for values off the scale."""
        if x is None:
            return None
        if self.scale == "stars_x10":
            if x == 0:
                return None
            if 1 <= x <= 5:          # "4.5星", ★★★★☆ or 5.0: already stars (a ×10 value is at least 10)
                return x
            if x % 5 or not 10 <= x <= 50:
                raise ScoreError(f"评分“{_fmt(x)}”不在 10–50 星级制内")
            return x / 10
        if self.fld == "rating":
            if not 1 <= x <= 5:
                raise ScoreError(f"评分超出范围 1–5：“{_fmt(x)}”")
            return x
        if x != int(x):
            raise ScoreError(f"必须是整数“{_fmt(x)}”")
        table = CONVERSIONS.get((self.fld, self.scale))
        if table is not None:
            if x not in table:
                lo, hi = min(table), max(table)
                raise ScoreError(f"超出范围 {lo:g}–{hi:g}：“{_fmt(x)}”")
            return float(table[x])
        lo, hi = CANONICAL[self.fld]
        if not lo <= x <= hi:
            raise ScoreError(f"超出范围 {lo}–{hi}：“{_fmt(x)}”")
        return x


def _fmt(x: float) -> str:
    return f"{x:g}"


CES_EFFORT_WORDS = ("费力", "费劲", "effort", "困难", "难度")
CES_EASE_WORDS = ("容易", "省力", "便利", "方便", "便捷", "ease", "easy")


def ces_direction(header: str) -> str | None:
    """'effort' (higher = more effort), 'ease' (higher = easier) or None (canonical CES) from the header text."""
    h = fold_width(header).lower()
    if any(w in h for w in CES_EFFORT_WORDS):
        return "effort"
    if any(w in h for w in CES_EASE_WORDS):
        return "ease"
    return None


def infer_column(fld: str, cells: list[str], header: str = "", *, scale: str | None = None,
                 direction: str | None = None, labels: dict[str, float] | None = None,
                 decimal_comma: bool = False) -> ScoreColumn:
    """Decide how a whole score column is read. ``scale`` (from a profile or the mapping step) wins;
    otherwise the values decide (stated in ``assumptions``). Never partly keeps a column: a 10-point
    satisfaction column is converted as a whole by a stated rule."""
    col = ScoreColumn(fld, scale or "", decimal_comma=decimal_comma)
    if labels:
        col.labels = {label_key(k): float(v) for k, v in labels.items()}
    else:
        direction_hint = direction or (ces_direction(header) if fld == "ces" else None)
        ls = detect_label_scale(cells, fld, direction_hint)
        if ls:
            col.label_scale = ls
            col.labels = {label_key(k): float(v) for k, v in LABEL_SCALES[ls].items()}
    nums: list[float] = []
    used_labels = False
    for c in cells:
        try:
            r = (CellScore(read_stars(c, decimal_comma)) if fld == "rating"
                 else read_cell(c, col.labels, decimal_comma))
        except ScoreError:
            continue
        if r.value is not None:
            nums.append(r.value)
            used_labels = used_labels or r.from_label is not None
    hi = max(nums) if nums else None
    lo = min(nums) if nums else None
    name = header or fld
    if col.label_scale and used_labels:
        col.assumptions.append(f"“{name}”的文字选项按{_LABEL_NAMES[col.label_scale]}量表换分")
    if scale:
        if scale in CONVERSION_RULES:
            col.assumptions.append(f"“{name}”按 {SCALE_LABELS.get(scale, scale)} 读取，{CONVERSION_RULES[scale]}")
        return col
    if fld == "rating":
        if hi is not None and hi > 5 and all(x <= 5 or (x % 5 == 0 and x <= 50) for x in nums):
            col.scale = "stars_x10"
            col.assumptions.append(f"“{name}”中大于 5 的值都是 5 的倍数、最大为 {hi:g}：按 ×10 星级制读取，{CONVERSION_RULES['stars_x10']}")
        else:
            col.scale = "stars_1_5"
        return col
    if fld == "nps":
        col.scale = "nps_0_10"
        return col
    if fld == "csat":
        top = 7 if col.label_scale in ("satisfaction7", "agreement7") else None
        if top == 7 or (hi is not None and 5 < hi <= 7 and not (lo == 0)):
            col.scale = "satisfaction_1_7"
        elif hi is not None and 7 < hi <= 10:
            col.scale = "satisfaction_0_10" if lo == 0 else "satisfaction_1_10"
        else:
            col.scale = "satisfaction_1_5"
        if col.scale != "satisfaction_1_5":
            col.assumptions.append(f"“{name}”的最大值为 {hi:g}：按 {SCALE_LABELS[col.scale]} 读取，{CONVERSION_RULES[col.scale]}")
        return col
    # CES
    d = direction or ces_direction(header)
    if col.label_scale == "effort5":
        d = "effort"
    elif col.label_scale in ("ease5", "agreement5", "agreement7") and d is None:
        d = "ease"
    if d is None:
        col.scale = "ease_1_7"
        if hi is not None and hi <= 5:
            col.assumptions.append(f"“{name}”按 CES 1–7（7 = 非常容易，越高越省力）读取；本文件最大值只有 {hi:g}，"
                                   "如为 1–5 量表请在映射步骤指定")
        return col
    seven = (hi is not None and hi > 5) or (col.label_scale or "").endswith("7")
    col.scale = f"{d}_1_{7 if seven else 5}"
    why = f"表头含“{'费力' if d == 'effort' else '容易/省力'}”" if not col.label_scale else "选项文字"
    rng = f"最大值为 {hi:g}" if hi is not None else "无数值"
    col.assumptions.append(f"“{name}”按 {SCALE_LABELS[col.scale]} 读取（{why}，{rng}）"
                           + (f"，{CONVERSION_RULES[col.scale]}" if col.scale in CONVERSION_RULES else ""))
    return col


_LABEL_NAMES = {"satisfaction5": "五级满意度", "satisfaction7": "七级满意度", "agreement5": "五级同意度",
                "agreement7": "七级同意度", "ease5": "五级容易度", "effort5": "五级费力度", "likelihood": "推荐可能性"}


def read_value(col: ScoreColumn, cell: str) -> tuple[float | None, float | None]:
    """(canonical value, raw answer) of one cell of ``col``. Raises ScoreError."""
    hit = col.cache.get(cell)
    if hit is None:
        try:
            hit = _read_value(col, cell)
        except ScoreError as e:
            hit = e
        if len(col.cache) < 10_000:
            col.cache[cell] = hit
    if isinstance(hit, ScoreError):
        raise hit
    return hit


def _read_value(col: ScoreColumn, cell: str) -> tuple[float | None, float | None]:
    if col.fld == "rating":
        raw = read_stars(cell, col.decimal_comma)
    else:
        raw = read_cell(cell, col.labels, col.decimal_comma).value
    return col.convert(raw), raw
