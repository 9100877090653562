"""Sensitive-word detection by class (food safety, public threats, abuse, safety, spam) with severity.

``data/sensitive_words.yaml`` lists per class plain ``words`` and optional ``regex`` entries (regular
expressions for phrasings a word list cannot hold: 「吃完…去了医院」, "got sick", "hair in my soup").
Matching is case-insensitive. A word or regex that begins or ends with a Latin letter matches whole words only
("ER" is not in "server", "sue" not in "issue"); Chinese words match anywhere, as Chinese has no spaces.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cx import settings

SENSITIVE_FILE = settings.config_file("sensitive_words.yaml")
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Hit:
    cls: str
    label: str
    severity: str
    word: str
    start: int


_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD_START = re.compile(r"[A-Za-z]+")          # runs of letters: each starts a word


def _is_latin(entry: str) -> bool:
    """An English entry: Latin letters and no Chinese (matched as whole words, at word starts)."""
    return _LATIN.search(entry) is not None and _CJK.search(entry) is None


@dataclass(frozen=True)
class _Patterns:
    chinese: re.Pattern | None                  # all other words, one alternation, anywhere in the text
    latin: re.Pattern | None                    # English words and regexes, tried at word starts only
    other: tuple[tuple[re.Pattern, tuple[str, str, str]], ...]   # regexes with Chinese (each scanned on its own)
    owner: dict[str, tuple[str, str, str]]      # lower-cased word → (class, label, severity)
    groups: dict[str, tuple[str, str, str]]     # regex group name → (class, label, severity)


@functools.cache
def _compiled(path: Path = SENSITIVE_FILE) -> _Patterns:
    """The patterns of the word file. Raises ValueError (Chinese message) on a bad severity or a regex that
    does not compile."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    owner: dict[str, tuple[str, str, str]] = {}
    groups: dict[str, tuple[str, str, str]] = {}
    latin_rx, other = [], []
    for cls, spec in doc["classes"].items():
        if spec.get("severity") not in SEVERITY_RANK:
            raise ValueError(f"敏感词类别“{cls}”的 severity 必须是 low/medium/high")
        info = (cls, spec["label"], spec["severity"])
        for w in spec.get("words") or []:
            owner.setdefault(str(w).lower(), info)
        for expr in spec.get("regex") or []:
            expr = str(expr)
            try:
                re.compile(expr)
            except re.error as e:
                raise ValueError(f"敏感词类别“{cls}”的正则表达式“{expr}”无效：{e}") from None
            if _is_latin(expr):
                name = f"r{len(groups)}"
                groups[name] = info
                latin_rx.append(f"(?P<{name}>{expr})")
            else:
                other.append((re.compile(expr, re.IGNORECASE), info))
    by_len = sorted(owner, key=len, reverse=True)
    chinese = [re.escape(w) for w in by_len if not _is_latin(w)]
    # regexes first: at one word start the longer phrase ("ended up in the er") wins over a word in it
    latin = latin_rx + [re.escape(w) for w in by_len if _is_latin(w)]
    return _Patterns(re.compile("|".join(chinese), re.IGNORECASE) if chinese else None,
                     re.compile("(?:" + "|".join(latin) + ")(?![A-Za-z])", re.IGNORECASE) if latin else None,
                     tuple(other), owner, groups)


def find(text: str | None) -> list[Hit]:
    """Sensitive hits in reading order: class, its label and severity, the matched text and its offset."""
    if not text:
        return []
    return list(_find(text))


@functools.lru_cache(maxsize=8192)
def _find(text: str) -> tuple[Hit, ...]:
    """``find`` of one text, remembered: the batch pipeline looks each text up twice (the sentiment cap via
    ``severe``, then the stored hits)."""
    pats = _compiled()
    hits, end = [], 0
    if pats.chinese is not None:
        for m in pats.chinese.finditer(text):
            cls, label, sev = pats.owner[m.group(0).lower()]
            hits.append(Hit(cls, label, sev, m.group(0), m.start()))
    for rx, (cls, label, sev) in pats.other:
        hits += [Hit(cls, label, sev, m.group(0), m.start()) for m in rx.finditer(text)]
    if pats.latin is not None and _LATIN.search(text):
        # English is matched at word starts only (a few calls per text; an alternation scanned at every
        # position of every text would cost more than all the Chinese words together)
        for w in _WORD_START.finditer(text):
            if w.start() < end:
                continue
            m = pats.latin.match(text, w.start())
            if m:
                cls, label, sev = pats.groups[m.lastgroup] if m.lastgroup else pats.owner[m.group(0).lower()]
                hits.append(Hit(cls, label, sev, m.group(0), m.start()))
                end = m.end()
    if len(hits) > 1 and (pats.other or end):
        hits.sort(key=lambda h: h.start)
    return tuple(hits)


def classes() -> dict[str, dict]:
    return yaml.safe_load(SENSITIVE_FILE.read_text(encoding="utf-8"))["classes"]


# (not time or surprise words: 吃完不久就腹泻, 没想到打了点滴, 没多久就吐了)
_NEGATED = re.compile(r"(?:没有|没|不|未|无|别)(?!久|想到|一会|多久|几)[^，。！？,.!?]{0,2}$")
# English: a negator up to three words before the hit ("no food poisoning", "nobody got sick",
# "didn't end up in the hospital"), within the same clause.
_NEGATED_EN = re.compile(r"(?:\b(?:no|never|without|nobody|none)|\bno one)(?:[\s\-]+[a-z']+){0,3}[\s\-]+$"
                         # not / n't: at most one word between, and not a verb of expectation or time
                         # ("didn't expect to get food poisoning", "can't believe", "couldn't stop", "wasn't long")
                         r"|(?:\bnot|n't)(?:[\s\-]+(?!expect|believ|think|thought|imagin|stop|wait|long)[a-z']+)?[\s\-]+$",
                         re.IGNORECASE)


def severe(text: str | None) -> bool:
    """True when ``text`` has a high-severity hit (food safety, threat to go public, injury) that is not
    negated just before it (「没有拉肚子」「不会曝光」"no food poisoning" do not count)."""
    return bool(text) and any(h.severity == "high" and not negated(text, h) for h in _find(text))


def negated(text: str, h: Hit) -> bool:
    """True when hit ``h`` of ``text`` is negated just before it (「没有拉肚子」, "no food poisoning")."""
    if _LATIN.search(h.word) and not _CJK.search(h.word):
        return _NEGATED_EN.search(text[max(0, h.start - 30):h.start]) is not None
    return _NEGATED.search(text[max(0, h.start - 4):h.start]) is not None
