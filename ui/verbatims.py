"""The verbatim list shared by 痛点分析 and the heatmap drill-down: texts as data, matched words marked."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from cx import brand
from cx.filters import SOURCE_LABELS
from cx.text import segment, turns

# Everything Markdown or Streamlit directives could interpret is escaped: customer text is data, never markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>:~$=])")


def escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def highlight(text: str, words: list[str] | None) -> str:
    """Escaped Markdown with the matched words on a coloured background, whole tokens only: the text is
    segmented as the analysis segments it, and a token containing a matched word is marked as a whole
    (「香辣蟹」, never 「香」 inside it); neighbouring marked tokens form one mark."""
    words = {w for w in (words or []) if w}
    if not words:
        return escape(text)
    tokens = segment.cut(text)
    if "".join(tokens) != text:                     # never lose a character to the segmenter
        tokens = [text]
    out, run = [], []
    for tok in tokens + [None]:
        if tok is not None and tok.strip() and any(w in tok for w in words):
            run.append(tok)
            continue
        if run:
            out.append(f":red-background[{escape(''.join(run))}]")
            run = []
        if tok is not None:
            out.append(escape(tok))
    return "".join(out)


def table(df: pd.DataFrame) -> pd.DataFrame:
    """Verbatims as an export table (Chinese headers; missing values empty, never 'nan')."""
    return pd.DataFrame({
        "时间": df["created_at"], "门店编号": df["store_id"].fillna(""),
        "门店": df["store_name"].map(brand.short).replace("", "未关联门店"), "区域": df["region"].fillna(""),
        "来源": df["source"].map(SOURCE_LABELS).fillna(df["source"]), "渠道": df["channel"].fillna(""),
        "NPS": df["nps"], "星级": df["rating"], "情感": df["sentiment"].round(2), "原文": df["text"].fillna("")})


def show(df: pd.DataFrame, empty: str = "没有符合条件的原声。") -> None:
    if df.empty:
        st.info(empty, icon=":material/chat_bubble_outline:")
        return
    # keyed containers (class st-key-verbatim_N): customer text is data, which the browser test's language
    # checks leave out
    for i, r in enumerate(df.itertuples(index=False)):
        score = []
        if pd.notna(r.nps):
            score.append(f"NPS {int(r.nps)}")
        if pd.notna(r.rating):
            score.append(f"{r.rating:g} 星")
        if pd.notna(r.sentiment):
            score.append(f"情感 {r.sentiment:.2f}")
        words = list(r.words) if isinstance(r.words, (list, tuple, np.ndarray)) else []
        dialogue = turns.display(r.text) if isinstance(r.text, str) else None
        parts = [f"{r.created_at:%Y-%m-%d %H:%M}", escape(brand.short(r.store_name) or "未关联门店"),
                 SOURCE_LABELS.get(r.source, r.source), escape(_or(r.channel, ""))] + score
        if dialogue:
            n_agent = sum(sp == "agent" for sp, _, _ in dialogue)
            parts.append(f"对话：分析顾客的 {len(dialogue) - n_agent} 段，客服的 {n_agent} 段仅展示" if n_agent
                         else "对话：全部为顾客的话")
        meta = " · ".join(p for p in parts if p)          # an empty channel leaves no 「 · · 」
        with st.container(border=True, key=f"verbatim_{i}"):
            st.markdown(dialogue_markdown(dialogue, words) if dialogue else highlight(r.text, words))
            st.caption(meta)


def dialogue_markdown(dialogue: list[tuple[str, str, str]], words: list[str] | None = None) -> str:
    """A service transcript as one paragraph per turn with its speaker: the customer's turns (what the analysis
    read) in full colour with matched words marked, the agent's (kept for display only) in grey."""
    lines = []
    for speaker, label, body in dialogue:
        body = body.replace("\n", " ")
        if speaker == "customer":
            lines.append(f":blue-badge[{escape(label)}] {highlight(body, words)}")
        else:
            lines.append(f":gray-badge[{escape(label)}] :gray[{escape(body)}]")
    return "\n\n".join(lines)


def _or(value, default: str) -> str:
    """A text column's value, or ``default`` when missing (None, or the NaN pandas uses for missing strings)."""
    return value if isinstance(value, str) and value else default
