"""Ticket state machine, audit trail and SLA escalation (clock injectable for tests and the demo)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import duckdb
import pandas as pd

from cx import db, settings, vocab
from cx.filters import Filters
from cx.loop.rules import LEVELS, LEVEL_LABELS, SEVERITY_LABELS, TRIGGER_EVENT

Clock = Callable[[], datetime]
# state codes, their Chinese labels and the transitions: one vocabulary (cx.vocab)
OPEN = vocab.TICKET_OPEN_STATES
STATES = vocab.TICKET_STATES
STATE_LABELS = vocab.TICKET_STATE_LABELS
TRANSITIONS = vocab.TICKET_TRANSITIONS     # action: (allowed from, to, event)
ACTION_LABELS = {"accept": "受理", "resolve": "解决", "close": "关闭", "reopen": "重新打开", "comment": "备注",
                 "root_cause": "设定根因"}
EVENT_LABELS = {"created": "创建", "assigned": "受理", "commented": "备注", "root_cause": "设定根因", "resolved": "已解决",
                "reopened": "重新打开", "escalated": "升级", "closed": "关闭", "trigger_added": "追加触发"}


class TicketError(ValueError):
    """An action the ticket's state does not allow, or an unknown ticket; message in Chinese."""


def get(con: duckdb.DuckDBPyConnection, ticket_id: str) -> dict:
    with con.cursor() as cur:
        df = cur.execute(db.sql("loop/ticket_get"), {"ticket_id": ticket_id}).df()
    if df.empty:
        raise TicketError(f"工单不存在：{ticket_id}")
    return with_labels(df).iloc[0].to_dict()


def with_labels(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``status_label`` (the Chinese word for the stored ``status`` code) next to ``status``."""
    if "status" not in df.columns:
        return df
    out = df.drop(columns=["status_label"], errors="ignore")
    out.insert(out.columns.get_loc("status") + 1, "status_label", out["status"].map(vocab.ticket_state_label))
    return out


def act(con: duckdb.DuckDBPyConnection, ticket_id: str, action: str, actor: str, note: str | None = None,
        root_cause: str | None = None, now: datetime | None = None) -> dict:
    """Apply one handling action; every action writes an audit event. Illegal transitions are refused."""
    now = now or settings.now()
    with con.cursor() as cur, db.transaction(cur):
        t = get(cur, ticket_id)
        if action == "comment":
            if not (note or "").strip():
                raise TicketError("备注内容不能为空")
            _event(cur, ticket_id, now, actor, "commented", note)
        elif action == "root_cause":
            if not root_cause:
                raise TicketError("请选择根因")
            if t["status"] == vocab.CLOSED:
                raise TicketError("工单已关闭，不能修改根因（请先重新打开）")
            t["root_cause"] = root_cause
            _event(cur, ticket_id, now, actor, "root_cause", root_cause)
        elif action in TRANSITIONS:
            allowed, to, event = TRANSITIONS[action]
            if t["status"] not in allowed:
                raise TicketError(f"当前状态“{vocab.ticket_state_label(t['status'])}”不能执行“{ACTION_LABELS[action]}”"
                                  f"（允许的状态：{'、'.join(STATE_LABELS[s] for s in STATES if s in allowed)}）")
            if action == "resolve" and not (note or "").strip():
                raise TicketError("解决工单需要填写处理说明")
            t["status"] = to
            if action == "resolve":
                t["resolved_at"] = now
            elif action == "close":
                t["closed_at"] = now
            elif action == "reopen":
                t["resolved_at"], t["closed_at"] = None, None
                t["due_at"] = now + timedelta(hours=int(t["sla_hours"]))
            _event(cur, ticket_id, now, actor, event, note)
        else:
            raise TicketError(f"未知的操作：{action}")
        _save(cur, t)
        db.bump_loop_version(cur)
    return get(con, ticket_id)


def escalate(con: duckdb.DuckDBPyConnection, now: datetime | None = None, clock: Clock | None = None) -> int:
    """Move every open ticket past its deadline up one level per missed SLA (store → region → HQ).

    Computed from timestamps: a ticket 30 h overdue on a 24 h SLA escalates at its deadline and again
    24 h later if still open; the events carry those moments, not the time of this call. A ticket is
    breached at exactly its deadline. Returns the number of escalation steps taken.
    """
    now = now or (clock or settings.now)()
    with con.cursor() as cur, db.transaction(cur):
        overdue = cur.execute(db.sql("loop/overdue"), {"now": now}).df()
        updates, evts, steps = [], [], {}
        for r in overdue.itertuples(index=False):
            level, due, n = r.owner_level, pd.Timestamp(r.due_at).to_pydatetime(), int(r.escalations)
            while due <= now and level != "hq":
                nxt = LEVELS[LEVELS.index(level) + 1]
                why = f"超过 SLA（{r.sla_hours} 小时），由{LEVEL_LABELS[level]}升级至{LEVEL_LABELS[nxt]}"
                evts.append((r.ticket_id, due, "系统", "escalated", why))
                level, due, n = nxt, due + timedelta(hours=int(r.sla_hours)), n + 1
                steps.setdefault(r.ticket_id, []).append((level, n, due, why))
            updates.append((r.ticket_id, level, due, vocab.ESCALATED, n, r.resolved_at, r.closed_at, r.root_cause))
        apply(cur, updates, evts)
        if evts:   # same transaction: an escalation exists exactly with its notifications (one per level passed)
            from cx.notify import outbox

            outbox.enqueue_tickets(cur, list(steps), "escalated", now=now, steps=steps)
    return len(evts)


def apply(cur, updates: list[tuple], evts: list[tuple]) -> None:
    """Batch-write ticket states (ticket_id, owner_level, due_at, status, escalations, resolved_at, closed_at,
    root_cause) and their events, inside the caller's transaction."""
    if updates:
        cur.register("staged_updates", pd.DataFrame(updates, columns=[
            "ticket_id", "owner_level", "due_at", "status", "escalations", "resolved_at", "closed_at", "root_cause"]))
        cur.execute(db.sql("loop/apply_updates"))
        cur.unregister("staged_updates")
    if evts:
        cur.register("staged_events", pd.DataFrame(evts, columns=["ticket_id", "event_at", "actor", "event", "detail"]))
        cur.execute(db.sql("loop/insert_events"))
        cur.unregister("staged_events")
    if updates or evts:
        db.bump_loop_version(cur)


def _event(cur, ticket_id: str, at: datetime, actor: str, event: str, detail: str | None) -> None:
    cur.execute(db.sql("loop/event_add"), {"ticket_id": ticket_id, "at": at, "actor": actor, "event": event,
                                           "detail": detail})


def _save(cur, t: dict) -> None:
    def ts(v):
        return None if v is None or pd.isna(v) else pd.Timestamp(v).to_pydatetime()
    cur.execute(db.sql("loop/ticket_set"), {
        "ticket_id": t["ticket_id"], "status": t["status"], "owner_level": t["owner_level"], "due_at": ts(t["due_at"]),
        "resolved_at": ts(t["resolved_at"]), "closed_at": ts(t["closed_at"]),
        "root_cause": None if t["root_cause"] is None or pd.isna(t["root_cause"]) else t["root_cause"],
        "escalations": int(t["escalations"])})


def events(con, ticket_id: str) -> pd.DataFrame:
    """The ticket's audit trail (event_at, actor, event code, detail), oldest first. A further trigger of the
    ticket's event (``trigger_added``, stored as JSON) reads as one Chinese line: what triggered and, when it
    raised the ticket's severity, from what to what."""
    ev = db.df(con, "loop/events_of", {"ticket_id": ticket_id})
    added = ev["event"] == TRIGGER_EVENT
    if added.any():
        ev.loc[added, "detail"] = [_trigger_line(d) for d in ev.loc[added, "detail"]]
    return ev


def _trigger_line(detail: str | None) -> str | None:
    try:
        d = json.loads(detail or "")
    except ValueError:
        return detail
    line = f"同一事件的另一触发项：{d.get('title')}（严重度{SEVERITY_LABELS.get(d.get('severity'), d.get('severity'))}）"
    if d.get("raised_from"):
        line += (f"；工单严重度由{SEVERITY_LABELS.get(d['raised_from'], d['raised_from'])}"
                 f"上调为{SEVERITY_LABELS.get(d.get('severity'), d.get('severity'))}")
    return line


def triggers(con, ticket_id: str) -> pd.DataFrame:
    """What a ticket was raised for: the alert that opened it (``attached`` False; the severity it opened with),
    then each further trigger of the same incident event recorded on it instead of opening a ticket of its own
    (``cx.loop.rules``; ``attached`` True), in time order. Columns: trigger_id (the ticket id the trigger had or
    would have had), rule_id, incident_id (None for a non-incident alert), severity, severity_label, title, triggered_at,
    attached. Empty for an unknown ticket."""
    df = db.df(con, "loop/triggers_of", {"ticket_id": ticket_id})
    df.insert(df.columns.get_loc("severity") + 1, "severity_label", df["severity"].map(SEVERITY_LABELS))
    return df


def queue(con, filters: Filters, levels: list[str] | None = None, statuses: list[str] | None = None,
          limit: int = 500) -> pd.DataFrame:
    """Tickets in the filters' scope and period, newest first, with ``status`` (code) and ``status_label``.
    ``statuses``: state codes or their Chinese labels (None/empty = every state); an unknown one raises
    ``cx.vocab.VocabError``."""
    p = filters.params()
    codes = list(dict.fromkeys(vocab.ticket_state(s) for s in statuses)) if statuses else None
    return with_labels(db.df(con, "loop/queue", {
        "scope_stores": p["scope_stores"], "levels": levels or None, "statuses": codes, "regions": p["regions"],
        "stores": p["stores"], "start": p["start"], "end": p["end"], "limit": limit}))


def feedback_of(con, feedback_id: str | None) -> pd.DataFrame:
    """The feedback a ticket was opened for (empty for spike tickets, which have none)."""
    return db.df(con, "loop/feedback_of", {"feedback_id": feedback_id})


AGE_BANDS = ["<4 小时", "4–24 小时", "1–3 天", "3–7 天", ">7 天"]


@dataclass
class SLA:
    """SLA dashboard figures. The within-SLA rate is over resolved tickets (resolved before the first deadline)."""
    tickets: int
    open: int
    resolved: int
    within_sla: int
    breached: int
    escalations: int
    by_status: pd.DataFrame          # status (code), status_label, tickets
    by_region: pd.DataFrame          # region, tickets, within_rate, breached, escalations
    by_store: pd.DataFrame           # store_id, store_name, region, tickets, resolved, within_rate
    open_age: pd.Series              # open tickets per age band, in band order

    @property
    def within_rate(self) -> float | None:
        return self.within_sla / self.resolved if self.resolved else None


def _flag_small(by_store: pd.DataFrame) -> pd.DataFrame:
    """Small-sample policy (data/small_sample.yaml, sla): a store with too few resolved tickets keeps its rate
    but is flagged ``insufficient`` and left out of best/worst lists."""
    from cx import sample

    return by_store.assign(insufficient=sample.small(by_store["resolved"].to_numpy(), "sla"))


def sla(con, filters: Filters, now: datetime | None = None) -> SLA:
    """SLA figures for the filters, aggregated in SQL (a 10 M-row chain has ~1 M tickets a year)."""
    p = filters.params()
    df = db.df(con, "loop/sla", {"scope_stores": p["scope_stores"], "regions": p["regions"], "stores": p["stores"],
                                 "start": p["start"], "end": p["end"], "now": now or settings.now()})
    nums = ["tickets", "resolved", "within_sla", "breached", "escalations"]
    df[nums] = df[nums].fillna(0).astype(int)

    def rate(g: pd.DataFrame) -> pd.DataFrame:
        return g.assign(within_rate=(g["within_sla"] / g["resolved"]).where(g["resolved"] > 0))

    tot = df[nums].sum()
    return SLA(
        tickets=int(tot["tickets"]), open=int(df.loc[df["status"].isin(OPEN), "tickets"].sum()),
        resolved=int(tot["resolved"]), within_sla=int(tot["within_sla"]), breached=int(tot["breached"]),
        escalations=int(tot["escalations"]),
        by_status=with_labels(df.groupby("status", as_index=False)["tickets"].sum()),
        by_region=rate(df.groupby("region", dropna=False, as_index=False)[nums].sum())[
            ["region", "tickets", "within_rate", "breached", "escalations"]],
        by_store=_flag_small(rate(df.groupby(["store_id", "store_name", "region"], dropna=False, as_index=False)[nums].sum())[
            ["store_id", "store_name", "region", "tickets", "resolved", "within_rate"]]),
        open_age=df.dropna(subset=["age"]).groupby("age")["tickets"].sum().reindex(AGE_BANDS, fill_value=0))
