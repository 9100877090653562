"""A real browser against the service: sign in on /login (HttpOnly cookie), refresh and stay signed in,
open a copied link with filters; another role opening the same link is refused. Sign-in throttling."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cx import auth, db
from tests.browser.live import ARGS, CHROMIUM, settle
from tests.service.live import Service, copy_store

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="system Chromium not installed (scripts/setup.sh installs it)")]


@pytest.fixture(scope="module")
def svc(demo_db, tmp_path_factory):
    home = tmp_path_factory.mktemp("svc-browser")
    path = copy_store(demo_db, home)
    con = db.connect(path)
    users = {u.role: u for u in auth.create_demo_users(con, home / "users.yaml")}
    con.close()
    s = Service(path, home)
    s.users = users
    try:
        s.start()
        yield s
    finally:
        s.stop()


def sign_in(page, base: str, user: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_refresh_stays_signed_in_and_a_copied_link_keeps_its_filters(svc):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1500, "height": 1800})
            page = ctx.new_page()
            page.goto(svc.url + "/overview")                            # no session: sent to the sign-in form
            assert "/login?next=%2Foverview" in page.url
            page.get_by_label("用户名").fill("demo-hq")
            page.get_by_label("密码").fill(auth.DEMO_PASSWORDS["hq"])
            page.get_by_role("button", name="登录").click()
            settle(page)
            assert page.url.startswith(svc.url + "/overview")          # back where we were going
            assert page.get_by_text("当前用户").count()
            cookie = next(c for c in ctx.cookies() if c["name"] == "cx_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            page.reload()
            settle(page)
            assert page.get_by_text("当前用户").count() and not page.get_by_role("link", name="登录").count()

            store = svc.users["store"].store_id
            link = f"{svc.url}/overview?from=2026-03-01&to=2026-03-31&store={store}"
            tab = ctx.new_page()                                       # a new tab: still signed in
            tab.goto(link)
            settle(tab)
            assert tab.get_by_text("当前用户").count()
            assert "from=2026-03-01" in tab.url and f"store={store}" in tab.url
            assert tab.get_by_text("2026-03-01 至 2026-03-31").count()

            other = browser.new_context()
            op = other.new_page()
            sign_in(op, svc.url, "demo-store", auth.DEMO_PASSWORDS["store"])
            settle(op)
            wrong = next(s for s in ("S0001", "S0002", "S0003") if s != store)
            op.goto(f"{svc.url}/overview?from=2026-03-01&to=2026-03-31&store={wrong}")
            settle(op)
            assert op.get_by_text("不在您的权限范围内").count()
        finally:
            browser.close()


def test_failed_sign_ins_are_throttled_locked_and_audited(svc):
    with httpx.Client(base_url=svc.url) as c:
        codes = [c.post("/auth/login", data={"username": "demo-analyst", "password": f"wrong-{i}"}).status_code
                 for i in range(3)]
        assert codes == [401, 401, 401]
        r = c.post("/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"], "next": "//evil.example"},
                   follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/"        # no open redirect
        assert "httponly" in r.headers["set-cookie"].lower()
    tok = svc.token("audit-bot", "hq")
    log = httpx.get(svc.url + "/api/v1/audit", headers={"Authorization": f"Bearer {tok}"}).json()["audit"]
    actions = [(e["actor"], e["action"]) for e in log]
    assert actions.count(("demo-analyst", "login_failed")) == 3 and ("demo-hq", "login") in actions


def test_login_page_lists_demo_accounts_on_the_demo_store(svc):
    page = httpx.get(svc.url + "/login", timeout=30).text
    for role, password in auth.DEMO_PASSWORDS.items():
        assert f"demo-{role}" in page and password in page
    assert "仅演示库提供" in page
