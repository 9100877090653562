"""Service transcripts: split a dialogue into speaker turns so that only the customer's words are analysed.

A chat or call log such as 「客服：您好，很高兴为您服务。顾客：昨天吃完拉肚子了。」 holds two voices. The agent's
scripts (「很高兴为您服务」「感谢您的耐心」) are not customer sentiment, and the speaker tag 「客服」 is not a
complaint about customer service. A speaker tag is a role word (顾客/用户/买家 …, 客服/坐席/卖家/商家回复 …) with an
optional name or number (客服小美, 客服-小王, 坐席007, 客服(小美), Agent Lee) and a colon, at the start of the text,
a line or a sentence — or the same in brackets (【客服】, [买家]), colon optional — optionally after a time stamp;
or an IM export's header of sender and time without a colon (「客服小美 2026-05-01 10:32:11」).
A "name" that reads as an ordinary phrase (客服说：, 客服电话：, 在线客服记录：, 商家态度：) is not a tag.
A text counts as a dialogue when it starts with a tag, has two or more tags or an agent's tag.
Text before the first tag is the customer's (a review followed by 「商家回复：…」). A log with one line per turn
but no speaker tags is split when some line reads like an agent's script (「很高兴为您服务」, the agent's 您 with a
service verb): turns alternate from there; otherwise it cannot be attributed and is analysed whole. (Stored texts
keep line breaks only if the import keeps them.) The stored text is never changed: agents' turns stay for display
(``split`` gives each turn's speaker and span).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

CUSTOMER_TAGS = ("顾客", "客户", "用户", "买家", "消费者", "会员", "客人", "来电人", "来电者", "访客",
                 "customer", "user", "client", "guest", "buyer", "visitor", "caller")
AGENT_TAGS = ("客服", "坐席", "座席", "人工客服", "在线客服", "智能客服", "官方客服", "客服专员", "客服人员", "客服代表",
              "商家回复", "商家", "店家回复", "店家", "卖家回复", "卖家", "商户回复", "商户", "官方回复", "掌柜", "小二",
              "工作人员", "接线员", "话务员", "机器人", "agent", "helper", "support", "bot", "seller", "merchant", "operator")
# A speaker tag: a role word, optionally a name or number (客服小美, 客服-小王, 坐席007, 客服(小美), Agent Smith),
# then a colon, at the start of the text, of a line or of a sentence — or the same in brackets anywhere, the
# colon optional (【客服】, [顾客]); either optionally after a time stamp ([10:32], 2024-05-01 10:32:05) — or,
# as IM exports write it, the sender and a time with no colon (客服小美 2024-05-01 10:32:05).
_ROLES = sorted(CUSTOMER_TAGS + AGENT_TAGS, key=len, reverse=True)
# English roles case-insensitive in a scoped flag: a case-insensitive alternation over every role is slower
_ROLE = "|".join([re.escape(r) for r in _ROLES if not r.isascii()]
                 + ["(?i:" + "|".join(re.escape(r) for r in _ROLES if r.isascii()) + ")"])
_NAME = r"(?:[\u4e00-\u9fff]{1,4}|[A-Za-z][A-Za-z0-9_]{0,11}|[0-9][A-Za-z0-9_]{0,11}(?![:：]\d)|[\u4e00-\u9fff]{1,3}[0-9]{1,6})"
_NAMED = rf"(?:{_ROLE})(?:[-_·•#.]?{_NAME}|[ \t]{{1,2}}{_NAME}|[(（]{_NAME}[)）])?"
_STAMP = r"(?:[\[【(（]?\d{1,4}[-/.:：]\d{1,2}(?:[-/.:：]\d{1,2}){0,4}(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?[\]】)）]?\s*)?"
_BRACKETED = rf"[【\[](?P<b>{_NAMED})[】\]]\s*[:：]?"
# (the time stamp is only tried where a tag may start: an optional stamp tried at every position is slow)
# IM exports (千牛, QQ, WeChat) head each message with the sender and the time, no colon: 「客服小美 2026-05-01 10:32:11」
# alone on its line, then the message on the next line(s). (A number right before a colon is a clock time:
# 「客人 12:00 到店」 is no tag.)
_CLOCK = r"[(（\[]?(?:\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ \t]+)?\d{1,2}:\d{2}(?::\d{2})?[)）\]]?"
_TAG = re.compile(rf"(?:^|(?<=[\s。！？!?；;…~～]))(?:{_STAMP}(?:(?P<w>{_NAMED})\s*[:：]|{_BRACKETED})"
                  rf"|(?P<l>{_NAMED})[ \t]+{_CLOCK}(?=[ \t]*\n))"
                  rf"|{_BRACKETED.replace('?P<b>', '?P<b2>')}")
# An IM export's header line of any sender: a name (no spaces or sentence punctuation), a date and a time, alone
# on its line (the role-word headers are in _TAG; this one is used only beside an agent's header).
_IM_HEAD = re.compile(r"(?m)^[ \t]*(?P<s>[^\s:：，,。！？!?；;]{1,24})[ \t]+\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[ \t]+"
                      r"\d{1,2}:\d{2}(?::\d{2})?[ \t]*(?=\n|$)")
_NOT_A_SENDER = re.compile(r"时间|日期|送达|下单|预计|订单|支付|付款|发货|签收|取餐|到店|创建|更新")
_ROLE_AT = re.compile(rf"(?:{_ROLE})")
# Words that make a "name" a phrase of an ordinary review or a header: 客服说：, 客服电话：, 在线客服记录：,
# 商家态度：, 卖家发货：, 客户反馈：.
_NOT_A_NAME = re.compile(r"[说讲问答称道的了是很都也就还太不没和与要让把被给对在]|表示|反[映馈]|记录|电话|热线|态度|评价|"
                         r"意见|投诉|发货|描述|质量|服务|速度|回访|处理|需求|信息|姓名|地址|留言|备注|须知|must|said|says",
                         re.IGNORECASE)
_AGENT = {t.lower() for t in AGENT_TAGS}
# Phrases of agents' scripts, for logs with one line per turn and no speaker tags: the agent's polite 您 with a
# service verb. (A customer's review may start a paragraph with 很高兴/抱歉/感谢, so those alone do not count.)
_SCRIPT = re.compile(r"^(?:您好|亲[，,！!～~])|为您服务|给您带来(?:的)?不便|请问有什么可以帮|已为您|这边为您|"
                     r"为您(?:处理|登记|查询|核实|反馈|申请|补送|催促|安排|转接)|感谢您的(?:耐心|理解|支持|反馈|等待|来电)")


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
    found = [(m, role) for m in _TAG.finditer(text) if (role := _role(m)) is not None]
    if len(found) == 1 and found[0][0].group("w") and _named(found[0][0]):
        # one tag with a name part is a phrase of an ordinary review more often than a dialogue
        # (「店家环境：很干净」, 「客服小姐姐：超级耐心」): a dialogue needs a second tag
        found = []
    tags = [(m.start(), m.end(), role) for m, role in found]
    if any(role == "agent" and m.group("l") for m, role in found):
        tags = _with_im_senders(text, tags, [m.group("l") for m, role in found if role == "agent" and m.group("l")])
    if not tags:
        return _untagged_lines(text)
    if len(tags) < 2 and tags[0][0] > 0 and tags[0][2] != "agent":
        return None
    turns = []
    first = tags[0][0]
    if first > 0 and text[:first].strip():
        turns.append(Turn("customer", text[:first].strip(), 0, first))
    for (_, tag_end, speaker), nxt in zip(tags, tags[1:] + [None]):
        end = nxt[0] if nxt is not None else len(text)
        body = text[tag_end:end]
        if body.strip():
            turns.append(Turn(speaker, body.strip(), tag_end, end))
    return tuple(turns)


def _with_im_senders(text: str, tags: list[tuple[int, int, str]], agents: list[str]) -> list[tuple[int, int, str]]:
    """``tags`` plus the IM-export headers whose sender is no role word (「张先生 2026-05-01 10:33:02」,
    「小鱼儿 …」, 「jd_8823xk …」), called only when an agent's own header is an IM header (``agents``: those
    headers' senders). Such a sender is the customer — the party the agent's header does not name — unless it
    is one of ``agents`` or its message reads like an agent's script (a colleague 「阿芳」 taking over:
    「抱歉给您带来不便」). A sender that reads as a field name (下单时间, 预计送达) is no header."""
    heads = [m for m in _IM_HEAD.finditer(text) if not _NOT_A_SENDER.search(m.group("s"))]
    taken = [(a, b) for a, b, _ in tags]
    extra = [(m.start(), m.end(), m.group("s")) for m in heads
             if not any(a < m.end() and m.start() < b for a, b in taken)]
    if not extra:
        return tags
    merged = sorted(tags + extra)
    out = []
    for k, (a, b, who) in enumerate(merged):
        if who in ("agent", "customer"):
            out.append((a, b, who))
            continue
        body = text[b:merged[k + 1][0] if k + 1 < len(merged) else len(text)]
        out.append((a, b, "agent" if who in agents or _SCRIPT.search(body.strip()) else "customer"))
    return out


def _tag_text(m: re.Match) -> str:
    """The tag of a ``_TAG`` match: role word and name, without time stamp, colon or brackets."""
    return m.group("w") or m.group("b") or m.group("b2") or m.group("l")


def _named(m: re.Match) -> bool:
    """Whether a tag match carries a name or number after its role word (客服小美, 坐席007)."""
    tag = _tag_text(m)
    return len(tag) > len(_ROLE_AT.match(tag).group(0))


def _role(m: re.Match) -> str | None:
    """"agent" or "customer" for a tag match, or None when its name part reads as an ordinary phrase."""
    tag = _tag_text(m)
    role = _ROLE_AT.match(tag).group(0)
    name = tag[len(role):]
    if name and _NOT_A_NAME.search(name):
        return None
    return "agent" if role.lower() in _AGENT else "customer"


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


DEFAULT_LABELS = {"customer": "顾客", "agent": "客服"}


def display(text: str | None) -> list[tuple[str, str, str]] | None:
    """For showing a stored dialogue: (speaker, label, words) per turn in order — the label is the turn's own
    tag without colon or brackets (「客服小美」, 「买家」), or 顾客/客服 for an untagged turn — or None when the
    text is not a dialogue. Customer turns are what the analysis reads; agent turns are kept for display."""
    turns = split(text) if text else None
    if turns is None:
        return None
    out, prev = [], 0
    for t in turns:
        # (the whole text is searched from ``prev``: an IM header's look-ahead needs the line break after it)
        tags = [m for m in _TAG.finditer(text, prev, t.start + 1) if m.end() <= t.start] if t.start > prev else []
        tag = tags[-1] if tags else None
        label = _tag_text(tag).strip() if tag else DEFAULT_LABELS[t.speaker]
        out.append((t.speaker, label, t.text))
        prev = t.end
    return out
