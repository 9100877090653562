"""Alert rules (data/alert_rules.yaml) evaluated over feedback; they open tickets idempotently."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from cx import db, metrics, settings, vocab
from cx.ids import stable_id

RULES_FILE = settings.config_file("alert_rules.yaml")
LEVELS, LEVEL_LABELS = vocab.LEVELS, vocab.LEVEL_LABELS
SEVERITIES, SEVERITY_LABELS = vocab.SEVERITIES, vocab.SEVERITY_LABELS
_SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}      # low → high
CONDITIONS = ("source", "nps_max", "csat_max", "rating_max", "has_text", "sensitive_severity")
DEDUP = ("feedback", "store_day", "store_customer_week")


class RuleError(ValueError):
    """alert_rules.yaml is unusable (message in Chinese)."""


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    when: tuple[tuple[str, object], ...]
    severity: str
    owner: str
    sla_hours: int
    dedup: str = "feedback"


@dataclass(frozen=True)
class SpikeRule:
    id: str
    label: str
    severity: str
    owner: str
    sla_hours: int
    window_days: int
    min_today: int
    alpha: float


def _common(r: dict, where: str) -> None:
    if not r.get("id") or not r.get("label"):
        raise RuleError(f"{where}：规则缺少 id 或 label")
    if r.get("severity") not in SEVERITIES:
        raise RuleError(f"{where}：规则“{r['label']}”的 severity 必须是 low/medium/high")
    if r.get("owner") not in LEVELS:
        raise RuleError(f"{where}：规则“{r['label']}”的 owner 必须是 store/region/hq")
    if not isinstance(r.get("sla_hours"), int) or r["sla_hours"] <= 0:
        raise RuleError(f"{where}：规则“{r['label']}”的 sla_hours 必须是正整数")


def parse(doc: object, where: str = "alert_rules.yaml") -> tuple[list[Rule], list[SpikeRule]]:
    if not isinstance(doc, dict) or not isinstance(doc.get("rules", []), list):
        raise RuleError(f"{where}：缺少 rules 列表")
    rules, spikes, seen = [], [], set()
    for r in doc.get("rules") or []:
        _common(r, where)
        when = r.get("when") or {}
        bad = [k for k in when if k not in CONDITIONS]
        if bad or not when:
            raise RuleError(f"{where}：规则“{r['label']}”的条件无效：{'、'.join(bad) or '为空'}（可用：{'、'.join(CONDITIONS)}）")
        if r.get("dedup", "feedback") not in DEDUP:
            raise RuleError(f"{where}：规则“{r['label']}”的 dedup 必须是 {'/'.join(DEDUP)}")
        if r["id"] in seen:
            raise RuleError(f"{where}：规则 id“{r['id']}”重复")
        seen.add(r["id"])
        rules.append(Rule(r["id"], r["label"], tuple(sorted(when.items())), r["severity"], r["owner"],
                          r["sla_hours"], r.get("dedup", "feedback")))
    for r in doc.get("spikes") or []:
        _common(r, where)
        spikes.append(SpikeRule(r["id"], r["label"], r["severity"], r["owner"], r["sla_hours"],
                                int(r.get("window_days", 28)), int(r.get("min_today", 4)), float(r.get("alpha", 0.001))))
    return rules, spikes


def load(path: Path | str = RULES_FILE) -> tuple[list[Rule], list[SpikeRule]]:
    try:
        return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")), Path(path).name)
    except yaml.YAMLError as e:
        raise RuleError(f"{Path(path).name} 不是有效的 YAML：{e}") from None


@functools.cache
def default() -> tuple[list[Rule], list[SpikeRule]]:
    return load()


@dataclass(frozen=True)
class IncidentRule:
    """One ticket per incident event (cx/incidents.py; the incidents one burst raises together share it);
    reviews inside an incident open no tickets of their own."""
    id: str = "incident"
    label: str = "重大事件"
    owner: str = "region"
    sla_hours: int = 24
    fold: bool = True        # fold per-review / spike alerts inside an incident into its ticket


def parse_incident_rule(doc: object, where: str = "alert_rules.yaml") -> IncidentRule | None:
    """The ``incidents:`` entry of alert_rules.yaml (None when absent or ``enabled: false``)."""
    r = (doc or {}).get("incidents") if isinstance(doc, dict) else None
    if not r or r.get("enabled", True) is False:
        return None
    _common({**r, "severity": r.get("severity", "high")}, where)
    return IncidentRule(r["id"], r["label"], r["owner"], r["sla_hours"], bool(r.get("fold", True)))


@functools.cache
def incident_rule() -> IncidentRule | None:
    return parse_incident_rule(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def default_root_causes() -> list[str]:
    return list(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")).get("root_causes") or ["其他"])


def _dedup_key(rule: Rule, r) -> str:
    if rule.dedup == "store_day":
        return f"{r.store_id}|{r.created_at:%Y-%m-%d}"
    # Anonymous answers (no customer key: NULL, or NaN once pandas mixes them with keyed rows) are never
    # one customer: each gets its own key, so every unhappy anonymous guest gets a ticket.
    if rule.dedup == "store_customer_week" and isinstance(r.customer_key, str) and r.customer_key:
        return f"{r.store_id}|{r.customer_key}|{r.created_at:%G-%V}"
    return str(r.feedback_id)


COLUMNS = ["ticket_id", "rule_id", "feedback_id", "store_id", "touchpoint", "severity", "title", "owner_level",
           "sla_hours", "created_at", "incident_id", "attach_to"]
TRIGGER_EVENT = "trigger_added"      # ticket_events.event of a trigger attached to an open ticket (detail: JSON)


def candidate_tickets(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime,
                      rules: tuple[list[Rule], list[SpikeRule]] | None = None) -> pd.DataFrame:
    """Tickets the rules call for over feedback created in [since, until) (not yet de-duplicated against
    the store; the first feedback of each dedup key wins), columns ``COLUMNS``. An incident of the same event
    as an incident whose ticket is open (or opens in this run) has ``attach_to`` = that ticket: it is added to
    it as a trigger instead of opening a ticket of its own (see ``_incident_tickets``)."""
    plain, spikes = rules or default()
    rows = []
    with con.cursor() as cur:
        for rule in plain:
            params = {k: None for k in CONDITIONS} | dict(rule.when) | {"since": since, "until": until}
            params["has_text"] = bool(params["has_text"])
            df = cur.execute(db.sql("loop/rule_candidates"), params).df()
            seen = set()
            for r in df.itertuples(index=False):
                key = _dedup_key(rule, r)
                if key in seen:
                    continue
                seen.add(key)
                snippet = (r.text if isinstance(r.text, str) else "").replace("\n", " ")[:40]
                rows.append((stable_id("ticket", rule.id, key), rule.id, r.feedback_id, r.store_id,
                             r.touchpoint if isinstance(r.touchpoint, str) else None,
                             rule.severity, f"{rule.label}：{snippet}" if snippet else rule.label, rule.owner,
                             rule.sla_hours, r.created_at, None, None))
        for spike in spikes:
            rows.extend(_spikes(cur, spike, since, until))
        inc_rule = incident_rule() if rules is None else None
        if inc_rule is not None:
            rows = _incident_tickets(cur, inc_rule, rows, since, until)
    return pd.DataFrame(rows, columns=COLUMNS)


def _spikes(cur, spike: SpikeRule, since: datetime, until: datetime) -> list[tuple]:
    """Store × touchpoint days whose negative rate is significantly above the store's previous window
    (the window sums come from SQL; only days with enough negatives are tested here)."""
    from cx.text.taxonomy import default as taxonomy

    hot = cur.execute(db.sql("loop/spike_counts"), {"hot_since": since, "until": until, "window_days": spike.window_days,
                                                     "min_today": spike.min_today}).df()
    out = []
    tax = taxonomy()
    for r in hot.itertuples(index=False):
        base_neg, base_n = int(r.base_negative), int(r.base_n)
        test = metrics.two_proportions(base_neg, base_n, int(r.negative), int(r.n))
        if test.diff > 0 and test.p_value < spike.alpha:
            day = pd.Timestamp(r.day)
            when = day.to_pydatetime() + timedelta(hours=23, minutes=59)
            out.append((stable_id("ticket", spike.id, r.store_id, r.touchpoint, f"{day:%Y-%m-%d}"), spike.id, None,
                        r.store_id, r.touchpoint, spike.severity,
                        f"{spike.label}：{tax.label(r.touchpoint)} 当日负面 {r.negative}/{r.n}，前{spike.window_days}天 "
                        f"{base_neg}/{base_n}", spike.owner, spike.sla_hours, when, None, None))
    return out


def _incident_tickets(cur, rule: IncidentRule, rows: list[tuple], since: datetime, until: datetime) -> list[tuple]:
    """Add the tickets of the incidents first flagged in [since, until) — one per incident event, see
    ``_event_tickets`` — and drop the other candidates an incident covers (same store, inside its span, about its
    touchpoint — or any sensitive-word alert for a sensitive-class incident)."""
    from cx import incidents

    inc = incidents._labelled(cur.execute(db.sql("incidents/overlapping"), {"since": since, "until": until}).df())
    if inc.empty:
        return rows
    sensitive_rules = {r.id for r in default()[0] if dict(r.when).get("sensitive_severity")}
    kept = []
    if rule.fold:
        spans = {}
        for r in inc.itertuples(index=False):
            end = pd.Timestamp(r.end_at) if r.end_at is not None and not pd.isna(r.end_at) else pd.Timestamp.max
            spans.setdefault(r.store_id, []).append((pd.Timestamp(r.start_at), end + pd.Timedelta(days=1), r.kind, r.key))
        for row in rows:
            store, tp, rule_id, at = row[3], row[4], row[1], pd.Timestamp(row[9])
            covered = any(a <= at < b and ((kind == "touchpoint" and tp == key) or
                                           (kind == "sensitive" and rule_id in sensitive_rules))
                          for a, b, kind, key in spans.get(store, ()))
            if not covered:
                kept.append(row)
    else:
        kept = list(rows)
    new = [r for r in inc.to_dict("records")
           if pd.Timestamp(since) <= _flagged_at(r) < pd.Timestamp(until)]
    return kept + (_event_tickets(cur, rule, new) if new else [])


def _flagged_at(r) -> datetime:
    """When an incident's ticket is due to open: the end of its first flagged day."""
    return (pd.Timestamp(r["first_flagged"]) + pd.Timedelta(hours=23, minutes=59)).to_pydatetime()


def _event_tickets(cur, rule: IncidentRule, new: list[dict]) -> list[tuple]:
    """Ticket rows (``COLUMNS``) for incidents just flagged (``new``: labelled ``incidents/overlapping`` rows):
    one ticket per incident event. Incidents of one store whose spans and feedback overlap are one event — the
    grouping rule of the incident views, ``cx.incidents.grouped`` (a food-safety burst raises a touchpoint and a
    sensitive-class incident). A new incident of an event whose ticket is still open (the ticket of one of its
    incidents, or the ticket one was attached to) gets ``attach_to`` = that ticket (the earliest one if there
    are several); the new incidents of an event without an open ticket open one ticket — the earliest flagged
    (then the most serious), titled with every trigger — and the others attach to it. An incident already on a
    ticket (its own or attached) is left alone, so a re-run adds nothing; after the event's ticket is resolved
    or closed, a new incident opens a new ticket."""
    from cx import incidents

    hosts = cur.execute(db.sql("loop/incident_hosts"), {"stores": sorted({r["store_id"] for r in new})}).df()
    handled = set(hosts["ticket_id"])
    new = [r for r in new if r["ticket_id"] not in handled]
    if not new:
        return []
    live = hosts[hosts["host_status"].isin(vocab.TICKET_OPEN_STATES)]
    host_of = {i: (pd.Timestamp(c), h) for i, h, c in zip(live["incident_id"], live["host_id"], live["host_created"])}
    pool = pd.DataFrame(new)
    if len(live):
        pool = pd.concat([incidents._labelled(live.drop(columns=["host_id", "host_status", "host_created"])), pool],
                         ignore_index=True)
    events = incidents.grouped(pool, lambda r: incidents._members(cur, r))
    fresh_by_id = {r["incident_id"]: r for r in new}

    def row(r: dict, title: str, attach_to: str | None) -> tuple:
        return (r["ticket_id"], rule.id, None, r["store_id"], r["key"] if r["kind"] == "touchpoint" else None,
                r["severity"], f"{rule.label}：{title}", rule.owner, rule.sla_hours, _flagged_at(r), r["incident_id"],
                attach_to)

    out = []
    for ev in events.to_dict("records"):
        fresh = sorted((fresh_by_id[i] for i in ev["incident_ids"] if i in fresh_by_id),
                       key=lambda r: (_flagged_at(r), -_SEVERITY_RANK.get(r["severity"], 0), r["incident_id"]))
        if not fresh:
            continue
        open_hosts = sorted(host_of[i] for i in ev["incident_ids"] if i in host_of)
        if open_hosts:
            host = open_hosts[0][1]
        else:
            lead = fresh.pop(0)          # no open ticket: every member of the event is new here
            out.append(row(lead, incidents.describe(ev if fresh else lead), None))
            host = lead["ticket_id"]
        out += [row(r, incidents.describe(r), host) for r in fresh]
    return out


def _attach(cur, joining: pd.DataFrame) -> tuple[int, dict[str, tuple[str, str, str]]]:
    """Record each row of ``joining`` (``COLUMNS`` with ``attach_to``) on the ticket ``attach_to``, inside the
    caller's transaction: a ``trigger_added`` event at the trigger's time (not before the ticket's creation;
    detail: JSON with trigger — the ticket id it would have had —, rule_id, incident_id, severity, title and
    raised_from) and the ticket's severity raised to the trigger's when that is more serious. The ticket keeps
    its SLA, deadline and level. Triggers already recorded and tickets that no longer exist are skipped.
    Returns (triggers recorded, {ticket_id: (severity before, severity after, last raising trigger's title)})."""
    ids = list(dict.fromkeys(joining["attach_to"]))
    done = {r[0] for r in cur.execute(db.sql("loop/triggers_on"), {"ids": ids}).fetchall()}
    info = {}
    for tid in ids:
        t = cur.execute(db.sql("loop/ticket_get"), {"ticket_id": tid}).df()
        if len(t):
            info[tid] = {"severity": t["severity"].iloc[0], "created_at": pd.Timestamp(t["created_at"].iloc[0])}
    n, raised = 0, {}
    for r in joining.sort_values(["created_at", "ticket_id"]).itertuples(index=False):
        host = info.get(r.attach_to)
        if host is None or r.ticket_id in done:
            continue
        before = host["severity"]
        up = _SEVERITY_RANK.get(r.severity, 0) > _SEVERITY_RANK.get(before, 0)
        detail = json.dumps({"trigger": r.ticket_id, "rule_id": r.rule_id, "incident_id": r.incident_id,
                             "severity": r.severity, "title": r.title, "raised_from": before if up else None},
                            ensure_ascii=False)
        cur.execute(db.sql("loop/event_add"), {"ticket_id": r.attach_to, "at": max(pd.Timestamp(r.created_at),
                                                                                  host["created_at"]).to_pydatetime(),
                                               "actor": "规则引擎", "event": TRIGGER_EVENT, "detail": detail})
        if up:
            cur.execute(db.sql("loop/ticket_severity"), {"ticket_id": r.attach_to, "severity": r.severity})
            raised[r.attach_to] = (raised.get(r.attach_to, (before,))[0], r.severity, r.title)
            host["severity"] = r.severity
        done.add(r.ticket_id)
        n += 1
    return n, raised


def run(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime | None = None,
        actor: str = "规则引擎") -> int:
    """Evaluate all rules over [since, until) and open the tickets not yet open; the further incidents of an
    event whose ticket is open are recorded on that ticket (``_attach``). Notifications in the same transaction:
    ``ticket_created`` for each new ticket, ``ticket_updated`` for an existing ticket whose severity an attached
    trigger raised (nothing for an attached trigger that does not). Returns how many tickets were opened."""
    cand = candidate_tickets(con, since, until or settings.now() + timedelta(days=1))
    if cand.empty:
        return 0
    opening, joining = cand[cand["attach_to"].isna()], cand[cand["attach_to"].notna()]
    with con.cursor() as cur, db.transaction(cur):
        created = pd.DataFrame(columns=["ticket_id", "created_at"])
        if len(opening):
            cur.register("staged_tickets", opening.drop(columns=["incident_id", "attach_to"]))
            created = cur.execute(db.sql("loop/insert_tickets")).df()
            cur.unregister("staged_tickets")
        if len(created):
            events = created.assign(actor=actor, event="created", detail="规则触发").rename(columns={"created_at": "event_at"})
            cur.register("staged_events", events[["ticket_id", "event_at", "actor", "event", "detail"]])
            cur.execute(db.sql("loop/insert_events"))
            cur.unregister("staged_events")
        attached, raised = _attach(cur, joining) if len(joining) else (0, {})
        if len(created) or attached:
            db.bump_loop_version(cur)
        from cx.notify import outbox    # same transaction: a ticket exists exactly with its notifications

        if len(created):
            outbox.enqueue_tickets(cur, created["ticket_id"].tolist(), "ticket_created")
        updated = {tid: v for tid, v in raised.items() if tid not in set(created["ticket_id"])}
        if updated:
            outbox.enqueue_tickets(cur, list(updated), "ticket_updated", detail={
                tid: f"严重度由{SEVERITY_LABELS[a]}上调为{SEVERITY_LABELS[b]}：同一事件追加触发——{title}"
                for tid, (a, b, title) in updated.items()})
    return len(created)
