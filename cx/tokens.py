"""API tokens: named, scoped exactly like users (role + region/store), stored hashed, revocable.

Kept in a YAML file (``$CX_TOKENS`` or ``data/api_tokens.yaml``, 0600, git-ignored) rather than in the
store, so ``python -m cx tokens add`` works while the service holds the store file. A token is shown once
at creation: ``cxl_<id>_<secret>``; only its SHA-256 is kept (the secret has 256 bits, so a fast hash is
enough — unlike passwords it cannot be guessed from a dictionary).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from cx import auth, settings

_LOCK = threading.Lock()
_CACHE: dict[str, tuple[float, dict]] = {}


class TokenError(ValueError):
    """Bad token data (Chinese message)."""


@dataclass(frozen=True)
class Token:
    token_id: str
    name: str
    role: str
    region: str | None
    store_id: str | None
    created_at: str
    revoked_at: str | None = None

    def user(self) -> auth.User:
        """The user this token acts as (its scope is the user's scope)."""
        return auth.User(f"token:{self.name}", f"API 令牌 {self.name}", self.role, self.region, self.store_id)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _load(path: Path) -> dict:
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return {}
    hit = _CACHE.get(str(path))
    if hit and hit[0] == mtime:
        return hit[1]
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    toks = doc.get("tokens", {}) if isinstance(doc, dict) else {}
    _CACHE[str(path)] = (mtime, toks)
    return toks


def _save(path: Path, toks: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump({"tokens": toks}, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    _CACHE.pop(str(path), None)


def add(name: str, role: str, region: str | None = None, store_id: str | None = None,
        path: Path | None = None) -> tuple[Token, str]:
    """Create a token; returns (token, secret text shown once). Raises TokenError."""
    path = path or settings.tokens_path()
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,40}", name or ""):
        raise TokenError("令牌名称只能包含字母、数字、下划线、点和连字符，长度 2–40")
    if role not in auth.ROLES:
        raise TokenError(f"未知角色“{role}”，可选：{'、'.join(auth.ROLES)}")
    if role == "region" and not region:
        raise TokenError("区域令牌必须指定区域（--region）")
    if role == "store" and not store_id:
        raise TokenError("门店令牌必须指定门店编号（--store）")
    with _LOCK:
        toks = dict(_load(path))
        if any(t.get("name") == name and not t.get("revoked_at") for t in toks.values()):
            raise TokenError(f"已有同名的有效令牌“{name}”（可先吊销）")
        tid = secrets.token_hex(4)
        secret = f"cxl_{tid}_{secrets.token_urlsafe(32)}"
        toks[tid] = {"name": name, "role": role, "region": region if role == "region" else None,
                     "store_id": store_id if role == "store" else None, "sha256": _digest(secret),
                     "created_at": datetime.now().isoformat(timespec="seconds"), "revoked_at": None}
        _save(path, toks)
    return _token(tid, toks[tid]), secret


def revoke(name_or_id: str, path: Path | None = None) -> int:
    """Revoke every active token with this name or id; returns how many."""
    path = path or settings.tokens_path()
    with _LOCK:
        toks = {k: dict(v) for k, v in _load(path).items()}
        n = 0
        for tid, t in toks.items():
            if (tid == name_or_id or t.get("name") == name_or_id) and not t.get("revoked_at"):
                t["revoked_at"] = datetime.now().isoformat(timespec="seconds")
                n += 1
        if n:
            _save(path, toks)
    if not n:
        raise TokenError(f"没有名为“{name_or_id}”的有效令牌")
    return n


def list_tokens(path: Path | None = None) -> list[Token]:
    return [_token(k, v) for k, v in sorted(_load(path or settings.tokens_path()).items(),
                                             key=lambda kv: kv[1].get("created_at", ""))]


def verify(secret: str, path: Path | None = None) -> Token | None:
    """The active token for this secret, or None (unknown, malformed or revoked)."""
    m = re.fullmatch(r"cxl_([0-9a-f]{8})_[A-Za-z0-9_\-]{20,}", secret or "")
    if not m:
        return None
    rec = _load(path or settings.tokens_path()).get(m.group(1))
    if not rec or rec.get("revoked_at") or not hmac.compare_digest(rec.get("sha256", ""), _digest(secret)):
        return None
    return _token(m.group(1), rec)


def _token(tid: str, r: dict) -> Token:
    return Token(tid, r["name"], r["role"], r.get("region"), r.get("store_id"), str(r.get("created_at")),
                 r.get("revoked_at"))
