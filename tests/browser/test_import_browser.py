"""A real browser uploads a workbook with one sheet per month through 数据导入: the mapping step lists the
sheets, and after 「确认并导入」 the summary and the table count every sheet."""
import shutil
from pathlib import Path

import pytest

from cx import auth
from cx.db import ROOT
from tests.browser import live
from tests.browser.live import ARGS, CHROMIUM, login, settle, visit

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="system Chromium not installed (scripts/setup.sh installs it)")]
WORKBOOK = ROOT / "tests" / "fixtures" / "import_cases" / "sheet-per-month" / "reviews_by_month_sheets.xlsx"
SHOTS = ROOT / "artifacts" / "screens"


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox by its label."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_multi_sheet_workbook_upload_counts_every_sheet(demo_db, tmp_path):
    from playwright.sync_api import sync_playwright

    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db, path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with live.server(path, tmp_path / "users.yaml") as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx, page, errors = login(browser, url, "demo-hq", auth.DEMO_PASSWORDS["hq"])
        visit(page, f"{url}/import_data", "hq")
        choose(page, "数据来源", "线上评价")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(WORKBOOK))
        page.get_by_text("第 1 步 · 读取设置").wait_for(timeout=60_000)
        settle(page)
        # The mapping step: all three month sheets chosen, nothing written yet.
        sheets = page.locator('[data-testid="stMultiSelect"]').filter(has_text="读取的工作表")
        for name in ("2026年8月", "2026年9月", "2026年10月"):
            assert sheets.get_by_text(name, exact=True).count() == 1, name
        assert page.get_by_text("读取工作表：2026年8月、2026年9月、2026年10月（全部）").count() == 1
        assert page.get_by_text("还没有导入记录").count() == 1
        page.screenshot(path=str(SHOTS / "import_mapping_sheets.png"))

        page.get_by_role("button", name="确认并导入").click()
        page.get_by_text("各工作表：").first.wait_for(timeout=120_000)
        settle(page)
        summary = page.get_by_text("各工作表：").first.inner_text()
        assert summary.startswith("读取 7 行 = 成功 7")
        assert "“2026年8月” 读取 2 成功 2" in summary
        assert "“2026年9月” 读取 3 成功 3" in summary
        assert "“2026年10月” 读取 2 成功 2" in summary
        table = page.locator('[data-testid="stDataFrame"]').filter(has_text="工作表").first
        assert table.is_visible()
        assert page.locator('[data-testid="stException"]').count() == 0
        page.screenshot(path=str(SHOTS / "import_done_sheets.png"))
        assert not errors, errors[:5]
        ctx.close()
        browser.close()
