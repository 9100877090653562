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
    signs = {w: 1.0 for w in lx["positive"] + lx.get("cantonese_positive", [])}
    signs |= {w: -1.0 for w in lx["negative"] + lx.get("cantonese_negative", [])}
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
def _tp_masks(tp: Touchpoint) -> re.Pattern | None:
    """The lexicon's non-sentiment masks minus the touchpoint's own cues: 好久 is no praise (好) in general,
    but a cue of the waiting touchpoints (「等了好久」)."""
    cues = set(tp.cues_pos) | set(tp.cues_neg)
    words = [w for w in lexicon().get("not_sentiment") or [] if w not in cues]
    return _alternation(words) if words else None


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


def _ends_with_negator(text: str) -> int:
    """Length of the negator that ``text`` ends with (0 when none): a negator written right before a word."""
    n = _negator_at_end().search(text)
    return len(n.group(0)) if n else 0


@functools.cache
def _negator_at_end() -> re.Pattern:
    return re.compile("(?:" + "|".join(map(re.escape, sorted(lexicon()["negators"], key=len, reverse=True))) + ")$")


@functools.cache
def _negated_phrases() -> frozenset[str]:
    """Fixed phrases that hold a negator (不咸, 没让我失望, 不好吃) and are not ordinary lexicon words (不错)."""
    lx = lexicon()
    plain = set(lx["positive"]) | set(lx["negative"])
    return frozenset(w for w in lx["fixed_positive"] + lx["fixed_negative"]
                     if w not in plain and any(n in w for n in lx["negators"]))


@functools.cache
def _cantonese() -> frozenset[str]:
    lx = lexicon()
    return frozenset(lx.get("cantonese_positive", []) + lx.get("cantonese_negative", []))


@functools.cache
def _masks() -> re.Pattern | None:
    words = lexicon().get("not_sentiment") or []
    return _alternation(words) if words else None


@functools.cache
def _reach() -> tuple[re.Pattern, re.Pattern]:
    """Comparative negation (没有…那么 + word, 没以前 + word) and negators that also reverse fixed phrases
    (不能说不好吃). With an experience verb in between (过, 吃到, 遇到 …) it is no comparison but an intensifier
    (「没吃过这么难吃的」, 「好久没吃到这么难吃的」: the worst in a long time), left unflipped; 没想到 is surprise."""
    lx = lexicon()
    comp = "|".join(map(re.escape, lx.get("comparative_negators") or ["没有"]))
    mark = "|".join(map(re.escape, lx.get("comparative_markers") or ["那么"]))
    meta = "|".join(map(re.escape, lx.get("meta_negators") or ["不能说"]))
    return (re.compile(f"(?:{comp})(?!有?想到)([^，。！？,.!?]{{0,10}})(?:{mark})(?:很|太|特别|非常)?$"),
            re.compile(f"(?:{meta}).?$"))


@functools.cache
def _emphatic() -> re.Pattern:
    """Experience verbs that make 没…这么 emphatic (过, 吃到, 遇到 …), searched in what lies between the negator and
    the comparison marker."""
    return _alternation(lexicon().get("emphatic_verbs") or ["过"])


@functools.cache
def _symbols() -> tuple[re.Pattern | None, dict[str, float]]:
    """Emoji, Weibo/WeChat emoticons ([强]) and ASCII emoticons with their scores."""
    lx = lexicon()
    table = {**(lx.get("emoji") or {}), **(lx.get("emoticons") or {}), **(lx.get("ascii_emoticons") or {})}
    table = {str(k): float(v) for k, v in table.items()}
    return (_alternation(table) if table else None), table


@functools.cache
def _english() -> tuple[re.Pattern | None, dict[str, float], re.Pattern, re.Pattern, dict[str, float]]:
    en = lexicon().get("english") or {}
    signs = {w: 1.0 for w in en.get("positive", [])} | {w: -1.0 for w in en.get("negative", [])}
    if not signs:
        return None, {}, re.compile("$^"), re.compile("$^"), {}
    words = sorted(signs, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z'])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z])")
    neg = re.compile(r"(?:(?<![a-z])(?:" + "|".join(map(re.escape, en.get("negators", []))) + r")|n't)"
                     r"(?:\s+[a-z']+){0,2}\s*$")
    deg = en.get("degree") or {}
    degree = re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, sorted(deg, key=len, reverse=True))) + r")\s*$")
    return pattern, signs, neg, degree, {k: float(v) for k, v in deg.items()}


@functools.cache
def _english_degree_only() -> tuple[re.Pattern | None, re.Pattern]:
    """English words that complain only after a degree word, English or Chinese (too high, so small, 太high):
    plain 「high quality」 or 「small bowl」 is no complaint."""
    en = lexicon().get("english") or {}
    words = en.get("negative_after_degree") or []
    if not words:
        return None, re.compile("$^")
    deg = "|".join(map(re.escape, sorted(en.get("degree") or {}, key=len, reverse=True)))
    zh = "|".join(map(re.escape, sorted(lexicon()["degree"], key=len, reverse=True)))
    return (re.compile(r"(?<![a-z'])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z])"),
            re.compile(r"(?:(?<![a-z])(?:" + deg + ")|" + zh + r")\s*$"))


# Cheap pre-checks: most clauses hold no emoji/emoticon, no Latin letter and no negator at all.
_SYMBOL_HINT = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\\[:^_]")
_LATIN = re.compile("[A-Za-z]")
_NEGATION_HINT = re.compile("[不没唔冇别毫未无比赶谈算称]")
_FOREIGN_HINT = re.compile(f"{_SYMBOL_HINT.pattern}|{_LATIN.pattern}")   # foreign() is 0 without either


@functools.lru_cache(maxsize=65_536)
def foreign(clause: str) -> float:
    """Score of the emoji, emoticons and English words in a clause (0 when there are none)."""
    return _symbol_score(clause) + _english_score(clause)


def _symbol_score(clause: str) -> float:
    pattern, table = _symbols()
    if pattern is None or not _SYMBOL_HINT.search(clause):
        return 0.0
    return sum(table[m.group(0)] for m in pattern.finditer(clause))


def _english_score(clause: str) -> float:
    """English words and phrases with negation (not/never/n't within two words) and degree words."""
    if not _LATIN.search(clause):
        return 0.0
    low = clause.lower()
    pattern, signs, neg, degree, weights = _english()
    if pattern is None:
        return 0.0
    total = 0.0
    for m in pattern.finditer(low):
        v = signs[m.group(0)]
        before = low[max(0, m.start() - 24):m.start()]
        if neg.search(before):
            v = -v * 0.8
        d = degree.search(before)
        if d:
            v *= weights[d.group(0).strip()]
        total += v
    after_degree, before_degree = _english_degree_only()
    if after_degree is not None:
        for m in after_degree.finditer(low):
            before = low[max(0, m.start() - 12):m.start()]
            if before_degree.search(before) and not neg.search(before):
                total -= 1.0
    return total


@functools.lru_cache(maxsize=262_144)
def parts(clause: str, tp: Touchpoint | None = None) -> tuple[float, float, float, tuple[tuple[int, int, int], ...]]:
    """(total, of which from negated words, of which from emoji/emoticons, English and Cantonese forms, the
    negations).
    Scores signed like ``score``; a negation is (start, end, sign after negation) in ``clause``, from the
    negator to the end of the word it negates (「一点都不慢」), or a fixed phrase that holds a negator (不咸)."""
    if tp is None:
        return _parts(clause, *_general())
    return _parts(clause, *_for_touchpoint(tp), _tp_masks(tp))


_GENERAL_MASKS = object()     # _parts' default: the lexicon's own masks


def _parts(clause: str, pattern: re.Pattern, signs: dict[str, float], masks=_GENERAL_MASKS):
    other = foreign(clause) if _FOREIGN_HINT.search(clause) else 0.0
    if pattern.search(clause) is None:
        return other, 0.0, other, ()            # no sentiment word at all (masking can only remove words)
    negator, lookalikes, degree, weights = _modifiers()
    comparative, meta = _reach()
    if masks is _GENERAL_MASKS:
        masks = _masks()
    special = 0.0
    negations = _NEGATION_HINT.search(clause) is not None
    if masks is not None:
        clause = masks.sub(lambda m: "□" * len(m.group(0)), clause)
    found = list(pattern.finditer(clause))
    total = 0.0
    spans = []
    for i, m in enumerate(found):
        v = signs[m.group(0)]
        if (v > 0 and len(m.group(0)) == 1 and i + 1 < len(found) and found[i + 1].start() == m.end()
                and signs[found[i + 1].group(0)] < 0):
            if m.group(0) == "好":    # 好贵, 好慢: degree, not praise — masked so the character model reads no 好
                spans.append((m.start(), found[i + 1].end(), -1))
            continue
        before = clause[max(0, m.start() - 4):m.start()]
        # a negation written as one fixed phrase (不咸, 没有让我失望) is a negation too, unless the phrase is an
        # ordinary word of the lexicon (不错)
        flipped, start = abs(v) == 2.0 and m.group(0) in _negated_phrases(), m.start()
        if not before or not negations:
            pass
        elif v == -2.0 and m.group(0)[0] in "不没" and (k := _ends_with_negator(before)):
            v, flipped, start = 1.6, True, m.start() - k      # double negation: 没有不耐烦, 并没有不新鲜
        elif (n := meta.search(w := clause[max(0, m.start() - 6):m.start()])):
            v, flipped, start = -v * 0.8, True, m.start() - len(w) + n.start()   # 不能说不好吃: reverses a fixed phrase
        elif abs(v) != 2.0 and (n := negator.search(w := lookalikes.sub("", before) if lookalikes else before)):
            v, flipped, start = -v * 0.8, True, m.start() - len(w) + n.start()
        elif ((n := comparative.search(w := clause[max(0, m.start() - 16):m.start()]))
              and not _emphatic().search(n.group(1))):
            v, flipped, start = -v * 0.8, True, m.start() - len(w) + n.start()   # 没有想象中那么好
        d = degree.search(before)
        if d:
            v *= weights[d.group(0)]
        if m.group(0) in _cantonese():
            other += v                           # the character model learned Mandarin: read like emoji
        else:
            total += v
        if flipped:
            special += v
            spans.append((max(0, start), m.end(), 1 if v > 0 else -1))
        elif v < 0 and "好" in m.group(0):   # 好小, 价格好高: 好 is degree here, masked like 好贵
            spans.append((m.start(), m.end(), -1))
    return total + other, special, other, tuple(spans)


def score(clause: str, tp: Touchpoint | None = None) -> float:
    """Signed strength: > 0 positive, < 0 negative, 0 when the lexicon finds nothing.

    Compounds that only contain a sentiment word (海鲜, 凉菜) are masked first; a one-character positive word
    right before a negative one is an adverb (好慢 = so slow), counted as degree, not as praise. Negation:
    a negator just before a word (不好吃的 → 不), a comparison negated over a longer reach (没有想象中那么好),
    a negator of a whole statement (不能说不好吃). Emoji, emoticons and English words count too."""
    if tp is None:
        return parts(clause, None)[0]
    key = id(tp)
    if key not in _TP_LEXICON:
        if len(_TP_LEXICON) > 4096:        # taxonomies re-loaded many times in one process: start afresh
            clear_caches()
        _TP_LEXICON[key] = (*_for_touchpoint(tp), _tp_masks(tp), tp)
    return _tp_score(clause, key)


# Touchpoint lexicons by id(tp), each holding its touchpoint (so the id is never reused): the per-candidate
# calls of score() then key their cache on an int instead of hashing the Touchpoint's fields every time.
_TP_LEXICON: dict[int, tuple[re.Pattern, dict[str, float], re.Pattern | None, Touchpoint]] = {}


@functools.lru_cache(maxsize=262_144)
def _tp_score(clause: str, key: int) -> float:
    pattern, signs, masks, _ = _TP_LEXICON[key]
    return _parts(clause, pattern, signs, masks)[0]


def clear_caches() -> None:
    """Forget the per-clause caches (benchmarks start each round cold)."""
    for f in (parts, foreign, _tp_score):
        f.cache_clear()
    _TP_LEXICON.clear()


def sign(x: float, dead: float = 0.0) -> int:
    return 1 if x > dead else -1 if x < -dead else 0
