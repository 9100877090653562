"""The first-character screen may only skip a pattern that cannot match (cx.text.prefilter)."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cx.text import prefilter, tagger
from cx.text.taxonomy import default

PATTERNS = [r"(?i)\b(?:food|taste[sd]?|delicious)\b", r"(?i)\bportions?\b", r"等了?[一二两三\d]+[个]?(分钟|小时)",
            r"(桌子?|地面?|碗)[^，。！？\s]{0,4}(油腻|黏)", r"份(儿|头)?(太|很)?(大(?!盘|碗)|小)", r"\d+元", r"(?=x)xy|z",
            r"(?i:K)elvin", r"(?i)stra(?:ß|sse)", r"a*b", r".x", r"[^a]b", r"(a|)b", r"\bfoo|(?<=q)bar", r"(?:ab)?c"]
ALPHABET = "abcdefklnoprstxyzKSIİıſKß0123 元等了一个分钟小时桌子地面碗油腻黏份儿头太很大盘qfoodtasteportion，。"


def test_first_chars_of_typical_patterns():
    assert prefilter.first_chars(re.compile(r"\d+元")).pattern == r"[\d]"
    assert prefilter.first_chars(re.compile("a*")) is None          # can match the empty string
    assert prefilter.first_chars(re.compile(".x")) is None          # any character
    assert prefilter.first_chars(re.compile("[^a]b")) is None       # negated class
    assert prefilter.first_chars(re.compile(r"(?i)\bportions?\b")).match("P")
    assert prefilter.first_chars(re.compile(r"(?i)k")).match("\u212a")    # Kelvin sign folds to k, as in re


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_screen_never_skips_a_pattern_that_matches(text):
    rxs = [re.compile(p) for p in PATTERNS]
    may = prefilter.Screen(rxs).mask(text)
    for i, rx in enumerate(rxs):
        if rx.search(text):
            assert may >> i & 1, (rx.pattern, text)


def test_screen_skips_english_patterns_on_chinese_text():
    rxs = [rx for rx, _ in tagger._matcher(default())[2]]
    screen = prefilter.Screen(rxs)
    may = screen.mask("菜很好吃，上菜有点慢，服务员态度不错")
    english = [i for i, rx in enumerate(rxs) if rx.pattern.startswith("(?i)")]
    assert english and not any(may >> i & 1 for i in english)
    assert all(screen.mask("The FOOD was cold, the waiter rude") >> i & 1
               for i, rx in enumerate(rxs) if rx.search("The FOOD was cold, the waiter rude"))
