"""Exports: images (size, CJK glyph coverage), XLSX (headers, formats, injection), PPTX and HTML."""
import io
import re
import subprocess
import sys
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from cx import charts
from cx.filters import Filters
from cx.report import deck, images, xlsx
from cx.scope import parse_scope

TITLE = "上菜速度负面率月度趋势"


@pytest.fixture(scope="module")
def fig():
    f = go.Figure(go.Bar(x=["上菜速度", "口味"], y=[3, 5]))
    return charts._layout(f, TITLE, "2026-08-01 至 2026-10-31；区域：华南")


def test_png_has_presentation_size_and_svg_keeps_chinese(fig):
    png = images.to_image(fig, "png")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size == (images.WIDTH * images.SCALE, images.HEIGHT * images.SCALE)
    svg = images.to_image(fig, "svg").decode("utf-8")
    assert TITLE in svg and "数据来源" in svg and "Noto Sans CJK SC" in svg
    with pytest.raises(ValueError):
        images.to_image(fig, "gif")


def test_the_chart_font_covers_every_character_of_the_title():
    from fontTools.ttLib import TTCollection

    path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    fonts = {f["name"].getDebugName(1): f for f in TTCollection(path).fonts}
    sc = fonts["Noto Sans CJK SC"]
    cmap = sc.getBestCmap()
    missing = [c for c in TITLE + images.SOURCE_NOTE if not c.isspace() and ord(c) not in cmap]
    assert not missing, missing
    assert charts.FONT.startswith("Noto Sans CJK SC")


def test_xlsx_headers_formats_frozen_and_injection_neutralised():
    df = pd.DataFrame({"门店": ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)", "正常"],
                       "负面率": [0.1, 0.2, 0.3, 0.4, 0.5], "提及": [1, 2, 3, 4, 5],
                       "时间": pd.to_datetime(["2026-03-01"] * 5)})
    wb = load_workbook(io.BytesIO(xlsx.to_xlsx({"表": df}, note="2026-03")))
    ws = wb["表"]
    assert [c.value for c in ws[2]] == ["门店", "负面率", "提及", "时间"]
    assert ws.freeze_panes == "A3"
    assert [ws.cell(row=r, column=1).value for r in range(3, 8)] == \
        ["'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2", "'@SUM(A1)", "正常"]
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(3, 8))
    assert ws.cell(row=3, column=2).number_format == "0.0%" and ws.cell(row=3, column=3).number_format == "#,##0"


@pytest.fixture(scope="module")
def report(demo_db):
    from cx import db

    con = db.connect(demo_db, read_only=True)
    label, extra = parse_scope("region:华东")
    r = deck.collect(con, Filters(date(2026, 5, 1), date(2026, 10, 31), **extra), label)
    con.close()
    return r


def test_pptx_reopens_with_sections_titles_and_pictures(report):
    prs = Presentation(io.BytesIO(deck.to_pptx(report)))
    assert prs.slide_width > prs.slide_height                      # 16:9
    texts = [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in prs.slides]
    assert "客户体验报告 · 华东区域" in texts[0]
    for section in deck.SECTIONS:
        assert any(section in t for t in texts), section
    pictures = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert pictures >= 3
    assert any("核心指标" in t for t in texts) and any("建议行动" in t for t in texts)


def test_html_is_self_contained_and_escapes_text(report):
    html = deck.to_html(report)
    assert not re.search(r"""<script[^>]+src=|<link[^>]+href=["']?https?:|<img[^>]+src=["']?https?:""", html)
    assert html.count("Plotly.newPlot") >= 3
    assert "客户说什么" in html


def test_scope_and_period_parsing():
    assert deck.parse_period("2026-10") == (date(2026, 10, 1), date(2026, 10, 31))
    assert deck.parse_period("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert deck.parse_period("2026-08-01:2026-10-31") == (date(2026, 8, 1), date(2026, 10, 31))
    assert parse_scope("store:S0001") == ("门店 S0001", {"stores": ("S0001",)})
    for bad in ("2026/10", "oct"):
        with pytest.raises(ValueError, match="无法识别的周期"):
            deck.parse_period(bad)
    with pytest.raises(ValueError, match="无法识别的范围"):
        parse_scope("planet:mars")


def test_cli_report(demo_db, tmp_path):
    out = tmp_path / "r.pptx"
    r = subprocess.run([sys.executable, "-m", "cx", "report", "--scope", "chain", "--period", "2026-10", "--out", str(out),
                        "--db", str(demo_db)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert len(Presentation(str(out)).slides) > 5
    r = subprocess.run([sys.executable, "-m", "cx", "report", "--period", "10月", "--out", str(out), "--db", str(demo_db)],
                       capture_output=True, text=True)
    assert r.returncode != 0 and "无法识别的周期" in r.stderr and "Traceback" not in r.stderr
