"""One real browser (system Chromium via Playwright) against a live server: log in as each role, open the
pages by URL, change a filter, click a heatmap cell into its verbatims, download a chart and a deck; no
exception box, no unexpected console errors.
Screenshots go to artifacts/screens/ (git-ignored) for a human look."""
import re
import shutil
import statistics
from pathlib import Path

import pytest

from cx import auth
from cx.db import ROOT
from tests.browser import live
from tests.browser.live import ARGS, CHROMIUM, login, settle, visit

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="system Chromium not installed (scripts/setup.sh installs it)")]
SHOTS = ROOT / "artifacts" / "screens"


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    path = tmp / "app.duckdb"
    shutil.copy(demo_db, path)
    with live.server(path, tmp / "users.yaml") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("role", ["hq", "analyst", "region", "store"])
def test_every_page_reads_right_in_a_real_browser(server, browser, role):
    """Sign in as the role, walk every page through the sidebar (a store manager lands on 「我的门店」), take a
    full screenshot of each, and fail on anything a user would stumble on: an exception box, a literal
    nan/None/NaT, a raw 16-hex id, English UI words outside customer texts (brand-name allow-list), a metric
    cut off by its card. Also prints click-to-rendered times (warm, median of two walks)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx, page, errors = login(browser, server, f"demo-{role}", auth.DEMO_PASSWORDS[role])
    home = page.locator("h1").first.inner_text()
    assert home.startswith("我的门店 · ") if role == "store" else True, home
    problems, times = [], {label: [] for _, label in live.NAV}
    for walk in range(3):                               # walk 0 fills the caches; walks 1–2 are timed warm
        for name, label in live.NAV[1:] + live.NAV[:1]:
            seconds = live.open_page(page, label)
            if walk == 0:
                assert page.locator('[data-testid="stException"]').count() == 0, (role, label)
                assert page.get_by_text("客户体验透镜").first.is_visible(), label          # shared sidebar survived
                problems += [f"{label}: {p}" for p in live.read_problems(page, label)]
                page.screenshot(path=str(SHOTS / f"{role}_{name or 'home'}.png"))
            else:
                times[label].append(seconds)
    report = "  ".join(f"{label} {1000 * statistics.median(v):.0f}" for label, v in times.items())
    print(f"\n[{role}] click-to-rendered median ms (warm): {report}")
    (SHOTS / f"page_times_{role}.txt").write_text(report + "\n", encoding="utf-8")
    assert not problems, "\n".join(sorted(set(problems))[:40])
    if role == "analyst":           # read-only: the import page offers no uploader
        live.open_page(page, "数据导入")
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


def test_month_columns_click_and_read_in_chinese(server, browser):
    """Columns = 月份: ticks read 2026-05 (not 「May 2026」) and a click on a month cell drills into it."""
    ctx, page, errors = login(browser, server, "demo-hq", auth.DEMO_PASSWORDS["hq"])
    live.open_page(page, "旅程热力图")
    page.locator('[data-testid="stRadio"]').filter(has_text="列维度").get_by_text("时间", exact=True).click()  # time columns …
    settle(page)
    page.get_by_role("radiogroup", name="时间粒度").get_by_role("radio", name="月", exact=True).click()  # … by month
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    ticks = [t.text_content() for t in chart.locator(".xaxislayer-above .xtick text").all()]
    assert ticks and all(re.fullmatch(r"\d{4}-\d{2}", t) for t in ticks), ticks
    main = page.get_by_test_id("stMainBlockContainer")
    before = main.get_by_role("combobox", name="月份").input_value()
    box = chart.locator(".nsewdrag").first.bounding_box()
    cols, rows = len(ticks), chart.locator(".ytick").count()
    target = 0 if before == ticks[-1] else len(ticks) - 1          # a month other than the current one
    x = box["x"] + box["width"] * (target + 0.5) / cols
    y = box["y"] + box["height"] * (rows // 2 + 0.5) / rows
    page.mouse.move(x, y)
    page.wait_for_timeout(500)
    page.mouse.click(x, y)
    page.wait_for_timeout(1500)
    settle(page)
    assert main.get_by_role("combobox", name="月份").input_value() == ticks[target]
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, errors[:5]
    ctx.close()


def test_heatmap_cell_click_drills_into_verbatims_and_deck_downloads(server, browser):
    ctx, page, errors = login(browser, server, "demo-hq", auth.DEMO_PASSWORDS["hq"])
    visit(page, f"{server}/journey", "hq")
    page.wait_for_selector('[data-testid="stPlotlyChart"] .main-svg', timeout=30_000)
    cell_caption = re.compile(r" × .+：提及 ")      # "<touchpoint> × <column>：提及 n，负面率 …"
    before = page.get_by_text(cell_caption).first.inner_text()
    # the centre of a cell in the heatmap's plot area (columns × rows from the axis ticks): the last column,
    # a row in the middle — not the default hottest cell (serving speed)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    box = chart.locator(".nsewdrag").first.bounding_box()
    cols, rows = chart.locator(".xtick").count(), chart.locator(".ytick").count()
    x = box["x"] + box["width"] * (cols - 0.5) / cols
    y = box["y"] + box["height"] * (rows // 2 - 3.5) / rows
    page.mouse.move(x, y)
    page.wait_for_timeout(500)
    page.mouse.click(x, y)
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
