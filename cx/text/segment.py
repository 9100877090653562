"""Word segmentation: one jieba tokenizer per process, with the domain dictionary, cache in .cache/.

Uses jieba_fast (same tokens, C inner loop) when it is installed, plain jieba otherwise.
"""
from __future__ import annotations

import functools
import logging
import re

from cx.db import ROOT

try:  # pragma: no cover - depends on what the machine could build
    import jieba_fast as jieba
    BACKEND = "jieba_fast"
except ImportError:  # pragma: no cover
    import jieba
    BACKEND = "jieba"

USER_DICT = ROOT / "data" / "jieba_user_dict.txt"
STOPWORDS = ROOT / "data" / "stopwords.txt"
CACHE_DIR = ROOT / ".cache"
WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@functools.cache
def tokenizer():
    jieba.setLogLevel(logging.WARNING)
    CACHE_DIR.mkdir(exist_ok=True)
    tok = jieba.Tokenizer()
    tok.tmp_dir = str(CACHE_DIR)
    tok.cache_file = f"{BACKEND}.cache"
    tok.initialize()
    tok.load_userdict(str(USER_DICT))
    return tok


@functools.cache
def stopwords() -> frozenset[str]:
    return frozenset(w.strip() for w in STOPWORDS.read_text(encoding="utf-8").splitlines() if w.strip())


def cut(text: str) -> list[str]:
    return tokenizer().lcut(text, HMM=True)


def words(text: str) -> list[tuple[str, int]]:
    """(token, start offset) of the tokens of ``cut(text)`` that are at least 2 characters long (only those
    can be keywords)."""
    out, pos = [], 0
    for t in tokenizer().cut(text, HMM=True):
        if len(t) >= 2:
            out.append((t, pos))
        pos += len(t)
    return out


@functools.cache
def _keyword_memo() -> dict[str, bool]:
    return {}


def is_keyword(token: str) -> bool:
    """``keywords`` for one token (memoised per process): ≥ 2 characters, not a stopword (case-insensitive),
    has a letter or CJK character."""
    memo = _keyword_memo()
    k = memo.get(token)
    if k is None:
        k = memo[token] = len(token) >= 2 and token.lower() not in stopwords() and WORDLIKE.search(token) is not None
    return k


def clear_caches() -> None:
    """Forget the per-process keyword memo (benchmarks start each round cold)."""
    _keyword_memo().clear()


def keywords(tokens: list[str]) -> list[str]:
    """Content words for word clouds and keyword tables: ≥ 2 characters, not stopwords, not numbers."""
    stop = stopwords()
    return [t for t in tokens if len(t) >= 2 and t.lower() not in stop and WORDLIKE.search(t)]
