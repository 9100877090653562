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


# A number with a measure word (一次, 两个, 半个, 第三次, 30分钟, 几份): a quantity, not a topic.
NUMERAL_MEASURE = re.compile(r"^第?[0-9０-９一二两三四五六七八九十百千万几半多每]+[个次份位种条块遍回顿碗杯盘张只天分钟小时号元斤桌]+$")
# Characters of grammar (pronouns, particles, aspect/degree/linking words; Cantonese 系/咗/啲/嘅/唔/喺/佢): a
# two-character token the dictionary does not know that holds one is a segmentation fragment (jieba's HMM
# glues neighbours: 点完菜 → 完菜, 贵是贵了点 → 贵是, 等咗成个钟先有位 → 成个 / 钟先, 这是, 还会, 我点).
# 了 and 给 are left out: 咸了 and 给力 carry the verdict.
FUNCTION_CHARS = frozenset("的是我你他她它这那还也都就又再先着过完被把让跟和与在从向对么吗呢吧啊呀个有要会"
                           "系咗啲嘅唔喺佢哋冇")


def _is_keyword(token: str, stop: frozenset[str]) -> bool:
    """A content word: ≥ 2 characters, not a stopword, not a number or punctuation, not a quantity
    (一次, 两个), and not a fragment the segmenter made up around a grammar character (see FUNCTION_CHARS)."""
    if len(token) < 2 or token.lower() in stop or WORDLIKE.search(token) is None:
        return False
    if NUMERAL_MEASURE.match(token):
        return False
    if len(token) == 2 and (token[0] in FUNCTION_CHARS or token[1] in FUNCTION_CHARS):
        return tokenizer().FREQ.get(token, 0) > 0         # a dictionary word (还是 is a stopword, 完美 stays)
    return True


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
    """Content words for word clouds and keyword tables (see ``_is_keyword``)."""
    stop = stopwords()
    return [t for t in tokens if _is_keyword(t, stop)]
