"""Who gets what: ``data/recipients.yaml`` (per HQ, region or store: e-mail and/or a group-robot webhook)
plus every account in users.yaml that has an ``email`` and whose role matches the ticket's level.

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
        events: [ticket_created, escalated]   # default: every kind (ticket_created, escalated, digest)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cx import auth, settings

KINDS = ("ticket_created", "escalated", "digest")
WEBHOOK_KINDS = ("wecom", "dingtalk", "feishu")
LEVELS = ("store", "region", "hq")


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


def webhook(rid: str) -> Recipient:
    for r in load():
        if r.id == rid and r.webhook_url:
            return r
    raise RecipientsError(f"recipients.yaml 中没有 id 为“{rid}”的 webhook")


def targets(kind: str, level: str, region: str | None, store: str | None,
            configured: list[Recipient] | None = None, users: list[auth.User] | None = None) -> list[tuple[str, str]]:
    """(channel, target) pairs for one event at one level: configured recipients and users with e-mail.
    ``configured`` / ``users``: preloaded lists (a batch of tickets reads the files once)."""
    out: list[tuple[str, str]] = []

    def matches(lv: str, rg: str | None, st: str | None) -> bool:
        return lv == level and (level == "hq" or (level == "region" and rg == region) or (level == "store" and st == store))

    for r in load() if configured is None else configured:
        if kind in r.events and matches(r.level, r.region, r.store):
            if r.email:
                out.append(("email", r.email))
            if r.webhook_url:
                out.append((r.webhook_kind, r.id))
    for u in auth.list_users() if users is None else users:
        if u.email and u.role != "analyst" and matches(u.role, u.region, u.store_id):
            out.append(("email", u.email))
    return list(dict.fromkeys(out))
