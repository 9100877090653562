"""Natural-looking Chinese feedback text for the demo chain, composed from the phrase banks in data/demo/.

Templates are expanded once into pools of concrete clauses (slots filled at random), then texts are
assembled from pools with openers, connectors and closers — cheap enough for millions of rows, varied
enough that two reviews rarely read alike.
"""
from __future__ import annotations

import functools
import random
import re
from pathlib import Path

import opencc
import yaml

from cx import settings

PHRASES_FILE = settings.config_file("demo") / "phrases.yaml"
_SLOT = re.compile(r"\{(\w+)\}")
FILLS_PER_TEMPLATE = 24


@functools.cache
def load_phrases(path: Path = PHRASES_FILE) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


class Composer:
    """Builds texts for each source from touchpoint ids and polarities (+1 / −1)."""

    def __init__(self, rnd: random.Random, brand: str, phrases: dict | None = None):
        self.r = rnd
        self.brand = brand
        self.p = phrases or load_phrases()
        self.slots = {k: [str(v) for v in vs] for k, vs in self.p["slots"].items()}
        self.pools: dict[tuple[str, int], list[str]] = {}
        for tp, banks in self.p["touchpoints"].items():
            self.pools[(tp, 1)] = self._expand(banks["pos"])
            self.pools[(tp, -1)] = self._expand(banks["neg"])
        self.openers = self._expand(self.p["openers"], 6)
        self.openers_delivery = self._expand(self.p["openers_delivery"], 6)

    def fill(self, template: str) -> str:
        return _SLOT.sub(lambda m: self.r.choice(self.slots.get(m.group(1), [m.group(0)])), template)

    def _expand(self, templates: list[str], per: int = FILLS_PER_TEMPLATE) -> list[str]:
        out: list[str] = []
        for t in templates:
            seen = {self.fill(t) for _ in range(per if _SLOT.search(t) else 1)}
            out.extend(sorted(seen))
        return out

    def clause(self, tp: str, pol: int) -> str:
        return self.r.choice(self.pools[(tp, 1 if pol >= 0 else -1)])

    def _join(self, tps: list[str], pols: list[int]) -> str:
        r = self.r
        parts = [self.clause(tps[0], pols[0])]
        for i in range(1, len(tps)):
            if pols[i] != pols[i - 1]:
                sep = "，" + r.choice(self.p["connectors_contrast"])
            else:
                sep = r.choice(self.p["connectors_add"])
            parts.append(sep + self.clause(tps[i], pols[i]))
        return "".join(parts)

    def _closer(self, pols: list[int]) -> str:
        m = sum(pols) / len(pols)
        bank = "closers_pos" if m > 0.34 else "closers_neg" if m < -0.34 else "closers_mix"
        return self.r.choice(self.p[bank])

    def survey(self, tps: list[str], pols: list[int]) -> str:
        text = self._join(tps, pols)
        if self.r.random() < 0.3:
            text += "，" + self._closer(pols)
        return text + self.r.choice(["", "", "。", "！"])

    def review(self, tps: list[str], pols: list[int], delivery: bool = False) -> str:
        end = "。" if self.r.random() < 0.7 else "！"
        opener = self.r.choice(self.openers_delivery if delivery else self.openers)
        return opener + self._join(tps, pols) + "。" + self._closer(pols) + end

    def service(self, tps: list[str], pols: list[int]) -> str:
        r, s = self.r, self.p["service"]
        if min(pols) > 0:
            return r.choice(s["praise_open"]) + self._join(tps, pols) + "。"
        return (r.choice(s["call_open"]) + self._join(tps, pols) + "，" + r.choice(s["demand"])
                + "。处理结果：" + r.choice(s["result"]) + "。")

    def opinion(self, tps: list[str], pols: list[int], city: str | None, threat: bool) -> str:
        r, o = self.r, self.p["opinion"]
        tag = r.choice(o["tags"]).replace("{brand}", self.brand).replace("{city}", city or "")
        body = r.choice(self.openers) + self._join(tps, pols)
        if threat:
            body += "，" + r.choice(o["threats"]) + "！"
        elif min(pols) > 0 and r.random() < 0.5:
            body += "，" + r.choice(o["praise"]) + "！"
        else:
            body += "。"
        return f"{tag} {body}" if r.random() < 0.6 else f"{body} {tag}"

    # --- noise -------------------------------------------------------------------------------------------
    def add_emoji(self, text: str, positive: bool) -> str:
        bank = self.p["emoji_pos"] if positive else self.p["emoji_neg"]
        return text + "".join(self.r.choice(bank) for _ in range(self.r.randint(1, 3)))

    def add_typo(self, text: str) -> str:
        options = [(a, b) for a, b in self.p["typos"].items() if a in text]
        if not options:
            return text
        a, b = self.r.choice(options)
        return text.replace(a, b, 1)

    def spam(self) -> str:
        digits = "".join(self.r.choice("0123456789") for _ in range(9))
        return self.r.choice(self.p["spam"]).replace("{digits}", "wx" + digits)

    @staticmethod
    def traditional(text: str) -> str:
        return _s2t().convert(text)
