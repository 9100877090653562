"""One ticket per incident event: the chain's food-safety burst (tests/test_incidents.py ``chain``) raises a
sensitive-class and a touchpoint incident at S001 — one ticket, both triggers on it, one notification."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest
import yaml

from cx import auth, incidents
from cx.filters import Filters
from cx.loop import rules, tickets
from tests import test_incidents

chain = test_incidents.chain          # the fixture: three stores, S001 with a food-safety burst on days 170–176


@pytest.fixture(autouse=True)
def _recipients(tmp_path, monkeypatch):
    """The incident rule's owner is the region: S001's region (华东) has a mailbox."""
    monkeypatch.setenv("CX_USERS", str(tmp_path / "users.yaml"))
    monkeypatch.setenv("CX_DATA", str(tmp_path))
    (tmp_path / "recipients.yaml").write_text(yaml.safe_dump({"recipients": [
        {"id": "east", "level": "region", "region": "华东", "email": "east@example.com"},
        {"id": "south", "level": "region", "region": "华南", "email": "south@example.com"}]}), encoding="utf-8")


def _at(day) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _burst(con):
    """The burst's two incidents (sensitive first flagged a day before the touchpoint one) and their tickets."""
    incidents.refresh(con)
    inc = con.execute("SELECT incident_id, kind, first_flagged, ticket_id FROM incidents WHERE store_id = 'S001' "
                      "ORDER BY first_flagged, kind").df()
    assert list(inc["kind"]) == ["sensitive", "touchpoint"] and inc["first_flagged"].is_monotonic_increasing
    return inc


def _incident_tickets(con):
    return con.execute("SELECT ticket_id, severity, due_at, owner_level FROM tickets WHERE rule_id = 'incident' "
                       "ORDER BY created_at").df()


def _notes(con, kind=None):
    return con.execute("SELECT kind, event_key, target, subject, body FROM notifications "
                       "WHERE $kind IS NULL OR kind = $kind ORDER BY event_key", {"kind": kind}).df()


def test_one_burst_opens_one_ticket_with_both_triggers_and_one_notification(chain):
    con, first = chain
    inc = _burst(con)
    assert rules.run(con, _at(first), _at(first + timedelta(days=201))) > 0
    tk = _incident_tickets(con)
    assert len(tk) == 1                                          # not one per trigger
    tid = tk["ticket_id"].iloc[0]
    assert tid == inc["ticket_id"].iloc[0]                       # the earliest flagged trigger opened it
    trig = tickets.triggers(con, tid)
    assert list(trig["incident_id"]) == list(inc["incident_id"]) and list(trig["attached"]) == [False, True]
    assert list(trig["trigger_id"]) == list(inc["ticket_id"])
    title = tickets.get(con, tid)["title"]
    assert "同一事件触发 2 项" in title and "食品安全敏感词" in title and "食品安全负面提及" in title
    ev = tickets.events(con, tid)
    assert list(ev["event"]) == ["created", rules.TRIGGER_EVENT]
    assert ev["detail"].iloc[1].startswith("同一事件的另一触发项：重大事件：一号店：食品安全负面提及")
    # one "new ticket" message for the event, none for the attached trigger, no "update" (severity unchanged)
    mine = _notes(con)
    mine = mine[mine["event_key"].str.contains("|".join(inc["ticket_id"]))]
    assert list(mine["event_key"]) == [f"created:{tid}"] and list(mine["target"]) == ["east@example.com"]
    # the incident views find the event's one ticket
    row = incidents.listing(con, Filters(first, first + timedelta(days=199))).iloc[0]
    assert list(incidents.tickets(con, row)["ticket_id"]) == [tid]
    # a re-run adds nothing: no ticket, no trigger event, no message
    before = (len(tickets.events(con, tid)), len(_notes(con)), con.execute("SELECT count(*) FROM tickets").fetchone())
    assert rules.run(con, _at(first), _at(first + timedelta(days=201))) == 0
    assert (len(tickets.events(con, tid)), len(_notes(con)), con.execute("SELECT count(*) FROM tickets").fetchone()) == before


def test_a_later_trigger_joins_the_open_ticket_raising_its_severity_and_sends_an_update(chain):
    con, first = chain
    inc = _burst(con)
    con.execute("UPDATE incidents SET severity = 'medium' WHERE incident_id = ?", [inc["incident_id"].iloc[0]])
    day1 = inc["first_flagged"].iloc[0] + timedelta(days=1)         # the daily runs: up to the first flag …
    rules.run(con, _at(first), _at(day1))
    [tid] = _incident_tickets(con)["ticket_id"]
    opened = tickets.get(con, tid)
    assert opened["severity"] == "medium"
    assert list(_notes(con, "ticket_created")["event_key"]).count(f"created:{tid}") == 1
    assert _notes(con, "ticket_updated").empty
    rules.run(con, _at(day1), _at(first + timedelta(days=201)))     # … then the touchpoint incident's day
    tk = _incident_tickets(con)
    assert list(tk["ticket_id"]) == [tid]                            # attached, not a second ticket
    t = tickets.get(con, tid)
    assert t["severity"] == "high"                                  # raised to the more serious trigger's
    assert (t["due_at"], t["owner_level"], t["sla_hours"]) == (opened["due_at"], opened["owner_level"], opened["sla_hours"])
    trig = tickets.triggers(con, tid)
    assert list(trig["severity"]) == ["medium", "high"] and list(trig["severity_label"]) == ["中", "高"]
    ev = tickets.events(con, tid)
    assert "工单严重度由中上调为高" in ev.loc[ev["event"] == rules.TRIGGER_EVENT, "detail"].iloc[0]
    created = _notes(con, "ticket_created")
    assert not created["event_key"].str.contains(inc["ticket_id"].iloc[1]).any()      # no second "new ticket"
    upd = _notes(con, "ticket_updated")
    assert list(upd["event_key"]) == [f"updated:{tid}:high"] and list(upd["target"]) == ["east@example.com"]
    assert "严重度上调" in upd["subject"].iloc[0] and "严重度由中上调为高" in upd["body"].iloc[0]
    # SLA escalation stays per ticket: one step at the ticket's own deadline
    tickets.escalate(con, pd.Timestamp(t["due_at"]).to_pydatetime())
    assert (tickets.get(con, tid)["owner_level"], list(tickets.events(con, tid)["event"]).count("escalated")) == ("hq", 1)
    # re-running the later window changes nothing
    n = len(_notes(con))
    rules.run(con, _at(day1), _at(first + timedelta(days=201)))
    assert len(_notes(con)) == n and len(tickets.triggers(con, tid)) == 2


def test_a_trigger_after_the_event_ticket_was_resolved_opens_a_ticket_of_its_own(chain):
    con, first = chain
    inc = _burst(con)
    day1 = inc["first_flagged"].iloc[0] + timedelta(days=1)
    rules.run(con, _at(first), _at(day1))
    [tid] = _incident_tickets(con)["ticket_id"]
    tickets.act(con, tid, "resolve", "区域经理", note="已下架问题批次", now=_at(day1))
    rules.run(con, _at(day1), _at(first + timedelta(days=201)))
    assert list(_incident_tickets(con)["ticket_id"]) == list(inc["ticket_id"])
    assert len(tickets.triggers(con, tid)) == 1
    assert f"created:{inc['ticket_id'].iloc[1]}" in set(_notes(con, "ticket_created")["event_key"])


def test_the_api_lists_a_tickets_triggers(chain, monkeypatch):
    from fastapi.testclient import TestClient

    from cx.service import api as api_mod

    con, first = chain
    inc = _burst(con)
    rules.run(con, _at(first), _at(first + timedelta(days=201)))
    tid = inc["ticket_id"].iloc[0]
    monkeypatch.setitem(api_mod.api.dependency_overrides, api_mod.con, lambda: con)
    monkeypatch.setitem(api_mod.api.dependency_overrides, api_mod.caller, lambda: auth.User("boss", "总部", "hq"))
    body = TestClient(api_mod.api).get(f"/v1/tickets/{tid}").json()
    assert [t["incident_id"] for t in body["triggers"]] == list(inc["incident_id"])
    assert [t["attached"] for t in body["triggers"]] == [False, True]
    added = [e for e in body["events"] if e["event"] == rules.TRIGGER_EVENT]
    assert len(added) == 1 and added[0]["detail"].startswith("同一事件的另一触发项")
