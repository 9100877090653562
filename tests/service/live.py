"""A real CX Lens service (uvicorn + st.App) on a free port, a real SMTP server (aiosmtpd) and a local HTTP
receiver for the group-robot webhooks: shared by the service tests and benchmarks/service_load.py."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from cx.db import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# As scripts/run-app.sh: no per-message deflate on the websocket, which is `streamlit run`'s default too
# (server.enableWebsocketCompression = false); uvicorn's own default compresses every delta on the event loop.
UVICORN_OPTIONS = ("--ws-per-message-deflate", "false")


class Service:
    """One service process over ``db`` with every path under ``home``; ``env`` adds variables."""

    def __init__(self, db: Path, home: Path, **env: str):
        self.db, self.home, self.extra = db, home, env
        self.proc: subprocess.Popen | None = None
        self.port = free_port()
        self.log = home / "service.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        return {**os.environ, "CX_DB": str(self.db), "CX_USERS": str(self.home / "users.yaml"),
                "CX_DATA": str(self.home), "CX_TOKENS": str(self.home / "api_tokens.yaml"), "CX_PORT": str(self.port),
                "CX_SERVICE_PORT": str(self.port), "CX_DELIVER_SECONDS": "0.5", "CX_RETRY_BASE_S": "0.5",
                "CX_INBOX_SECONDS": "1", "CX_INBOX_SETTLE_S": "0", "CX_ESCALATE_SECONDS": "1", **self.extra}

    def start(self, wait_s: float = 90, **env: str) -> "Service":
        self.extra.update(env)
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "cx.service.app:app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--no-access-log", *UVICORN_OPTIONS, "--forwarded-allow-ips", self.extra.get("CX_TRUSTED_PROXIES", "")],
                cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"service exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"service not ready: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def cli(self, *args: str, env: dict | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cx", *args], cwd=ROOT, env={**self.env(), **(env or {})},
                              capture_output=True, text=True, input=stdin, timeout=300)

    def token(self, name: str, role: str, *extra: str) -> str:
        r = self.cli("tokens", "add", name, "--role", role, *extra)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip().splitlines()[-1]


def copy_store(src: Path, home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    dst = home / "cx.duckdb"
    shutil.copy(src, dst)
    return dst


class Smtp:
    """aiosmtpd on a free port collecting every message."""

    def __init__(self, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        box = self.messages

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                box.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.port = port or free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def wait(self, n: int, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.2)
        return list(self.messages)


class Receiver:
    """A local HTTP server recording each POST (path with query, JSON body); answers like the robots do."""

    def __init__(self):
        self.requests: list[dict] = []
        box = self.requests

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                box.append({"path": self.path, "json": json.loads(body or b"null"), "at": time.time()})
                out = json.dumps({"errcode": 0, "errmsg": "ok", "code": 0, "msg": "success"}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()

    def wait(self, n: int, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.2)
        return list(self.requests)
