"""The trend-grain picker (自动/日/周/月, cx/timegrain.py) shared by 总览, 门店画像, 旅程热力图 and 汇报导出."""
from __future__ import annotations

import streamlit as st

from cx import timegrain


def choose(key: str, label: str = "趋势粒度", help: str | None = timegrain.AUTO_HELP, where=st) -> str:
    """Draw the picker in ``where`` (``st`` or a column) and return the choice: 'auto', 'day', 'week' or
    'month' ('auto' when the user clears it)."""
    pick = where.segmented_control(label, list(timegrain.LABELS), format_func=timegrain.LABELS.get,
                                   default=timegrain.AUTO, key=key, help=help)
    return pick or timegrain.AUTO


def resolved(filters, key: str, **kwargs) -> str:
    """:func:`choose`, with 'auto' resolved for the filter period: 'day', 'week' or 'month'."""
    return timegrain.resolve(choose(key, **kwargs), filters.start, filters.end)
