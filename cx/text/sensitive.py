"""Sensitive-word detection by class (food safety, public threats, abuse, safety, spam) with severity."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from cx import settings

SENSITIVE_FILE = settings.config_file("sensitive_words.yaml")
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class Hit:
    cls: str
    label: str
    severity: str
    word: str
    start: int


@functools.cache
def _compiled(path: Path = SENSITIVE_FILE) -> tuple[re.Pattern, dict[str, tuple[str, str, str]]]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    owner: dict[str, tuple[str, str, str]] = {}
    for cls, spec in doc["classes"].items():
        if spec.get("severity") not in SEVERITY_RANK:
            raise ValueError(f"敏感词类别“{cls}”的 severity 必须是 low/medium/high")
        for w in spec["words"]:
            owner.setdefault(str(w), (cls, spec["label"], spec["severity"]))
    words = sorted(owner, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)), re.IGNORECASE), owner


def find(text: str | None) -> list[Hit]:
    if not text:
        return []
    pattern, owner = _compiled()
    hits = []
    for m in pattern.finditer(text):
        key = m.group(0)
        cls, label, sev = owner.get(key) or owner[next(w for w in owner if w.lower() == key.lower())]
        hits.append(Hit(cls, label, sev, key, m.start()))
    return hits


def classes() -> dict[str, dict]:
    return yaml.safe_load(SENSITIVE_FILE.read_text(encoding="utf-8"))["classes"]


_NEGATED = re.compile(r"(?:没有|没|不|未|无|别)[^，。！？,.!?]{0,2}$")


def severe(text: str | None) -> bool:
    """True when ``text`` has a high-severity hit (food safety, threat to go public, injury) that is not
    negated just before it (「没有拉肚子」「不会曝光」 do not count)."""
    return any(h.severity == "high" and not _NEGATED.search(text[max(0, h.start - 4):h.start])
               for h in find(text))
