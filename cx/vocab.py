"""One vocabulary for the codes stored in the DuckDB store and the Chinese words shown for them.

The store, the SQL, the API and the configuration files hold stable English codes; pages, exports and
notifications show the Chinese labels. Nothing else defines these lists.

Feedback sources (``feedback.source``, ``imports.source``, inbox folders, import profiles):
  survey 问卷 · service 客服 · review 线上评价 · opinion 舆情 · kano KANO 问卷 (imported, kept in its own tables)

Handling levels (``tickets.owner_level``, alert rules' ``owner``, recipients): store 门店 → region 区域 → hq 总部;
severities low 低 · medium 中 · high 高.

Ticket states (``tickets.status``, since migration 014; before it the Chinese labels were stored):
  open 待处理 → in_progress 处理中 / escalated 已升级 → resolved 已解决 → closed 已关闭

Incident states (``incidents.status``): active 进行中 · subsided 已平息.

Ticket handling actions and the transitions they allow are in ``TICKET_TRANSITIONS``; SLA escalation (any
open state → ``escalated``) is the system's own move (``cx.loop.tickets.escalate``).
"""
from __future__ import annotations

# ---- feedback sources --------------------------------------------------------------------------------------
SOURCES = ("survey", "service", "review", "opinion", "kano")
FEEDBACK_SOURCES = ("survey", "service", "review", "opinion")       # rows of the feedback table
SOURCE_LABELS = {"survey": "问卷", "service": "客服", "review": "线上评价", "opinion": "舆情", "kano": "KANO 问卷"}

# ---- handling levels (ticket owner, alert rule owner, recipients) and severities ---------------------------
LEVELS = ("store", "region", "hq")                      # escalation order: store → region → HQ
LEVEL_LABELS = {"store": "门店", "region": "区域", "hq": "总部"}
SEVERITIES = ("low", "medium", "high")
SEVERITY_LABELS = {"low": "低", "medium": "中", "high": "高"}

# ---- ticket states -----------------------------------------------------------------------------------------
OPEN, IN_PROGRESS, ESCALATED, RESOLVED, CLOSED = "open", "in_progress", "escalated", "resolved", "closed"
TICKET_STATES = (OPEN, IN_PROGRESS, ESCALATED, RESOLVED, CLOSED)
TICKET_OPEN_STATES = (OPEN, IN_PROGRESS, ESCALATED)                   # still owed an answer: SLA runs
TICKET_STATE_LABELS = {OPEN: "待处理", IN_PROGRESS: "处理中", ESCALATED: "已升级", RESOLVED: "已解决", CLOSED: "已关闭"}
# action: (states it is allowed from, state it leads to, audit event written)
TICKET_TRANSITIONS = {
    "accept": (frozenset({OPEN, ESCALATED}), IN_PROGRESS, "assigned"),
    "resolve": (frozenset({OPEN, IN_PROGRESS, ESCALATED}), RESOLVED, "resolved"),
    "close": (frozenset({RESOLVED}), CLOSED, "closed"),
    "reopen": (frozenset({RESOLVED, CLOSED}), IN_PROGRESS, "reopened"),
}

# ---- incident states (cx.incidents; since migration 014, before it the labels were stored) -----------------
INCIDENT_ACTIVE, INCIDENT_SUBSIDED = "active", "subsided"
INCIDENT_STATE_LABELS = {INCIDENT_ACTIVE: "进行中", INCIDENT_SUBSIDED: "已平息"}


class VocabError(ValueError):
    """A value that is neither a code nor a label of the vocabulary (Chinese message)."""


def source_label(code: str) -> str:
    """The Chinese label of a source code (an unknown value is shown as it is)."""
    return SOURCE_LABELS.get(code, code)


def incident_state_label(code: str) -> str:
    """The Chinese label of an incident state code (an unknown value is shown as it is)."""
    return INCIDENT_STATE_LABELS.get(code, code)


def ticket_state_label(code: str) -> str:
    """The Chinese label of a ticket state code (an unknown value is shown as it is)."""
    return TICKET_STATE_LABELS.get(code, code)


def _code(value: str, labels: dict[str, str], what: str) -> str:
    v = (value or "").strip()
    if v in labels:
        return v
    for code, label in labels.items():
        if v == label:
            return code
    choices = "、".join(f"{c}（{l}）" for c, l in labels.items())
    raise VocabError(f"未知的{what}“{value}”，可选：{choices}")


def ticket_state(value: str) -> str:
    """The state code for a code or its Chinese label (``"待处理"`` → ``"open"``); raises VocabError."""
    return _code(value, TICKET_STATE_LABELS, "工单状态")


def source(value: str) -> str:
    """The source code for a code or its Chinese label (``"线上评价"`` → ``"review"``); raises VocabError."""
    return _code(value, SOURCE_LABELS, "数据来源")
