"""Service transcripts: split a dialogue into speaker turns so that only the customer's words are analysed.

A chat or call log such as 「客服：您好，很高兴为您服务。顾客：昨天吃完拉肚子了。」 holds two voices. The agent's
scripts (「很高兴为您服务」「感谢您的耐心」) are not customer sentiment, and the speaker tag 「客服」 is not a
complaint about customer service. A text counts as a dialogue when it starts with a speaker tag, has two or
more tags or an agent's tag; a tag is a speaker word followed by a colon at the start of the text, a line or a sentence.
Text before the first tag is the customer's (a review followed by 「商家回复：…」). A log with one line per turn
but no speaker tags is split when some line reads like an agent's script (「很高兴为您服务」): turns
alternate from there; otherwise it cannot be attributed and is analysed whole. (Stored texts keep line
breaks only if the import keeps them.) The stored text is never changed: agents'
turns stay for display.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CUSTOMER_TAGS = ("顾客", "客户", "用户", "买家", "消费者", "会员", "客人", "来电人", "customer", "user", "client", "guest")
AGENT_TAGS = ("客服", "坐席", "人工客服", "在线客服", "客服专员", "商家回复", "商家", "店家", "官方回复", "掌柜", "小二",
              "工作人员", "agent", "helper", "staff", "support", "service", "bot", "机器人")
_TAG = re.compile(r"(?:^|(?<=[\s。！？!?；;…~～]))(" + "|".join(
    map(re.escape, sorted(CUSTOMER_TAGS + AGENT_TAGS, key=len, reverse=True))) + r")\s*[:：]", re.IGNORECASE)
_AGENT = {t.lower() for t in AGENT_TAGS}
# Phrases of agents' scripts, for logs with one line per turn and no speaker tags.
_SCRIPT = re.compile(r"^(?:您好|亲爱的|亲[，,！!]|非常抱歉|抱歉|感谢您|很高兴|已为您|请您|这边为您|好的[，,])|为您服务|"
                     r"给您带来(?:的)?不便|请问有什么可以帮")


@dataclass(frozen=True)
class Turn:
    speaker: str      # "customer" or "agent"
    text: str
    start: int        # span of the turn's words (after the tag) in the original text
    end: int


@functools.lru_cache(maxsize=16_384)
def split(text: str) -> tuple[Turn, ...] | None:
    """The turns of a dialogue in order, or None when ``text`` is not a tagged dialogue."""
    if not text:
        return None
    tags = list(_TAG.finditer(text))
    if not tags:
        return _untagged_lines(text)
    if len(tags) < 2 and tags[0].start() > 0 and tags[0].group(1).lower() not in _AGENT:
        return None
    turns = []
    if tags[0].start() > 0 and text[:tags[0].start()].strip():
        turns.append(Turn("customer", text[:tags[0].start()].strip(), 0, tags[0].start()))
    for m, nxt in zip(tags, tags[1:] + [None]):
        end = nxt.start() if nxt is not None else len(text)
        body = text[m.end():end]
        speaker = "agent" if m.group(1).lower() in _AGENT else "customer"
        if body.strip():
            turns.append(Turn(speaker, body.strip(), m.end(), end))
    return tuple(turns)


def _untagged_lines(text: str) -> tuple[Turn, ...] | None:
    """One line per turn without speaker tags: a dialogue when at least two lines and some line reads like an
    agent's script (「您好，很高兴为您服务」); turns then alternate, the agent on the parity of the script lines
    (the majority, ties to the customer opening)."""
    if "\n" not in text:
        return None
    lines, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((raw.strip(), pos, pos + len(raw)))
        pos += len(raw) + 1
    if len(lines) < 2:
        return None
    scripted = [i for i, (ln, _, _) in enumerate(lines) if _SCRIPT.search(ln)]
    if not scripted:
        return None
    agent_parity = 1 if sum(i % 2 for i in scripted) * 2 >= len(scripted) else 0
    return tuple(Turn("agent" if i % 2 == agent_parity else "customer", ln, a, b)
                 for i, (ln, a, b) in enumerate(lines))


def customer_text(text: str) -> str:
    """What the analysis reads: the customer's turns joined by line breaks (clause boundaries), or the text
    itself when it is not a dialogue. A dialogue without customer words gives ""."""
    turns = split(text)
    if turns is None:
        return text
    return "\n".join(t.text for t in turns if t.speaker == "customer")
