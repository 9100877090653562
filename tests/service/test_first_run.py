"""First run of a live service: an empty store for real data (CX_DEMO=off, run-app.sh --empty) and the demo built
by the service itself (not by a browser session). Also /api/docs without a CDN."""
from __future__ import annotations

import re
import time

import duckdb
import httpx

from cx import auth, db
from cx.signin import COOKIE

HTML = {"Accept": "text/html"}


def _code(log: str) -> str:
    return re.findall(r"首个总部管理员设置码（一次性）：(\d{8})", log)[-1]


def _users(home) -> set[str]:
    return {u.username for u in auth.list_users(home / "users.yaml")}


def test_empty_store_mode_needs_the_set_up_code_and_signs_the_admin_in(tmp_path, spawn):
    store = tmp_path / "cx.duckdb"                      # does not exist: a fresh install
    svc = spawn(store, tmp_path, CX_DEMO="off").start()
    assert store.exists()                               # created at start-up, with the schema …
    with httpx.Client(base_url=svc.url, follow_redirects=False, timeout=30) as c:
        # … and nobody gets a page: the anonymous visitor is sent to /login, which asks for the set-up code
        r = c.get("/", headers=HTML)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        page = c.get("/login").text
        assert "设置码" in page and "demo-" not in page
        r = c.post("/auth/setup", data={"code": "00000000" if _code(svc.log.read_text()) != "00000000" else "1",
                                        "username": "boss", "password": "long-password-1",
                                        "password2": "long-password-1"})
        assert r.status_code == 400 and COOKIE not in r.cookies and _users(tmp_path) == set()
        r = c.post("/auth/setup", data={"code": _code(svc.log.read_text()), "username": "boss", "name": "总部",
                                        "password": "long-password-1", "password2": "long-password-1", "next": "/"})
        assert r.status_code == 303 and r.cookies.get(COOKIE)     # the cookie is set: signed in
        assert c.get("/", headers=HTML).status_code == 200      # the page itself, with the cookie
        # a second set-up is refused; the admin signs in again with a cookie
        c.cookies.clear()
        assert c.post("/auth/setup", data={"code": _code(svc.log.read_text()), "username": "x",
                                           "password": "long-password-2", "password2": "long-password-2"}).status_code == 400
        r = c.post("/auth/login", data={"username": "boss", "password": "long-password-1"})
        assert r.status_code == 303 and r.cookies.get(COOKIE)
        assert "demo-" not in c.get("/login").text
        # /api/docs renders offline: Swagger UI from this service, no external host
        docs = c.get("/api/docs").text
        assert "SwaggerUIBundle" in docs and not re.search(r"(src|href)=[\"']?(https?:)?//", docs)
        assert "cdn" not in docs.lower()
        for src in re.findall(r"(?:src|href)=\"([^\"]+)\"", docs):
            asset = c.get(src)
            assert asset.status_code == 200 and len(asset.content) > 100, src
        assert c.get("/api/openapi.json").status_code == 200
    assert _users(tmp_path) == {"boss"}            # no demo accounts, ever, in this mode
    svc.stop()
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert db.demo_stories(con) == {}
        assert con.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    finally:
        con.close()
    assert not list(tmp_path.glob("*.building*"))


def test_the_service_builds_the_demo_and_a_page_visit_never_starts_one(tmp_path, spawn):
    store = tmp_path / "cx.duckdb"
    svc = spawn(store, tmp_path, CX_DEMO_ROWS="3000")
    svc.start(wait_s=600)                               # ready once the service's own build is swapped in
    log = svc.log.read_text()
    assert "building the demo" in log and "demo store built" in log
    assert "设置码" not in log                          # the demo comes with its accounts: no set-up code
    assert {f"demo-{r}" for r in auth.DEMO_PASSWORDS} <= _users(tmp_path)
    with httpx.Client(base_url=svc.url, follow_redirects=False, timeout=30) as c:
        r = c.get("/", headers=HTML)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        page = c.get("/login").text                     # the sign-in page with the demo accounts (finding 19)
        assert 'action="/auth/login"' in page
        assert all(f"demo-{r}" in page and pw in page for r, pw in auth.DEMO_PASSWORDS.items())
        r = c.post("/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"]})
        assert r.status_code == 303 and r.cookies.get(COOKIE)


def test_progress_page_while_the_service_builds_and_closing_it_changes_nothing(tmp_path, spawn):
    store = tmp_path / "cx.duckdb"
    svc = spawn(store, tmp_path, CX_DEMO_ROWS="60000")  # big enough that an idle machine is still building it
    try:
        svc.start(wait_s=1)                             # not ready while the demo is being built: poll at once
    except TimeoutError:
        pass
    seen = None
    with httpx.Client(base_url=svc.url, follow_redirects=False, timeout=30) as c:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            try:
                r = c.get("/", headers=HTML)
            except httpx.ConnectError:                  # still starting
                time.sleep(1)
                continue                # a visitor who closes the tab: one request, then gone
            if r.status_code == 200 and "首次启动" in r.text:
                seen = r
                assert r.headers.get("refresh") == "2" and COOKIE not in r.cookies
                assert "首次启动" in c.get("/login").text    # no sign-in (or set-up) form during the build
                assert c.get("/readyz").status_code == 503 and "demo_build" in c.get("/readyz").json()
            if c.get("/readyz").status_code == 200:
                break
            time.sleep(1)
        assert seen is not None, "no progress page seen during the build"
        assert c.get("/readyz").status_code == 200
    assert svc.log.read_text().count("building the demo chain") == 1     # one build, by the service


def test_run_app_script_empty_and_no_setup_flags(tmp_path):
    """What the README's systemd unit runs: no set-up step, a missing store created empty (CX_DEMO=off)."""
    import os
    import signal
    import subprocess

    from tests.service.live import free_port

    port = free_port()
    env = dict(os.environ, CX_DB=str(tmp_path / "cx.duckdb"), CX_DATA=str(tmp_path), CX_USERS=str(tmp_path / "u.yaml"),
               CX_PORT=str(port), CX_TOKENS=str(tmp_path / "t.yaml"))
    env.pop("CX_DEMO", None)
    env.pop("CX_SERVICE_PORT", None)
    log = tmp_path / "out.log"
    with open(log, "wb") as out:
        p = subprocess.Popen(["bash", str(db.ROOT / "scripts" / "run-app.sh"), "--no-setup", "--empty", "--host", "127.0.0.1"],
                             env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        text = log.read_text()
        assert p.poll() is None, text
        assert text.startswith("==> 启动 CX Lens（真实数据模式")      # nothing before it: set-up (apt/pip) skipped
        assert "真实数据模式" in text and "new empty store, no demo" in text and re.search(r"设置码（一次性）：\d{8}", text)
        assert (tmp_path / "cx.duckdb").exists() and auth.list_users(tmp_path / "u.yaml") == []
        # uvicorn's own lines, from the first, stamped like ours (chain zone with offset), no "INFO:     " lines
        assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} INFO uvicorn.error Started server process", text, re.M), text
        assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} INFO uvicorn.error Application startup complete", text, re.M)
        assert "INFO:     " not in text
    finally:
        p.send_signal(signal.SIGINT)
        p.wait(30)
