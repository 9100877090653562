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


class _KeywordMemo(dict):
    """token → ``keywords([token]) == [token]``, computed on first look-up, for one stopword list."""

    def __init__(self, stop: frozenset[str]):
        super().__init__()
        self.stop = stop

    def __missing__(self, token: str) -> bool:
        if len(self) > 500_000:            # a long-running process: keep the memo bounded
            self.clear()
        k = self[token] = _is_keyword(token, self.stop)
        return k


def _is_keyword(token: str, stop: frozenset[str]) -> bool:
    """A content word: ≥ 2 characters, not a stopword, not a number or punctuation."""
    return len(token) >= 2 and token.lower() not in stop and WORDLIKE.search(token) is not None


_memo: list[_KeywordMemo] = []


def keyword_memo() -> _KeywordMemo:
    """The per-process memo of which tokens are content words (see ``keywords``); a new one when the
    stopword list was reloaded."""
    stop = stopwords()
    if not _memo or _memo[0].stop is not stop:
        _memo[:] = [_KeywordMemo(stop)]
    return _memo[0]


def clear_caches() -> None:
    """Forget the per-process keyword memo (benchmarks start each round cold)."""
    keyword_memo().clear()


def keywords(tokens: list[str]) -> list[str]:
    """Content words for word clouds and keyword tables: ≥ 2 characters, not stopwords, not numbers."""
    stop = stopwords()
    return [t for t in tokens if _is_keyword(t, stop)]
