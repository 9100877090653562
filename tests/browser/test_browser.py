"""One real browser (system Chromium via Playwright) against a live server: log in as two roles, open every
page by its URL, change a filter, download a chart; no exception box, no unexpected console errors.
Screenshots go to artifacts/screens/ (git-ignored) for a human look."""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from cx import auth, db
from cx.db import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="system Chromium not installed (scripts/setup.sh installs it)")]
PAGES = ["", "overview", "journey", "pain_points", "rankings", "store_profile", "scheme", "tickets", "verification",
         "kano", "report", "import_data"]
SHOTS = ROOT / "artifacts" / "screens"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "app.duckdb"
    shutil.copy(demo_db, path)
    env = dict(os.environ, CX_DB=str(path), CX_USERS=str(tmp / "users.yaml"))
    os.environ["CX_USERS"] = env["CX_USERS"]
    con = db.connect(path)
    auth.create_demo_users(con)
    con.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def settle(page):
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000)
    page.wait_for_timeout(800)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000)


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


@pytest.mark.parametrize("role", ["hq", "store"])
def test_every_page_in_a_real_browser(server, browser, role):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, page, errors = login(browser, server, f"demo-{role}", auth.DEMO_PASSWORDS[role])
    for name in PAGES:
        visit(page, f"{server}/{name}", role)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        assert page.get_by_text("客户体验透镜").first.is_visible(), name          # shared sidebar survived
        if page.locator('[data-testid="stPlotlyChart"]').count():
            page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
        page.screenshot(path=str(SHOTS / f"{role}_{name or 'home'}.png"))
    assert not errors, errors[:5]
    ctx.close()


@pytest.mark.parametrize("role", ["region", "analyst"])
def test_other_roles_reach_their_pages(server, browser, role):
    ctx, page, errors = login(browser, server, f"demo-{role}", auth.DEMO_PASSWORDS[role])
    for name in ("overview", "rankings", "import_data"):
        visit(page, f"{server}/{name}", role)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        page.screenshot(path=str(SHOTS / f"{role}_{name}.png"))
    if role == "analyst":           # read-only: the import page offers no uploader
        assert page.get_by_text("只读").count() >= 1
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert not errors, errors[:5]
    ctx.close()


def test_filter_change_and_chart_download(server, browser):
    ctx, page, errors = login(browser, server, "demo-hq", auth.DEMO_PASSWORDS["hq"])
    visit(page, f"{server}/overview", "hq")
    before = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    page.get_by_role("option", name="华东").click()
    page.keyboard.press("Escape")
    settle(page)
    after = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    page.get_by_role("button", name="下载图表").first.click()
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="PNG（演示用，1600×900）").first.click()
    path = dl.value.path()
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not errors, errors[:5]
    ctx.close()


def test_heatmap_cell_click_drills_into_verbatims_and_deck_downloads(server, browser):
    ctx, page, errors = login(browser, server, "demo-hq", auth.DEMO_PASSWORDS["hq"])
    visit(page, f"{server}/journey", "hq")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    cell_caption = re.compile(r" × .+：提及 ")      # "<touchpoint> × <column>：提及 n，负面率 …"
    before = page.get_by_text(cell_caption).first.inner_text()
    # the heatmap's plot area; a click on a cell low and right of the default (first touchpoint, first column)
    area = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first
    box = area.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6)
    page.wait_for_timeout(1500)        # the selection event reaches the server asynchronously
    settle(page)
    page.screenshot(path=str(SHOTS / "hq_journey_clicked.png"))
    after = page.get_by_text(cell_caption).first.inner_text()
    assert after != before, (before, after)
    tp_label, col = after.split("：")[0].split(" × ")
    main = page.get_by_test_id("stMainBlockContainer")
    shown = [main.get_by_role("combobox", name=label).input_value() for label in ("触点", "区域")]
    assert shown == [tp_label, col]
    # the verbatims behind the clicked cell are listed (a cell is only clickable where it has mentions)
    assert page.get_by_text("没有符合条件的原声").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SHOTS / "hq_journey_clicked.png"))

    visit(page, f"{server}/report", "hq")
    page.get_by_role("button", name="生成报告").click()
    page.get_by_role("button", name="下载报告").wait_for(timeout=180_000)
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="下载报告").click()
    from pptx import Presentation

    deck = Presentation(dl.value.path())
    assert len(deck.slides) >= 5
    assert any("客户" in sh.text_frame.text for s in deck.slides for sh in s.shapes if sh.has_text_frame)
    assert not errors, errors[:5]
    ctx.close()
