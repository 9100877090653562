import io

import openpyxl
import pandas as pd
import pytest

from cx.ingest.readers import ReadError, read_table

ROWS = "门店编号,评价内容,评分\nS001,菜很好吃，服务也好,5\nS002,排队太久了,2\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(encoding):
    frame, fmt = read_table(ROWS.encode(encoding), "x.csv")
    assert list(frame.columns) == ["门店编号", "评价内容", "评分"]
    assert frame.loc[0, "评价内容"] == "菜很好吃，服务也好"
    assert "CSV" in fmt


def test_gb18030_only_characters_survive():
    text = "门店编号,评价内容\nS001,㐀㐁 好吃\n"
    frame, _ = read_table(text.encode("gb18030"), "x.csv")
    assert frame.loc[0, "评价内容"] == "㐀㐁 好吃"


def test_values_stay_strings_with_leading_zeros():
    frame, _ = read_table("store,score\n0012,09\n".encode(), "x.csv")
    assert frame.loc[0, "store"] == "0012" and frame.loc[0, "score"] == "09"


@pytest.mark.parametrize("sep", ["\t", ";", "|"])
def test_other_delimiters(sep):
    frame, _ = read_table(f"门店编号{sep}评分\nS001{sep}5\n".encode(), "x.csv")
    assert list(frame.columns) == ["门店编号", "评分"]


def test_xlsx_is_read_with_dates_as_text():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["门店编号", "评价时间", "评分"])
    ws.append(["S001", pd.Timestamp("2026-03-01 12:30").to_pydatetime(), 4])
    buf = io.BytesIO()
    wb.save(buf)
    frame, fmt = read_table(buf.getvalue(), "x.xlsx")
    assert fmt == "Excel"
    assert frame.loc[0, "评价时间"].startswith("2026-03-01 12:30")
    assert frame.loc[0, "评分"] == "4"


@pytest.mark.parametrize("data,name,needle", [
    (b"\x00\x01\x02binary", "x.csv", "二进制"),
    (b"\xff\xfe\xfa\xfb\x81", "x.csv", "编码"),
    (b"", "x.csv", "为空"),
    (b"PK\x03\x04truncated", "x.xlsx", "损坏"),
    (b"a,b\n1,2\n", "x.json", "不支持"),
    ('门店编号,评分\nS001,5,多余,列\n'.encode(), "x.csv", "CSV"),
])
def test_unreadable_files_give_chinese_errors(data, name, needle):
    with pytest.raises(ReadError, match=needle):
        read_table(data, name)


def test_too_many_columns_refused():
    header = ",".join(f"c{i}" for i in range(500))
    with pytest.raises(ReadError, match="列数过多"):
        read_table((header + "\n" + ",".join("1" * 500) + "\n").encode(), "x.csv")


def test_ragged_row_error_names_the_line():
    with pytest.raises(ReadError, match="第 3 行有 3 列，表头只有 2 列"):
        read_table("a,b\n1,2\n3,4,5\n".encode(), "x.csv")
