"""Alert rules (data/alert_rules.yaml) evaluated over feedback; they open tickets idempotently."""
from __future__ import annotations

import functools
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
    """One ticket per incident (cx/incidents.py); reviews inside an incident open no tickets of their own."""
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


def candidate_tickets(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime,
                      rules: tuple[list[Rule], list[SpikeRule]] | None = None) -> pd.DataFrame:
    """Tickets the rules call for over feedback created in [since, until) (not yet de-duplicated against
    the store; the first feedback of each dedup key wins)."""
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
                             rule.sla_hours, r.created_at))
        for spike in spikes:
            rows.extend(_spikes(cur, spike, since, until))
        inc_rule = incident_rule() if rules is None else None
        if inc_rule is not None:
            rows = _incident_tickets(cur, inc_rule, rows, since, until)
    return pd.DataFrame(rows, columns=["ticket_id", "rule_id", "feedback_id", "store_id", "touchpoint", "severity", "title",
                                       "owner_level", "sla_hours", "created_at"])


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
                        f"{base_neg}/{base_n}", spike.owner, spike.sla_hours, when))
    return out


def _incident_tickets(cur, rule: IncidentRule, rows: list[tuple], since: datetime, until: datetime) -> list[tuple]:
    """Add one ticket per incident first flagged in [since, until) and drop the other candidates an incident
    covers (same store, inside its span, about its touchpoint — or any sensitive-word alert for a
    sensitive-class incident)."""
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
    for r in inc.to_dict("records"):
        first = pd.Timestamp(r["first_flagged"])
        if not (pd.Timestamp(since) <= first + pd.Timedelta(hours=23, minutes=59) < pd.Timestamp(until)):
            continue
        kept.append((r["ticket_id"], rule.id, None, r["store_id"], r["key"] if r["kind"] == "touchpoint" else None,
                     r["severity"], f"{rule.label}：{incidents.describe(r)}", rule.owner, rule.sla_hours,
                     (first + pd.Timedelta(hours=23, minutes=59)).to_pydatetime()))
    return kept


def run(con: duckdb.DuckDBPyConnection, since: datetime, until: datetime | None = None,
        actor: str = "规则引擎") -> int:
    """Evaluate all rules over [since, until) and open the tickets not yet open. Returns how many."""
    cand = candidate_tickets(con, since, until or settings.now() + timedelta(days=1))
    if cand.empty:
        return 0
    with con.cursor() as cur, db.transaction(cur):
        cur.register("staged_tickets", cand)
        created = cur.execute(db.sql("loop/insert_tickets")).df()
        cur.unregister("staged_tickets")
        if len(created):
            events = created.assign(actor=actor, event="created", detail="规则触发").rename(columns={"created_at": "event_at"})
            cur.register("staged_events", events[["ticket_id", "event_at", "actor", "event", "detail"]])
            cur.execute(db.sql("loop/insert_events"))
            cur.unregister("staged_events")
            db.bump_loop_version(cur)
            from cx.notify import outbox    # same transaction: a ticket exists exactly with its notifications

            outbox.enqueue_tickets(cur, created["ticket_id"].tolist(), "ticket_created")
    return len(created)
