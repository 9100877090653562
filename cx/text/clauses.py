"""Split a review into clauses so each touchpoint gets the polarity of its own clause.

"菜很好吃但是上菜太慢" → ["菜很好吃", "上菜太慢"]: punctuation and contrast connectors both split.
"""
from __future__ import annotations

import functools
import re

CONTRAST = ("但是", "不过", "可是", "然而", "只是", "但", "却")
_PUNCT = r"[，,。．.！!？?；;：:\n\r、~～…]+|\s{2,}"
# Contrast words start a new clause (kept with the clause they introduce). 但 alone only when not 但愿.
_SPLIT = re.compile(rf"({_PUNCT})|(?=但是|不过|可是|然而|只是)|(?=但(?!愿))")


@functools.lru_cache(maxsize=16_384)
def split(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) spans of the non-empty clauses of ``text``. Cached: one batch asks three times per text
    (sentiment lexicon, touchpoint candidates, keywords)."""
    spans, start = [], 0
    for m in _SPLIT.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = max(start, m.end()) if m.group(1) else m.start()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple((a, b) for a, b in spans if text[a:b].strip())


def clauses(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in split(text)]
