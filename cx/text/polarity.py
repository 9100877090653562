"""Clause polarity from a lexicon with negation and degree words (data/sentiment_lexicon.yaml).

Used for touchpoint polarity, where the general model would blur two touchpoints of one review; the
model only decides clauses in which the lexicon finds nothing.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from cx.db import ROOT
from cx.text.taxonomy import Touchpoint

LEXICON_FILE = ROOT / "data" / "sentiment_lexicon.yaml"


@functools.cache
def lexicon(path: Path = LEXICON_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _alternation(words) -> re.Pattern:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


@functools.cache
def _general() -> tuple[re.Pattern, dict[str, float]]:
    lx = lexicon()
    signs = {w: 1.0 for w in lx["positive"]} | {w: -1.0 for w in lx["negative"]}
    signs |= {w: 2.0 for w in lx["fixed_positive"]} | {w: -2.0 for w in lx["fixed_negative"]}
    return _alternation(signs), signs


@functools.cache
def _for_touchpoint(tp: Touchpoint) -> tuple[re.Pattern, dict[str, float]]:
    _, signs = _general()
    signs = dict(signs) | {w: 1.5 for w in tp.cues_pos} | {w: -1.5 for w in tp.cues_neg}
    for w, v in _general()[1].items():   # fixed phrases outrank cues (不贵 beats 贵)
        if abs(v) == 2.0:
            signs[w] = v
    return _alternation(signs), signs


@functools.cache
def _modifiers() -> tuple[re.Pattern, re.Pattern | None, re.Pattern, dict[str, float]]:
    """Negator at the end of the 4 characters before a word (one character may sit between), words that only
    look like one (特别), and degree."""
    lx = lexicon()
    neg = "|".join(map(re.escape, sorted(lx["negators"], key=len, reverse=True)))
    deg = lx["degree"]
    lookalikes = _alternation(lx.get("not_negators", [])) if lx.get("not_negators") else None
    return (re.compile(f"(?:{neg}).?$"), lookalikes,
            re.compile("(?:" + "|".join(map(re.escape, sorted(deg, key=len, reverse=True))) + ")$"), deg)


@functools.cache
def _masks() -> re.Pattern | None:
    words = lexicon().get("not_sentiment") or []
    return _alternation(words) if words else None


@functools.lru_cache(maxsize=65_536)
def score(clause: str, tp: Touchpoint | None = None) -> float:
    """Signed strength: > 0 positive, < 0 negative, 0 when the lexicon finds nothing.

    Compounds that only contain a sentiment word (海鲜, 凉菜) are masked first; a one-character positive word
    right before a negative one is an adverb (好慢 = so slow), counted as degree, not as praise."""
    pattern, signs = _for_touchpoint(tp) if tp is not None else _general()
    negator, lookalikes, degree, weights = _modifiers()
    masks = _masks()
    if masks is not None:
        clause = masks.sub(lambda m: "□" * len(m.group(0)), clause)
    found = list(pattern.finditer(clause))
    total = 0.0
    for i, m in enumerate(found):
        v = signs[m.group(0)]
        if (v > 0 and len(m.group(0)) == 1 and i + 1 < len(found) and found[i + 1].start() == m.end()
                and signs[found[i + 1].group(0)] < 0):
            continue
        before = clause[max(0, m.start() - 4):m.start()]
        if not before:
            total += v
            continue
        if abs(v) != 2.0 and negator.search(lookalikes.sub("", before) if lookalikes else before):
            v = -v * 0.8
        d = degree.search(before)
        if d:
            v *= weights[d.group(0)]
        total += v
    return total


def sign(x: float, dead: float = 0.0) -> int:
    return 1 if x > dead else -1 if x < -dead else 0
