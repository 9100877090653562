"""The verbatim list shared by 痛点分析 and the heatmap drill-down: texts as data, matched words marked."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from cx.filters import SOURCE_LABELS

# Everything Markdown or Streamlit directives could interpret is escaped: customer text is data, never markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$=])")


def escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def highlight(text: str, words: list[str] | None) -> str:
    """Escaped Markdown with each matched word on a coloured background."""
    words = sorted({w for w in (words or []) if w}, key=len, reverse=True)
    if not words:
        return escape(text)
    parts = re.split("(" + "|".join(map(re.escape, words)) + ")", text)
    return "".join(f":red-background[{escape(p)}]" if p in words else escape(p) for p in parts)


def show(df: pd.DataFrame, empty: str = "没有符合条件的原声。") -> None:
    if df.empty:
        st.info(empty, icon=":material/chat_bubble_outline:")
        return
    for r in df.itertuples(index=False):
        score = []
        if pd.notna(r.nps):
            score.append(f"NPS {int(r.nps)}")
        if pd.notna(r.rating):
            score.append(f"{r.rating:g} 星")
        if pd.notna(r.sentiment):
            score.append(f"情感 {r.sentiment:.2f}")
        meta = " · ".join([f"{r.created_at:%Y-%m-%d %H:%M}", escape(_or(r.store_name, "未关联门店")),
                           SOURCE_LABELS.get(r.source, r.source), escape(_or(r.channel, ""))] + score)
        with st.container(border=True):
            st.markdown(highlight(r.text, list(r.words) if isinstance(r.words, (list, tuple, np.ndarray)) else []))
            st.caption(meta)


def _or(value, default: str) -> str:
    """A text column's value, or ``default`` when missing (None, or the NaN pandas uses for missing strings)."""
    return value if isinstance(value, str) and value else default
