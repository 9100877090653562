"""The CLI's way to the running service: when a service process holds the store, commands that read or
write it go through the REST API instead of opening the file (which DuckDB would refuse).

The service writes ``<store>.service.json`` (url, pid, a local token; 0600) while it runs. The token used is
``$CX_TOKEN``, else the file named by ``$CX_TOKEN_FILE``, else that local token.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import httpx

from cx import settings


class ServiceError(RuntimeError):
    """The service refused or failed a request (the message is its Chinese error message)."""


def service_for(store: Path | None = None) -> dict | None:
    """{url, pid, token} of the live service holding ``store`` (default the configured store), else None."""
    p = Path(store) if store is not None else settings.db_path()
    f = p.with_name(p.name + ".service.json")
    try:
        info = json.loads(f.read_text())
        os.kill(int(info["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        if httpx.get(info["url"] + "/healthz", timeout=3).status_code != 200:
            return None
    except httpx.HTTPError:
        return None
    return info


def _token(info: dict) -> str:
    if settings.env("CX_TOKEN"):
        return settings.env("CX_TOKEN")
    if settings.env("CX_TOKEN_FILE"):
        return Path(settings.env("CX_TOKEN_FILE")).read_text().strip()
    return info["token"]


def call(info: dict, method: str, path: str, timeout: float = 600, **kw) -> httpx.Response:
    """One API request; raises ServiceError with the service's Chinese message on an error status."""
    try:
        r = httpx.request(method, info["url"] + "/api" + path, headers={"Authorization": f"Bearer {_token(info)}"},
                          timeout=timeout, **kw)
    except httpx.HTTPError as e:
        raise ServiceError(f"无法连接正在运行的服务（{info['url']}）：{e}") from None
    if r.status_code >= 400:
        try:
            msg = r.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            msg = f"HTTP {r.status_code}"
        raise ServiceError(msg)
    return r
