"""A live CX Lens server and a signed-in Chromium page: shared by the browser tests and
benchmarks/app_memory.py."""
from __future__ import annotations

import contextlib
import os
import re
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


# --- the page walk: sidebar clicks, time to rendered, what a user reads -------------------------------------

# (URL path, sidebar label = page title) in sidebar order
NAV = [("", "首页"), ("overview", "总览"), ("journey", "旅程热力图"), ("pain_points", "痛点分析"), ("rankings", "门店排名"),
       ("store_profile", "门店画像"), ("scheme", "考核方案"), ("tickets", "工单中心"), ("verification", "改进验证"),
       ("kano", "KANO分析"), ("report", "汇报导出"), ("import_data", "数据导入")]

RENDERED = """([title]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.title !== title + ' · 客户体验透镜') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  for (const c of charts) { if (!c.querySelector('.main-svg')) return false; }
  return true;
}"""


def open_page(page, label: str, timeout_ms: int = 90_000) -> float:
    """Click the sidebar link ``label`` and wait until its page has rendered (script finished, title set, no
    skeleton, every chart drawn). Returns seconds from the click."""
    link = page.locator('[data-testid="stSidebar"]').get_by_role("link", name=label, exact=True)
    t0 = time.perf_counter()
    link.click()
    page.wait_for_function(RENDERED, arg=[label], timeout=timeout_ms, polling=20)
    return time.perf_counter() - t0


# Text a user reads: every visible text node outside customer texts (st-key-verbatim_* containers) and
# outside form inputs; the SVG text of charts included.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el) continue;
    if (el.closest('[class*="st-key-verbatim"], script, style, noscript, textarea, code, [aria-hidden="true"]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.right <= 0 || r.bottom <= 0) continue;   // skip links sit off-screen
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || cs.opacity === '0') continue;
    out.push(text);
  }
  return out;
}"""

# Metric values and deltas whose text does not fit (the browser cuts it with an ellipsis).
CUT_METRICS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricDelta"], [data-testid="stMetricLabel"]')) {
    for (const e of [el, ...el.querySelectorAll('*')]) {
      if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflow !== 'visible') {
        out.push(el.getAttribute('data-testid') + ': ' + el.innerText.trim()); break;
      }
    }
  }
  return out;
}"""

ALLOWED_LATIN = {
    "CX", "Lens", "NPS", "CSAT", "CES", "KANO", "Better", "Worse", "DiD", "IPA", "SLA", "TOP", "TOP10", "Excel",
    "PNG", "SVG", "YAML", "CSV", "XLSX", "PPTX", "TXT", "MB", "UTF", "GBK", "GB", "BOM", "Qualtrics", "SurveyMonkey",
    "Google", "WiFi", "Wilson", "Benjamini", "Hochberg", "BH", "FDR", "Welch",
    "GD", "n", "p", "A", "O", "M", "I", "R", "Q", "x", "vs", "pp", "Top", "UTF", "GBK", "GB", "HTML", "PPT",
    "PowerPoint", "Markdown", "xlsx", "pptx", "csv",
}
# Strings owned by work in progress elsewhere, to be removed from this list when that work lands:
# the uploader's own labels belong to the ingest rewrite (pages/import_data.py).
KNOWN_ELSEWHERE = {("数据导入", "Upload"), ("数据导入", "200MB per file")}
FILE_PATH = re.compile(r"[\w.\-]*/[\w./\-]+|[\w\-]+\.(?:yaml|yml|csv|xlsx|pptx|txt|html|png|svg)\b")
MISSING_WORD = re.compile(r"(?<![A-Za-z])(nan|NaN|None|NaT|undefined|null)(?![A-Za-z])")
HEX_ID = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{16}(?![0-9A-Za-z])")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]+")
STORE_ID = re.compile(r"^S\d+$")


def read_problems(page, label: str = "") -> list[str]:
    """What a user would stumble on: literal missing values, raw ids, English UI words (file paths and code
    aside), cut-off metrics. ``label``: the page, for KNOWN_ELSEWHERE."""
    problems = []
    for text in page.evaluate(VISIBLE_TEXT):
        if (label, text) in KNOWN_ELSEWHERE:
            continue
        if MISSING_WORD.search(text):
            problems.append(f"missing value shown: {text[:80]}")
        if HEX_ID.search(text):
            problems.append(f"raw id shown: {text[:80]}")
        english = [w for w in LATIN_WORD.findall(FILE_PATH.sub(" ", text)) if w not in ALLOWED_LATIN and not STORE_ID.match(w)]
        if english:
            problems.append(f"English UI text {english[:3]}: {text[:80]}")
    problems += [f"cut-off metric: {m}" for m in page.evaluate(CUT_METRICS)]
    return problems
