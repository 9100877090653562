"""Text cleaning applied to every imported text before it is stored.

Order matters: markup goes first (so tags cannot hide digits), then width folding (so full-width digits
are masked too), then Traditional→Simplified, then masking of personal numbers.
"""
from __future__ import annotations

import functools
import html
import re

import opencc

_SCRIPT = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"<\s*/?\s*(br|p|div|li|tr|h[1-6])\b[^>]{0,500}>", re.IGNORECASE)
_TAG = re.compile(r"<\s*/?\s*[A-Za-z!][^>]{0,500}>")
# C0/C1 control characters, zero-width and bidi overrides; keep \n and \t (folded to spaces below).
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# A zero-width joiner is kept only inside an emoji sequence (👨‍👩‍👧); anywhere else it is invisible noise.
_ZWJ = re.compile("(?<![\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\U0001F3FB-\U0001F3FF])\u200d|\u200d(?![\U0001F000-\U0001FAFF\u2600-\u27BF])")
_SPACES = re.compile(r"[ \t\r\n\u3000\u00a0]+")
# Mainland ID card: 17 digits + digit/X; not part of a longer digit run.
_ID_CARD = re.compile(r"(?<![0-9])([1-9][0-9]{5})(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
# Mainland mobile: 11 digits starting 1[3-9], optionally +86 / spaced or dashed as 3-4-4.
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?(1[3-9][0-9])[- ]?([0-9]{4})[- ]?([0-9]{4})(?![0-9])")

# Full-width ASCII letters and digits → half-width. Chinese punctuation (，！？：；) is kept on purpose:
# the clause splitter and readers of verbatims both rely on it.
_WIDTH = {c: c - 0xFEE0 for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_WIDTH.update({0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0D: ord("-"), 0xFF0E: ord("."), 0xFF20: ord("@")})


@functools.cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def strip_markup(text: str) -> str:
    """Drop HTML tags (and script/style bodies) and decode entities, so markup is never stored."""
    text = _SCRIPT.sub("", text)
    text = _BLOCK_TAG.sub(" ", text)
    return html.unescape(_TAG.sub("", text))


def fold_width(text: str) -> str:
    return text if text.isascii() else text.translate(_WIDTH)


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def mask_personal(text: str) -> str:
    """Mask ID-card and mobile numbers, keeping enough for a human to tell records apart."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + "****", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


_LINE_BREAKS = re.compile(r"[ \t\r\n\u3000\u00a0]*\n[ \t\r\n\u3000\u00a0]*")


def clean_text(text: str | None, keep_lines: bool = False) -> str | None:
    """Normalise one imported text; returns None for empty/whitespace-only input. Runs of white space become
    one space — or, with ``keep_lines`` (service transcripts: one line per turn), one line break where the run
    holds one, so ``cx.text.turns`` can still tell the turns apart; ``.replace("\n", " ")`` of that result is
    the one-line form."""
    if text is None:
        return None
    t = strip_markup(str(text))
    t = _CONTROL.sub("", t)
    t = _ZWJ.sub("", t)
    t = fold_width(t)
    t = to_simplified(t)
    t = mask_personal(t)
    if keep_lines and "\n" in t:
        t = _LINE_BREAKS.sub("\n", t.replace("\r\n", "\n").replace("\r", "\n"))
        t = "\n".join(_SPACES.sub(" ", ln) for ln in t.split("\n")).strip()
    else:
        t = _SPACES.sub(" ", t).strip()
    return t or None
