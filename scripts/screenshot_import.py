"""Screenshot of the 数据导入 mapping step for the README (headless system Chromium via Playwright).

Builds a small demo store in a temporary directory, starts the app, signs in as demo-hq, uploads the
问卷星 "按选项文本" fixture and captures the mapping step (reading settings → column mapping → scales →
assumptions and preview). Output: docs/img/import_mapping.png (palette PNG, kept under 300 KB).

    .venv/bin/python scripts/screenshot_import.py [--out docs/img/import_mapping.png]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cx import auth, demo  # noqa: E402
from cx.db import ROOT  # noqa: E402
from tests.browser import live  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "import_cases" / "wjx-option-text" / "wjx_export_by_text.xlsx"
LIMIT = 300 * 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "import_mapping.png")
    a = ap.parse_args()
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        demo.build(db, demo.DemoConfig(rows=3000, stores=40, seed=7, chunk=3000))
        with live.server(db, Path(tmp) / "users.yaml") as (url, _), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=live.CHROMIUM, args=live.ARGS)
            ctx, page, _ = live.login(browser, url, "demo-hq", auth.DEMO_PASSWORDS["hq"])
            page.set_viewport_size({"width": 1280, "height": 2600})
            live.visit(page, f"{url}/import_data", "hq")
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(FIXTURE))
            page.get_by_text("第 1 步 · 读取设置").wait_for(timeout=60_000)
            live.settle(page)
            main_box = page.get_by_test_id("stMainBlockContainer").bounding_box()
            top = page.get_by_text("第 1 步 · 读取设置").bounding_box()["y"] - 16
            button = page.get_by_role("button", name="确认并导入").bounding_box()
            bottom = button["y"] + button["height"] + 16
            a.out.parent.mkdir(parents=True, exist_ok=True)
            raw = Path(tmp) / "raw.png"
            page.screenshot(path=str(raw), clip={"x": main_box["x"], "y": top, "width": main_box["width"],
                                                 "height": bottom - top})
            ctx.close()
            browser.close()
        img = Image.open(raw).convert("RGB")
        img.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(a.out, optimize=True)
    size = a.out.stat().st_size
    print(f"{a.out} {img.width}×{img.height} {size / 1024:.0f} KB")
    return 0 if size < LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
