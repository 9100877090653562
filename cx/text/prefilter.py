"""A cheap necessary condition for a regular expression to match: the characters a match can start with.

The taxonomy's English patterns (``(?i)\\b(?:location|located|…)\\b``) cannot use the regex engine's
literal-prefix scan, so each costs a full position-by-position pass over every text although almost no
Chinese review contains a Latin letter. ``first_chars(rx)`` derives, from the parsed pattern, a character
class every match must start with (zero-width parts such as ``\\b`` and look-arounds skipped); a text without
any such character cannot match. ``Screen`` checks many patterns at once from a text's distinct characters.
Patterns whose first character is not a finite class (``.``, ``[^…]``, back-references, patterns that can
match the empty string) get no prefilter (None): they are always run.
"""
from __future__ import annotations

import re

try:                                   # the regex parser's modules (Python ≥ 3.11); without them: no screening
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    C = P = None

_CATEGORIES = {} if C is None else {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
               C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}
_REPEATS = set() if C is None else {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


class _Unknown(Exception):
    pass


def _char(c: int) -> str:
    return f"\\U{c:08x}"


def _first(seq, ignore: bool) -> tuple[list[tuple[bool, str]], bool]:
    """((ignore case, class item) pairs, nullable) of a parsed sequence."""
    out: list[tuple[bool, str]] = []
    for op, av in seq:
        items, nullable = _first_of(op, av, ignore)
        out += items
        if not nullable:
            return out, False
    return out, True


def _first_of(op, av, ignore: bool) -> tuple[list[tuple[bool, str]], bool]:
    if op is C.LITERAL:
        return [(ignore, _char(av))], False
    if op is C.IN:
        parts = []
        for iop, iav in av:
            if iop is C.LITERAL:
                parts.append(_char(iav))
            elif iop is C.RANGE:
                parts.append(f"{_char(iav[0])}-{_char(iav[1])}")
            elif iop is C.CATEGORY and iav in _CATEGORIES:
                parts.append(_CATEGORIES[iav])
            else:                                   # NEGATE, other categories
                raise _Unknown
        return [(ignore, "".join(parts))], False
    if op is C.BRANCH:
        items, nullable = [], False
        for sub in av[1]:
            i, n = _first(sub, ignore)
            items += i
            nullable |= n
        return items, nullable
    if op is C.SUBPATTERN:
        _, add, dele, sub = av
        flag = (ignore or bool(add & re.IGNORECASE)) and not dele & re.IGNORECASE
        return _first(sub, flag)
    if op in _REPEATS:
        lo, _, sub = av
        items, nullable = _first(sub, ignore)
        return items, nullable or lo == 0
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _first(av, ignore)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return [], True                             # zero-width: the first character comes after it
    raise _Unknown


def first_chars(rx: re.Pattern) -> re.Pattern | None:
    """A pattern matching one character that every match of ``rx`` starts with, or None when no such finite
    class can be derived (then ``rx`` must always be run)."""
    if P is None or not isinstance(rx.pattern, str) or rx.flags & ~(re.IGNORECASE | re.UNICODE):
        return None
    try:
        parsed = P.parse(rx.pattern, rx.flags)
        items, nullable = _first(parsed, bool(parsed.state.flags & re.IGNORECASE))
    except (_Unknown, re.error, TypeError, ValueError):
        return None
    if nullable or not items:
        return None
    plain = "".join(dict.fromkeys(s for i, s in items if not i))
    folded = "".join(dict.fromkeys(s for i, s in items if i))
    return re.compile("|".join(([f"[{plain}]"] if plain else []) + ([f"(?i:[{folded}])"] if folded else [])))


class Screen:
    """Which of several patterns can match a text, from the characters the text contains.

    Each distinct character is classified once per process (against every pattern's ``first_chars`` class,
    so case folding follows the regex engine's own rules); a text then costs one pass over its distinct
    characters instead of one regex scan per pattern."""

    def __init__(self, patterns: list[re.Pattern]):
        self._classes = [first_chars(rx) for rx in patterns]
        self._always = sum(1 << i for i, c in enumerate(self._classes) if c is None)
        self._memo: dict[str, int] = {}

    def mask(self, text: str) -> int:
        """Bit i set when pattern i may match ``text`` (never unset when it does)."""
        memo, m = self._memo, self._always
        for ch in set(text):
            b = memo.get(ch)
            if b is None:
                b = memo[ch] = sum(1 << i for i, c in enumerate(self._classes) if c is not None and c.match(ch))
            m |= b
        return m
