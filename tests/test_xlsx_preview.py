"""cx.ingest.xlsx_preview reads exactly what openpyxl reads, whatever the shared-string table holds."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import openpyxl
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cx.ingest import xlsx_preview


def _rows(wb, limit: int | None = None) -> list:
    try:
        out = []
        for ws in wb.worksheets:
            rows = []
            for r in ws.iter_rows(values_only=True):
                rows.append(r)
                if limit is not None and len(rows) >= limit:
                    break
            out.append((ws.title, ws.max_row, rows))
        return out
    finally:
        wb.close()


def _reference(data: bytes, limit: int | None = None) -> list:
    return _rows(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True), limit)


def _xlsxwriter_book(sheets: dict[str, list[list]]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_urls": False,
                                   "strings_to_formulas": False})
    fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    bold = wb.add_format({"bold": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, datetime):
                    ws.write_datetime(i, j, v, fmt)
                elif isinstance(v, tuple):               # rich text: (plain, bold part)
                    ws.write_rich_string(i, j, v[0], bold, v[1])
                elif isinstance(v, str):
                    ws.write_string(i, j, v)
                elif v is not None:
                    ws.write_number(i, j, v)
    wb.close()
    return buf.getvalue()


def test_same_cells_as_openpyxl_for_an_excel_style_workbook():
    tricky = ["上菜快，服务好 & 环境<干净>", "  前后空格  ", "两行\n文字", "引号\"'", "😋🍜👍🏻", "_x005F_x000D_", "a" * 3000]
    sheets = {
        "2026年8月": [["评价ID", "门店ID", "评价时间", "总体评分", "评价内容"]]
        + [[1000 + i, f"S{i % 7:04d}", datetime(2026, 8, 1 + i % 28, 12, 30), 50 - 10 * (i % 5),
            tricky[i % len(tricky)] + str(i)] for i in range(60)],
        "2026年9月": [["评价ID", "门店ID", "评价时间", "总体评分", "评价内容"]]
        + [[2000 + i, f"S{i % 7:04d}", datetime(2026, 9, 1 + i % 28, 8), 45, ("部分", f"加粗{i}")] for i in range(40)]
        + [[3000, "S0001", None, None, tricky[0]]],            # a repeated string (one shared item, used twice)
        "空表": [],
    }
    data = _xlsxwriter_book(sheets)
    assert _rows(xlsx_preview.load_workbook(data)) == _reference(data)
    assert _rows(xlsx_preview.load_workbook(data), 5) == _reference(data, 5)


def test_later_sheets_refer_far_into_the_table():
    # strings are numbered sheet by sheet: the 3rd sheet's first rows point near the end of the table
    sheets = {f"S{k}": [[f"表{k}行{i}", f"文本{k}-{i}"] for i in range(500)] for k in range(3)}
    data = _xlsxwriter_book(sheets)
    wb = xlsx_preview.load_workbook(data)
    assert _rows(wb, 3) == _reference(data, 3)


def test_workbook_without_shared_strings():
    wb = openpyxl.Workbook()                     # openpyxl writes inline strings, no table at all
    wb.active.append(["门店", "内容"])
    wb.active.append(["S0001", "好吃"])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert _rows(xlsx_preview.load_workbook(data)) == _reference(data)


def _rewrite_sst(data: bytes, fn) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            dst.writestr(item, fn(body) if item.filename == "xl/sharedStrings.xml" else body)
    return out.getvalue()


def test_prefixed_namespace_and_wrong_count_fall_back_to_a_full_parse():
    data = _xlsxwriter_book({"Sheet1": [["编号", "内容"], [1, "服务很好"], [2, "太慢了 & 冷"], [3, "服务很好"]]})

    def prefixed(xml: bytes) -> bytes:        # Open XML SDK style: <x:sst xmlns:x=…><x:si><x:t>…
        xml = xml.replace(b"<sst xmlns=", b"<x:sst xmlns:x=").replace(b"</sst>", b"</x:sst>")
        return re.sub(rb"<(/?)(si|t|r|rPr|b)([\s>/])", rb"<\1x:\2\3", xml)

    for fn in (prefixed, lambda xml: xml.replace(b'uniqueCount="4"', b'uniqueCount="5"')):
        odd = _rewrite_sst(data, fn)
        assert _reference(odd)[0][2][2] == (2, "太慢了 & 冷")          # openpyxl reads the rewritten file
        assert _rows(xlsx_preview.load_workbook(odd)) == _reference(odd)


_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("&<>\"' \n\t_x005F")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(_ALPHABET, min_size=1, max_size=30), min_size=1, max_size=25))
def test_any_text_reads_back_as_openpyxl_reads_it(texts):
    data = _xlsxwriter_book({"Sheet1": [[t] for t in texts], "Sheet2": [[t[::-1]] for t in texts]})
    assert _rows(xlsx_preview.load_workbook(data)) == _reference(data)


def test_lazy_table_matches_openpyxl_on_hand_written_xml():
    from openpyxl.reader.strings import read_string_table

    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
           '<si><t>好评</t></si><si/><si><t/></si><si><t xml:space="preserve"> 空格 </t></si>'
           '<si><r><rPr><b/></rPr><t>粗</t></r><r><t>体&amp;&lt;</t></r><rPh sb="0" eb="1"><t>ふり</t></rPh></si>'
           '<si>\n  <t>换行缩进</t>\n</si></sst>').encode()
    lazy = xlsx_preview.LazyStrings(xml)
    want = read_string_table(io.BytesIO(xml))
    assert len(lazy) == len(want) == 6
    assert [lazy[i] for i in (5, 0, 3, 1, 4, 2)] == [want[i] for i in (5, 0, 3, 1, 4, 2)]
    assert lazy[-1] == want[-1] and lazy[1:3] == want[1:3]
