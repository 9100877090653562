"""Users, roles and row scope.

Users live in a YAML file (``$CX_USERS`` or ``data/users.yaml``, git-ignored) with bcrypt password hashes.
Each account may carry contact details for notifications (``email``, and optionally ``webhook`` with
``kind`` wecom/dingtalk/feishu, ``url`` and ``secret``): a store ticket reaches the store's accounts, an
escalation to the region the region's accounts, to HQ the HQ accounts (cx.notify.recipients).
Roles: hq 总部 (all rows, may edit configuration), analyst 分析师 (all rows, read-only), region 区域 (the
stores of one region), store 门店 (one store). ``scope`` turns a user into the store list that every query
receives as a bound parameter (None = unrestricted).
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import bcrypt
import duckdb
import yaml


ROLES = {"hq": "总部", "analyst": "分析师", "region": "区域经理", "store": "门店店长"}
MIN_PASSWORD = 8
_LOCK = threading.Lock()


class AuthError(ValueError):
    """Bad user data or credentials; the message is Chinese and safe to show."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    region: str | None = None
    store_id: str | None = None
    email: str | None = None
    webhook_kind: str | None = None        # wecom | dingtalk | feishu: the user's own robot (optional)
    webhook_url: str | None = None
    webhook_secret: str | None = None

    @property
    def is_hq(self) -> bool:
        return self.role == "hq"

    @property
    def sees_all(self) -> bool:
        """Every store's rows (HQ and analysts); region and store roles are scoped."""
        return self.role in ("hq", "analyst")

    @property
    def sees_all_imports(self) -> bool:
        """Every import and its rejected rows (a rejected row may belong to any store): HQ only."""
        return self.role == "hq"

    @property
    def sees_text_config(self) -> bool:
        """Told about stale text configuration (they can act on it)."""
        return self.role in ("hq", "analyst")

    @property
    def can_edit_config(self) -> bool:
        return self.role == "hq"

    @property
    def sees_service_status(self) -> bool:
        """Notification delivery, job runs, the audit log and API tokens (通知与审计): HQ only."""
        return self.role == "hq"

    @property
    def can_write(self) -> bool:
        """Import data and handle tickets (analysts only read)."""
        return self.role in ("hq", "region", "store")

    def describe(self) -> str:
        where = self.region if self.role == "region" else self.store_id if self.role == "store" else "全部门店"
        return f"{self.name}（{ROLES[self.role]} · {where}）"


def users_path() -> Path:
    from cx import settings

    return settings.users_path()


def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return doc.get("users", {}) if isinstance(doc, dict) else {}


def _save(path: Path, users: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def has_users(path: Path | None = None) -> bool:
    return bool(_load(path or users_path()))


def add_user(username: str, password: str, role: str, name: str | None = None, region: str | None = None,
             store_id: str | None = None, path: Path | None = None, replace: bool = False,
             email: str | None = None) -> User:
    path = path or users_path()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,40}", username or ""):
        raise AuthError("用户名只能包含字母、数字、下划线、点和连字符，长度 2–40")
    if role not in ROLES:
        raise AuthError(f"未知角色“{role}”，可选：{'、'.join(ROLES)}")
    if role == "region" and not region:
        raise AuthError("区域经理账号必须指定区域（--region）")
    if role == "store" and not store_id:
        raise AuthError("门店账号必须指定门店编号（--store）")
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"密码至少 {MIN_PASSWORD} 位")
    email = _check_email(email)
    with _LOCK:
        users = _load(path)
        if username in users and not replace:
            raise AuthError(f"用户“{username}”已存在")
        kept = {k: v for k, v in (users.get(username) or {}).items() if k in ("email", "webhook")}   # on replace
        users[username] = {**kept, "name": name or username, "role": role, "region": region if role == "region" else None,
                           "store_id": store_id if role == "store" else None,
                           "password": bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()}
        if email:
            users[username]["email"] = email
        _save(path, users)
    return _user(username, users[username])


WEBHOOK_KINDS = {"wecom": "企业微信", "dingtalk": "钉钉", "feishu": "飞书"}
_UNSET = object()


def _check_email(email: str | None) -> str | None:
    email = (email or "").strip() or None
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise AuthError(f"邮箱格式不正确：{email}")
    return email


def set_contact(username: str, email: object = _UNSET, webhook: object = _UNSET, path: Path | None = None) -> User:
    """Set (or with ``None`` / ``""`` clear) an account's notification e-mail and/or its own group-robot
    webhook ``{"kind": wecom|dingtalk|feishu, "url": "https://…", "secret": "…" (钉钉/飞书 signature, optional)}``.
    Arguments left out keep their value. Raises AuthError (Chinese) for an unknown user or bad values."""
    path = path or users_path()
    if email is not _UNSET:
        email = _check_email(email)
    if webhook is not _UNSET and webhook:
        if not isinstance(webhook, dict) or webhook.get("kind") not in WEBHOOK_KINDS:
            raise AuthError(f"webhook 类型必须是 {'/'.join(WEBHOOK_KINDS)}")
        if not re.fullmatch(r"https?://\S+", str(webhook.get("url") or "")):
            raise AuthError("webhook 地址必须以 http:// 或 https:// 开头")
        webhook = {"kind": webhook["kind"], "url": str(webhook["url"]),
                   **({"secret": str(webhook["secret"])} if webhook.get("secret") else {})}
    with _LOCK:
        users = _load(path)
        if username not in users:
            raise AuthError(f"用户“{username}”不存在")
        rec = users[username]
        for key, value in (("email", email), ("webhook", webhook)):
            if value is _UNSET:
                continue
            if value:
                rec[key] = value
            else:
                rec.pop(key, None)
        _save(path, users)
    return _user(username, users[username])


def reset_password(username: str, password: str, path: Path | None = None) -> None:
    path = path or users_path()
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"密码至少 {MIN_PASSWORD} 位")
    with _LOCK:
        users = _load(path)
        if username not in users:
            raise AuthError(f"用户“{username}”不存在")
        users[username]["password"] = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10)).decode()
        _save(path, users)


def authenticate(username: str, password: str, path: Path | None = None) -> User:
    """The user for these credentials; one message for unknown user and wrong password alike."""
    rec = _load(path or users_path()).get(username or "")
    stored = (rec or {}).get("password", "$2b$10$" + "x" * 53).encode()
    try:
        ok = bcrypt.checkpw((password or "").encode(), stored)
    except ValueError:
        ok = False
    if not rec or not ok:
        raise AuthError("用户名或密码错误")
    return _user(username, rec)


def list_users(path: Path | None = None) -> list[User]:
    return [_user(u, r) for u, r in sorted(_load(path or users_path()).items())]


def _user(username: str, rec: dict) -> User:
    hook = rec.get("webhook") if isinstance(rec.get("webhook"), dict) else {}
    return User(username, rec.get("name") or username, rec["role"], rec.get("region"), rec.get("store_id"),
                rec.get("email"), hook.get("kind"), hook.get("url"), hook.get("secret"))


def scope(con: duckdb.DuckDBPyConnection, user: User) -> tuple[str, ...] | None:
    """Store ids the user may see; None means every row (HQ and analysts)."""
    if user.sees_all:
        return None
    if user.role == "store":
        return (user.store_id,)
    with con.cursor() as cur:
        rows = cur.execute("SELECT store_id FROM stores WHERE region = ? ORDER BY store_id", [user.region]).fetchall()
    return tuple(r[0] for r in rows) or ("__none__",)


DEMO_PASSWORDS = {"hq": "demo-hq-2026", "analyst": "demo-analyst-2026", "region": "demo-region-2026",
                  "store": "demo-store-2026"}


def create_demo_users(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[User]:
    """Demo accounts for each role (listed in README as demo credentials; never created for real data)."""
    with con.cursor() as cur:
        region, store = cur.execute(
            "SELECT region, min(store_id) FROM stores GROUP BY region ORDER BY count(*) DESC, region LIMIT 1").fetchone()
    specs = [("hq", "总部演示账号", None, None), ("analyst", "分析师演示账号", None, None),
             ("region", f"{region}区域演示账号", region, None), ("store", f"{store} 店长演示账号", None, store)]
    return [add_user(f"demo-{role}", DEMO_PASSWORDS[role], role, name, region=r, store_id=s, path=path, replace=True)
            for role, name, r, s in specs]
