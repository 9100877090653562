"""Text folding for analysis, and the near-duplicate key used to group texts before any train/test split.

Public review corpora repeat the same review with only punctuation, spacing or repeated characters changed
(「太！慢！了！」 / 「太慢了。。。」). A split that puts such twins on both sides measures memory, not
generalisation; ``group_key`` maps them to one key so a grouped split keeps them together.
"""
from __future__ import annotations

import functools
import re
import unicodedata

import opencc

# Everything that is not a letter, digit or CJK character (punctuation, spaces, symbols, emoji) is dropped
# from the key; emoji stay in the analysed text itself (they carry sentiment, see cx.text.emoji).
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_REPEAT = re.compile(r"(.)\1+")


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Width folded (NFKC: full-width letters/digits → ASCII), Traditional → Simplified, lower case.
    Punctuation is kept (clauses are split on it)."""
    return _t2s().convert(unicodedata.normalize("NFKC", text)).lower()


def group_key(text: str | None) -> str:
    """Key shared by near-duplicate texts: folded, without punctuation/spaces/symbols, runs of one
    character collapsed to one (「好好好吃」 → 「好吃」). Texts of only symbols key on themselves."""
    if text is None:
        return ""
    t = str(text)
    key = _REPEAT.sub(r"\1", _NOT_WORD.sub("", fold(t)))
    return key or _REPEAT.sub(r"\1", t.strip())


def fold_for_analysis(text: str) -> str:
    """What the analysis reads: Traditional → Simplified (Cantonese 難食 → 难食). Punctuation, width and case
    are left alone (clauses split on Chinese punctuation; English words are matched case-insensitively)."""
    return _t2s().convert(text) if text else text
