"""The deck's text fits its shapes: a geometric check of the table layout (always), and the real thing when
LibreOffice is installed — every slide rendered by ``soffice --headless`` to PDF, and every word of the PDF
inside a shape of its slide (text that overflows its box or cell lands outside every shape)."""
import io
import re
import shutil
import subprocess

import pandas as pd
import pytest
from pptx import Presentation

from cx.report import deck

LONG = pd.DataFrame({
    "门店": [f"S00{i} 成都高新凯德广场店" for i in range(1, 6)],
    "排名": [296, 297, 298, 299, 300],
    "综合得分": [12.5, 11.0, 9.8, 7.1, 3.2],
    "短板": ["\n".join(["上菜速度低于同区域门店 2.3 个标准差", "服务态度低于同区域门店 1.8 个标准差",
                       "卫生与食品安全负面率高于同区域门店 1.6 个标准差"])] * 5,
})


def _deck(table: pd.DataFrame = LONG) -> bytes:
    bullets = ["上菜速度：负面率 32% → 45%（p < 0.001），提及 1,204 → 1,380，华南区域最集中"] * 6
    return deck.to_pptx(deck.Report("客户体验报告 · 全连锁", "2026-05-01 至 2026-10-31", [
        deck.Slide("原因分析", "综合得分靠后的门店及其短板", [], table=table),
        deck.Slide("建议", "建议行动", bullets)]))


def test_table_fits_the_slide_and_its_cells():
    prs = Presentation(io.BytesIO(_deck()))
    [table_shape] = [sh for s in prs.slides for sh in s.shapes if sh.has_table]
    t = table_shape.table
    assert table_shape.top + sum(r.height for r in t.rows) <= prs.slide_height - 12700 * 30   # above the footnote
    assert sum(c.width for c in t.columns) <= table_shape.width + 12700
    widths = [c.width / 12700 for c in t.columns]
    assert widths[3] == max(widths)                               # the long 短板 column gets the room
    for i, row in enumerate(t.rows):
        for j, cell in enumerate(row.cells):
            size = cell.text_frame.paragraphs[0].runs[0].font.size.pt
            need = deck.lines_needed(cell.text_frame.text, size, widths[j] - deck.CELL_PAD_PT) * size * deck.LINE
            assert need <= row.height / 12700, (i, j, cell.text_frame.text)
    # every text box shrinks its text rather than overflow
    boxes = [sh for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    assert all(b.text_frame._txBody.find(".//{*}normAutofit") is not None for b in boxes)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.mark.skipif(not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) and poppler's pdftotext are not "
                    "installed: apt-get install libreoffice-impress-nogui poppler-utils (too heavy for set-up)")
def test_libreoffice_renders_every_word_inside_its_shape(tmp_path):
    pptx = tmp_path / "deck.pptx"
    pptx.write_bytes(_deck())
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(pptx)],
                   check=True, capture_output=True, timeout=180, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    html = tmp_path / "deck.html"
    subprocess.run([PDFTOTEXT, "-bbox", str(tmp_path / "deck.pdf"), str(html)], check=True, timeout=60)
    prs = Presentation(io.BytesIO(pptx.read_bytes()))
    pages = re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html.read_text(), re.S)
    assert len(pages) == len(prs.slides)
    outside = []
    for (pw, ph, body), slide in zip(pages, prs.slides):
        sx, sy = float(pw) / (prs.slide_width / 12700), float(ph) / (prs.slide_height / 12700)
        frames = [(sh.left / 12700 * sx, sh.top / 12700 * sy, (sh.left + sh.width) / 12700 * sx,
                   (sh.top + sh.height) / 12700 * sy) for sh in slide.shapes]
        if any(sh.has_table for sh in slide.shapes):         # a table's frame is the sum of its rows
            sh = next(sh for sh in slide.shapes if sh.has_table)
            h = sum(r.height for r in sh.table.rows)
            frames.append((sh.left / 12700 * sx, sh.top / 12700 * sy, (sh.left + sh.width) / 12700 * sx,
                           (sh.top + h) / 12700 * sy))
        for x0, y0, x1, y1, word in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                               r'yMax="([\d.]+)">(.*?)</word>', body):
            x0, y0, x1, y1 = map(float, (x0, y0, x1, y1))
            if not any(x0 >= f[0] - 2 and y0 >= f[1] - 2 and x1 <= f[2] + 2 and y1 <= f[3] + 2 for f in frames):
                outside.append(word)
    assert not outside, outside[:20]
