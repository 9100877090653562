"""Sign-in hardening and lasting sessions (no web framework here; ``cx.service.web`` and the page shell use it).

- ``Throttle``: failed sign-ins per user name get a growing delay (2^(n-3) s from the 4th failure, at most
  30 s) and, after ``LOCK_AFTER`` failures within ``WINDOW`` seconds, a temporary lock of ``LOCK_SECONDS``.
  An address (many people share one behind an office NAT or a proxy) has the same rule with a much higher
  threshold (``CX_LOGIN_ADDR_LIMIT``, default 100; its delay grows from half of that), so one person's
  failures never lock colleagues out, while guessing across many names from one address still is.
  In memory: the service is one process. Every failure and lock goes to the audit log.
- First admin: on a store without accounts a one-time code is printed in the service log; the first-admin
  form requires it (so the first visitor of a fresh install no longer becomes HQ admin by arriving first).
- Sessions: the cookie holds a random session id signed with the service's secret (itsdangerous); the
  store keeps only its SHA-256 with the user and the last activity, so a session is revocable and idles
  out after ``IDLE_SECONDS`` without activity.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import sys
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from itsdangerous import BadSignature, URLSafeSerializer

from cx import audit, auth, db, settings

log = logging.getLogger("cx.signin")
COOKIE = "cx_session"
IDLE_SECONDS = 8 * 3600
COOKIE_MAX_AGE = 30 * 24 * 3600
WINDOW, LOCK_AFTER, LOCK_SECONDS = 15 * 60, 10, 15 * 60


def addr_lock_after() -> int:
    """Failures from one address within WINDOW that lock the address (every user name): ``CX_LOGIN_ADDR_LIMIT``,
    default 100 — ten times the per-user limit."""
    try:
        return max(LOCK_AFTER + 1, int(settings.env("CX_LOGIN_ADDR_LIMIT", "100")))
    except ValueError:
        return 100


def _limits(key: str) -> tuple[int, int]:
    """(failures from which the delay grows, failures that lock) for one key."""
    if key.startswith("addr:"):
        n = addr_lock_after()
        return n // 2, n
    return 3, LOCK_AFTER


class Throttle:
    """Failed sign-in bookkeeping per key ("user:<name>", "addr:<ip>")."""

    def __init__(self):
        self.fails: dict[str, deque] = defaultdict(deque)
        self.locked_until: dict[str, float] = {}
        self.lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque:
        q = self.fails[key]
        while q and now - q[0] > WINDOW:
            q.popleft()
        return q

    def check(self, keys: list[str], now: float | None = None) -> tuple[float, float]:
        """(seconds locked, delay to apply before answering) for an attempt under these keys."""
        now = time.time() if now is None else now
        with self.lock:
            locked = max((self.locked_until.get(k, 0) - now for k in keys), default=0)
            over = max((len(self._prune(k, now)) - _limits(k)[0] for k in keys), default=-1)
        return max(0.0, locked), (min(30.0, 2.0 ** over) if over >= 0 else 0.0)

    def failed(self, keys: list[str], now: float | None = None) -> bool:
        """Record a failure; True when it locks a key."""
        now = time.time() if now is None else now
        locked = False
        with self.lock:
            for k in keys:
                q = self._prune(k, now)
                q.append(now)
                if len(q) >= _limits(k)[1]:
                    self.locked_until[k] = now + LOCK_SECONDS
                    q.clear()
                    locked = True
        return locked

    def succeeded(self, keys: list[str]) -> None:
        with self.lock:
            for k in keys:
                if k.startswith("user:"):
                    self.fails.pop(k, None)


THROTTLE = Throttle()


class SignInError(ValueError):
    """Refused sign-in (Chinese message)."""


def sign_in(con: duckdb.DuckDBPyConnection | None, username: str, password: str, address: str | None,
            sleep=time.sleep) -> auth.User:
    """Check credentials with throttling, lock-out and audit. Raises SignInError."""
    keys = [f"user:{(username or '').strip().lower()}", f"addr:{address or '?'}"]
    locked, delay = THROTTLE.check(keys)
    if locked > 0:
        if con is not None:
            audit.record(con, username or "?", "login_locked", detail="账号或地址暂时锁定", address=address)
        raise SignInError(f"登录失败次数过多，已暂时锁定，请 {int(locked // 60) + 1} 分钟后再试")
    if delay:
        sleep(delay)
    try:
        user = auth.authenticate(username, password)
    except auth.AuthError as e:
        now_locked = THROTTLE.failed(keys)
        log.warning("sign-in failed for %r from %s%s", username, address, " (now locked)" if now_locked else "")
        if con is not None:
            audit.record(con, username or "?", "login_failed", detail="锁定" if now_locked else str(e), address=address)
        raise SignInError(str(e)) from None
    THROTTLE.succeeded(keys)
    if con is not None:
        audit.record(con, user.username, "login", scope=user.describe(), address=address)
    return user


# ---- first admin --------------------------------------------------------------------------------------------
def _code_file() -> Path:
    p = settings.users_path()
    return p.with_name(p.name + ".setup-code")


def first_admin_code() -> str | None:
    """On a store without accounts: create (once) and print the one-time code for the first-admin set-up.
    Returns the code (None when accounts exist)."""
    if auth.has_users():
        _code_file().unlink(missing_ok=True)
        return None
    p = _code_file()
    if p.exists():
        code = p.read_text().strip()
    else:
        code = f"{secrets.randbelow(10**8):08d}"
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(code)
        os.chmod(tmp, 0o600)
        os.replace(tmp, p)
    msg = f"首个总部管理员设置码（一次性）：{code}"
    log.warning(msg)
    print(f"[CX Lens] {msg}", file=sys.stderr, flush=True)
    return code


def create_first_admin(code: str, username: str, password: str, name: str | None) -> auth.User:
    """Create the first HQ admin if ``code`` is the printed one-time code. Raises SignInError/AuthError."""
    p = _code_file()
    if auth.has_users():
        raise SignInError("已有账号，请直接登录")
    if not p.exists() or not hmac.compare_digest(p.read_text().strip(), (code or "").strip()):
        raise SignInError("设置码不正确（见服务日志中的“首个总部管理员设置码”）")
    user = auth.add_user(username, password, "hq", name or username)
    p.unlink(missing_ok=True)
    return user


# ---- sessions -----------------------------------------------------------------------------------------------
def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key(), salt="cx-session")


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def open_session(con: duckdb.DuckDBPyConnection, user: auth.User, now: datetime | None = None) -> str:
    """A new session for ``user``; returns the signed cookie value."""
    sid, now = secrets.token_urlsafe(32), now or datetime.now()
    with con.cursor() as cur, db.transaction(cur):
        cur.execute(db.sql("service/session_add"), {"h": _hash(sid), "u": user.username, "now": now})
    return _serializer().dumps(sid)


def user_of(con: duckdb.DuckDBPyConnection, cookie: str | None, now: datetime | None = None) -> auth.User | None:
    """The signed-in user of a cookie value, or None (bad signature, unknown, revoked, idle too long, or
    the account is gone). Activity is recorded at most every 5 minutes."""
    if not cookie:
        return None
    try:
        sid = _serializer().loads(cookie)
    except BadSignature:
        return None
    now = now or datetime.now()
    with con.cursor() as cur:
        row = cur.execute(db.sql("service/session_get"), {"h": _hash(str(sid))}).fetchone()
    if row is None or row[2] is not None or now - row[1] > timedelta(seconds=IDLE_SECONDS):
        return None
    user = next((u for u in auth.list_users() if u.username == row[0]), None)
    if user is not None and now - row[1] > timedelta(minutes=5):
        try:
            with con.cursor() as cur, db.transaction(cur):
                cur.execute(db.sql("service/session_touch"), {"h": _hash(str(sid)), "now": now})
        except duckdb.Error:
            pass
    return user


def close_session(con: duckdb.DuckDBPyConnection, cookie: str | None) -> None:
    if not cookie:
        return
    try:
        sid = _serializer().loads(cookie)
    except BadSignature:
        return
    with con.cursor() as cur, db.transaction(cur):
        cur.execute(db.sql("service/session_revoke"), {"h": _hash(str(sid)), "now": datetime.now()})
