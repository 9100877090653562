"""A live CX Lens server and a signed-in Chromium page: shared by the browser tests and
benchmarks/app_memory.py."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cx import auth, db
from cx.db import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PAGES = ["", "overview", "journey", "pain_points", "rankings", "store_profile", "scheme", "tickets", "verification",
         "kano", "report", "import_data"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(path: Path, users: Path, wait_s: float = 60):
    """Run the app on ``path`` with demo users in ``users``; yields (url, process)."""
    env = dict(os.environ, CX_DB=str(path), CX_USERS=str(users))
    os.environ["CX_USERS"] = env["CX_USERS"]
    con = db.connect(path)
    auth.create_demo_users(con, users)
    con.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    try:
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def settle(page, timeout_ms: int = 90_000):
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    page.wait_for_timeout(800)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)


def visit(page, url: str, role: str) -> None:
    """Open a page by URL; a direct visit starts a new session, so sign in again when asked."""
    page.goto(url)
    settle(page)
    if page.get_by_label("用户名").count():
        page.get_by_label("用户名").fill(f"demo-{role}")
        page.get_by_label("密码").fill(auth.DEMO_PASSWORDS[role])
        page.get_by_role("button", name="登录").click()
        settle(page)


def login(browser, url, user, password):
    ctx = browser.new_context(viewport={"width": 1500, "height": 2400}, accept_downloads=True)
    page = ctx.new_page()
    errors = []
    # The frontend first probes <page>/_stcore/* relative to a page URL and falls back to the root (404s by design).
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.goto(url)
    settle(page)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)
    return ctx, page, errors
