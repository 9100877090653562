"""Who gets what: every account in users.yaml with an ``email`` and/or its own ``webhook`` whose role matches
the ticket's level (store accounts for their store, region accounts for their region, HQ accounts), plus
``data/recipients.yaml`` (per HQ, region or store: shared mailboxes and group-robot webhooks). One function
resolves each: ``targets`` for ticket events, ``named`` for a digest's recipient list.

recipients.yaml::

    recipients:
      - id: hq-mail                 # unique; webhooks are referred to by this id in the outbox
        level: hq                   # hq | region | store
        email: cx-hq@example.com
      - id: east-robot
        level: region
        region: 华东
        webhook: {kind: wecom, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"}
      - id: s0001-ding
        level: store
        store: S0001
        webhook: {kind: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=…", secret: "SEC…"}
        events: [ticket_created, escalated]   # default: every kind (ticket_created, ticket_updated, escalated, digest)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cx import auth, settings, vocab

KINDS = ("ticket_created", "ticket_updated", "escalated", "digest")
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu")
LEVELS = vocab.LEVELS


class RecipientsError(ValueError):
    """recipients.yaml is unusable (Chinese message)."""


@dataclass(frozen=True)
class Recipient:
    id: str
    level: str
    region: str | None = None
    store: str | None = None
    email: str | None = None
    webhook_kind: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    events: tuple[str, ...] = KINDS


def parse(doc: object, where: str = "recipients.yaml") -> list[Recipient]:
    if doc is None:
        return []
    if not isinstance(doc, dict) or not isinstance(doc.get("recipients", []), list):
        raise RecipientsError(f"{where}：缺少 recipients 列表")
    out, seen = [], set()
    for i, r in enumerate(doc.get("recipients") or [], 1):
        if not isinstance(r, dict) or not r.get("id"):
            raise RecipientsError(f"{where}：第 {i} 项缺少 id")
        rid = str(r["id"])
        if rid in seen:
            raise RecipientsError(f"{where}：id“{rid}”重复")
        seen.add(rid)
        if r.get("level") not in LEVELS:
            raise RecipientsError(f"{where}：“{rid}”的 level 必须是 hq/region/store")
        if r["level"] == "region" and not r.get("region"):
            raise RecipientsError(f"{where}：“{rid}”是区域级，必须填写 region")
        if r["level"] == "store" and not r.get("store"):
            raise RecipientsError(f"{where}：“{rid}”是门店级，必须填写 store")
        hook = r.get("webhook") or {}
        if hook and (hook.get("kind") not in WEBHOOK_KINDS or not str(hook.get("url", "")).startswith("http")):
            raise RecipientsError(f"{where}：“{rid}”的 webhook 需要 kind（wecom/dingtalk/feishu）和 http(s) 开头的 url")
        if not hook and not r.get("email"):
            raise RecipientsError(f"{where}：“{rid}”至少需要 email 或 webhook 之一")
        events = tuple(r.get("events") or KINDS)
        if any(e not in KINDS for e in events):
            raise RecipientsError(f"{where}：“{rid}”的 events 只能是 {'/'.join(KINDS)}")
        out.append(Recipient(rid, r["level"], r.get("region"), str(r["store"]) if r.get("store") else None,
                             r.get("email"), hook.get("kind"), hook.get("url"), hook.get("secret"), events))
    return out


def load(path: Path | None = None) -> list[Recipient]:
    p = path or settings.recipients_path()
    if not p.exists():
        return []
    try:
        return parse(yaml.safe_load(p.read_text(encoding="utf-8")), p.name)
    except yaml.YAMLError as e:
        raise RecipientsError(f"{p.name} 不是有效的 YAML：{e}") from None


USER_PREFIX = "user:"      # outbox target of an account's own webhook: "user:<username>"


def webhook(rid: str) -> Recipient:
    """The webhook behind an outbox target: a recipients.yaml id, or ``user:<username>`` for an account's own."""
    if rid.startswith(USER_PREFIX):
        name = rid[len(USER_PREFIX):]
        for u in auth.list_users():
            if u.username == name and u.webhook_url:
                return Recipient(rid, u.role, u.region, u.store_id, None, u.webhook_kind, u.webhook_url,
                                 u.webhook_secret)
        raise RecipientsError(f"账号“{name}”没有配置 webhook")
    for r in load():
        if r.id == rid and r.webhook_url:
            return r
    raise RecipientsError(f"recipients.yaml 中没有 id 为“{rid}”的 webhook")


def channels_of(who: Recipient | auth.User) -> list[tuple[str, str]]:
    """The (channel, target) pairs one configured recipient or one account is reached on: its e-mail and
    its webhook (target = the recipients.yaml id, or ``user:<username>``)."""
    target = USER_PREFIX + who.username if isinstance(who, auth.User) else who.id
    return ([("email", who.email)] if who.email else []) + ([(who.webhook_kind, target)] if who.webhook_url else [])


def targets(kind: str, level: str, region: str | None, store: str | None,
            configured: list[Recipient] | None = None, users: list[auth.User] | None = None) -> list[tuple[str, str]]:
    """(channel, target) pairs for one ticket event at the ticket's current level (the alert rule's owner
    level, moved up by each escalation): recipients.yaml entries for that level and region/store, and the
    accounts of that level — a store ticket reaches the store's accounts (role store, same store), an
    escalation to the region the region's accounts, to HQ the HQ accounts; analysts get no ticket messages.
    ``configured`` / ``users``: preloaded lists (a batch of tickets reads the files once)."""
    out: list[tuple[str, str]] = []

    def matches(lv: str, rg: str | None, st: str | None) -> bool:
        return lv == level and (level == "hq" or (level == "region" and rg == region) or (level == "store" and st == store))

    for r in load() if configured is None else configured:
        if kind in r.events and matches(r.level, r.region, r.store):
            out += channels_of(r)
    for u in auth.list_users() if users is None else users:
        if u.role != "analyst" and matches(u.role, u.region, u.store_id):
            out += channels_of(u)
    return list(dict.fromkeys(out))


def named(names: list[str] | tuple[str, ...], allowed=None) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Resolve a schedule's recipient list: each entry an e-mail address, a recipients.yaml id or a
    username. ``allowed(user) -> bool`` (optional) refuses accounts whose own scope does not cover what is sent
    (a chain-wide digest to a region manager would widen what that account may see). Returns (channel, target)
    pairs, the entries that matched nothing, and the accounts refused by ``allowed``."""
    hooks = {r.id: r for r in load()}
    accounts = {u.username: u for u in auth.list_users()}
    out, unknown, refused = [], [], []
    for t in names:
        if "@" in t:
            out.append(("email", t))
        elif t in hooks:
            out += channels_of(hooks[t])
        elif t in accounts and allowed is not None and not allowed(accounts[t]):
            refused.append(t)
        elif t in accounts and (pairs := channels_of(accounts[t])):
            out += pairs
        else:
            unknown.append(t)
    return list(dict.fromkeys(out)), unknown, refused
