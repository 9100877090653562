"""Verbatims of service transcripts: one line per turn with its speaker, the customer's turns (analysed) told
apart from the agent's (display only); no empty meta parts (findings F15, F16)."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import pandas as pd

    from ui import verbatims

    verbatims.show(pd.DataFrame({
        "created_at": pd.to_datetime(["2026-11-28 12:35", "2026-11-28 13:00"]),
        "store_name": ["禾田小馆（人民路店）", "禾田小馆（人民路店）"], "source": ["service", "review"],
        "channel": [None, "美团"], "nps": [None, None], "rating": [None, 2.0], "sentiment": [0.21, 0.3],
        "text": ["客服小美：您好，很高兴为您服务 买家：你们送来的汤全洒了 客服小美：非常抱歉 买家：而且米饭是凉的",
                 "米饭是凉的，汤也洒了"],
        "words": [["米饭"], ["米饭"]],
    }))


def test_transcript_turns_show_with_speakers_and_what_was_analysed():
    at = AppTest.from_function(_script, default_timeout=30).run()
    assert not at.exception
    dialogue, plain = [m.value for m in at.markdown]
    turns = dialogue.split("\n\n")
    assert len(turns) == 4
    assert turns[0].startswith(":gray-badge[客服小美]") and ":gray[" in turns[0]         # display only
    assert turns[1].startswith(":blue-badge[买家]") and "全洒" in turns[1]               # analysed
    assert turns[3].startswith(":blue-badge[买家]") and ":red-background[米饭]" in turns[3]
    assert "badge" not in plain and ":red-background[米饭]" in plain                    # a review stays as it was
    meta = [c.value for c in at.caption]
    assert "对话：分析顾客的 2 段，客服的 2 段仅展示" in meta[0]


def test_an_empty_channel_leaves_no_empty_part_in_the_meta_line():
    at = AppTest.from_function(_script, default_timeout=30).run()
    first, second = [c.value for c in at.caption]
    assert " ·  · " not in first and "· ·" not in first
    assert "客服 · 情感 0.21" in first            # source, then straight on to the score
    assert "点评 · 美团 · 2 星" in second or "美团 · 2 星" in second
