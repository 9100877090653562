"""The chain's brand in one place, and store names for display without it.

Store names are stored in full (``禾田小馆（成都高新凯德广场店）``); pages, charts and exports show the part that
tells stores apart (``成都高新凯德广场店``). The brand is the demo chain's (``data/demo/chain.yaml``) unless
``$CX_BRAND`` names another chain's.
"""
from __future__ import annotations

import functools
import re

import pandas as pd
import yaml

from cx import settings

_BRACKETS = re.compile(r"^\s*[（(](.+)[）)]\s*$")


@functools.cache
def brand() -> str:
    """The brand prefix of store names ('' when unknown)."""
    if (override := settings.env_raw("CX_BRAND")) is not None:
        return override.strip()
    try:
        return str(yaml.safe_load(settings.config_file("demo/chain.yaml").read_text(encoding="utf-8"))["brand"])
    except (OSError, KeyError, TypeError, yaml.YAMLError):
        return ""


def short(name) -> str:
    """A store name without the brand and without the bracket pair that wrapped the branch name.

    ``禾田小馆（成都高新凯德广场店）`` → ``成都高新凯德广场店``; names without the brand are returned unchanged;
    a missing name (None/NaN) gives ''.
    """
    if not isinstance(name, str):
        return ""
    b = brand()
    if not b or not name.startswith(b) or name == b:
        return name
    rest = name[len(b):]
    m = _BRACKETS.match(rest)
    return (m.group(1) if m else rest).strip() or name


def short_series(names: pd.Series) -> pd.Series:
    """``short`` over a column (missing names become '')."""
    return names.map(short)
