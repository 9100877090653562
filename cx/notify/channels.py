"""Delivery channels: e-mail over SMTP and the group-robot webhooks of 企业微信, 钉钉 and 飞书.

Payload formats and signatures as the vendors' public docs give them:
- 企业微信 群机器人: POST JSON ``{"msgtype": "markdown", "markdown": {"content": …}}`` to the webhook URL
  (the key in the URL authenticates; no signature). Success: ``{"errcode": 0}``.
- 钉钉 自定义机器人 (加签): ``sign = base64(HMAC-SHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}"))``,
  URL-encoded and appended as ``&timestamp=…&sign=…``; body ``{"msgtype": "markdown", "markdown": {"title", "text"}}``.
  Success: ``{"errcode": 0}``.
- 飞书 自定义机器人 (签名校验): ``sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b""))``; body
  ``{"timestamp": "…", "sign": "…", "msg_type": "text", "content": {"text": …}}``. Success: ``{"code": 0}``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import smtplib
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

import httpx

from cx import settings
from cx.notify import recipients

TIMEOUT = 10.0


class DeliveryError(RuntimeError):
    """The receiver refused or could not be reached."""


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(kind: str, url: str, secret: str | None, subject: str, body: str,
                    now: float | None = None) -> tuple[str, dict]:
    """(url, JSON payload) for one message to a group robot of ``kind`` (wecom | dingtalk | feishu)."""
    now = time.time() if now is None else now
    if kind == "wecom":
        return url, {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}}
    if kind == "dingtalk":
        if secret:
            ts = int(now * 1000)
            sep = "&" if "?" in url else "?"
            url = f"{url}{sep}timestamp={ts}&sign={urllib.parse.quote_plus(dingtalk_sign(secret, ts))}"
        text = f"### {subject}\n\n" + "\n\n".join(body.splitlines())
        return url, {"msgtype": "markdown", "markdown": {"title": subject[:64], "text": text}}
    if kind == "feishu":
        payload = {"msg_type": "text", "content": {"text": f"{subject}\n{body}"}}
        if secret:
            ts = int(now)
            payload = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
        return url, payload
    raise DeliveryError(f"未知的 webhook 类型：{kind}")


def send_webhook(kind: str, url: str, secret: str | None, subject: str, body: str) -> None:
    url, payload = webhook_request(kind, url, secret, subject, body)
    try:
        r = httpx.post(url, json=payload, timeout=TIMEOUT)
    except httpx.HTTPError as e:
        raise DeliveryError(f"无法连接 {kind} webhook：{e}") from None
    if r.status_code >= 400:
        raise DeliveryError(f"{kind} webhook 返回 HTTP {r.status_code}")
    try:
        doc = r.json()
    except ValueError:
        raise DeliveryError(f"{kind} webhook 的回复不是 JSON") from None
    code = doc.get("code", doc.get("errcode", doc.get("StatusCode", 0)))
    if code not in (0, "0", None):
        raise DeliveryError(f"{kind} webhook 拒绝：{code} {doc.get('msg') or doc.get('errmsg') or ''}")


def send_email(to: str, subject: str, body: str, message_id: str, attachment: str | None = None) -> None:
    cfg = settings.smtp()
    if not cfg["host"]:
        raise DeliveryError("未配置邮件服务器（CX_SMTP_HOST）")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = cfg["sender"], to, subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = f"<{message_id}@cx-lens>"    # the idempotency key: a repeat is recognisable
    msg.set_content(body)
    if attachment:
        p = Path(attachment)
        ctype = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        main, sub = ctype.split("/", 1)
        msg.add_attachment(p.read_bytes(), maintype=main, subtype=sub, filename=p.name)
    try:
        with smtplib.SMTP(cfg["host"], cfg["port"], timeout=TIMEOUT) as s:
            if cfg["tls"]:
                s.starttls()
            if cfg["user"]:
                s.login(cfg["user"], cfg["password"] or "")
            s.send_message(msg)
    except (OSError, smtplib.SMTPException) as e:
        raise DeliveryError(f"邮件发送失败：{e}") from None


def send(row: dict) -> None:
    """Deliver one outbox row (raises DeliveryError on failure)."""
    if row["channel"] == "email":
        send_email(row["target"], row["subject"], row["body"], row["notification_id"],
                   row.get("attachment") if isinstance(row.get("attachment"), str) else None)
        return
    r = recipients.webhook(row["target"])
    send_webhook(r.webhook_kind, r.webhook_url, r.webhook_secret, row["subject"], row["body"])
