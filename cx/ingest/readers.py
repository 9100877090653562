"""Read an uploaded CSV/XLSX into raw grids of strings, one per sheet, whatever its encoding.

Nothing is interpreted here: no header is assumed (the layout step finds it), every cell comes back as ``str``
(``""`` for empty) so that validation, not the reader, decides what a value means — store code "0012" keeps
its zeros; an Excel number that lost digits is rendered so the loss stays visible ("1.29876123450000E+18").

Encodings: a BOM decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE); otherwise strict UTF-8, else the encoding
``charset-normalizer`` detects (GB18030 family for Chinese exports). A file in which some lines are UTF-8 and
others are not (two exports concatenated) is refused, naming the first line that does not decode.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 500 * 1024 * 1024  # refuse zip bombs before openpyxl expands them
MAX_CELL = 1_000_000
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
csv.field_size_limit(MAX_CELL * 4)


class ReadError(ValueError):
    """A file that cannot be read at all; the message is Chinese and shown to the user as is."""


@dataclass
class Sheet:
    """One table of a file: its name ("" for CSV), raw rows (lists of str) and whether it was cut short."""
    name: str
    rows: list[list[str]]
    total_rows: int | None = None     # rows in the whole sheet when only a preview was read (else len(rows))
    truncated: bool = False


@dataclass
class Book:
    """What a file holds: its sheets, a description of the format, and facts the mapping needs."""
    sheets: list[Sheet]
    fmt: str
    delimiter: str = ","
    encoding: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding label). Raises ReadError for binary, undetectable or mixed encodings."""
    for bom, enc, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), f"{label}（带 BOM）" if label != "UTF-8" else "UTF-8"
            except UnicodeDecodeError as e:
                raise ReadError(f"文件声明为 {label} 编码，但第 {_line_of(data[len(bom):], e.start, enc)} 行无法按 {label} 解码") from None
    if b"\x00" in data[:4096]:
        raise ReadError("文件包含二进制内容，不是文本 CSV 文件（UTF-16/UTF-32 文件需带 BOM，或请另存为 UTF-8）")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    # Some lines UTF-8 with non-ASCII, others not: two files of different encodings glued together.
    good_non_ascii = False
    for no, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
            good_non_ascii = good_non_ascii or any(b > 0x7F for b in line)
        except UnicodeDecodeError:
            if good_non_ascii:
                raise ReadError(f"文件混用了多种编码：前面的行是 UTF-8，第 {no} 行不是（可能由两个不同编码的文件拼接而成）；"
                                "请统一另存为 UTF-8 后再导入") from None
            break
    best = from_bytes(data[:2_000_000], cp_isolation=["gb18030", "big5", "utf_16", "shift_jis", "cp1252"]).best()
    enc = best.encoding if best is not None else "gb18030"
    if enc in ("gbk", "gb2312", "hz"):
        enc = "gb18030"                 # superset: also reads the rare characters GBK lacks
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        try:
            text, enc = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise ReadError(f"无法识别文件编码（第 {_line_of(data, utf8_error.start, 'utf-8')} 行起无法解码）："
                            "请另存为 UTF-8 或 GBK 编码的 CSV") from None
    if enc not in ("gb18030", "big5", "utf_8"):
        # A detector's guess outside the Chinese encodings is only trusted when GB18030 cannot read the file.
        try:
            text, enc = data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return text, enc.upper().replace("_", "-")


def _line_of(data: bytes, pos: int, enc: str) -> int:
    if enc.startswith("utf-16") or enc.startswith("utf-32"):
        width = 2 if "16" in enc else 4
        nl = "\n".encode(enc)
        return data[:pos - pos % width].count(nl) + 1
    return data[:pos].count(b"\n") + 1


def sniff_delimiter(text: str) -> str:
    """Comma unless the first lines clearly use tab, semicolon or pipe (Excel exports vary by locale)."""
    head = [ln for ln in text.lstrip("\ufeff").split("\n", 12)[:12] if ln.strip()]
    best, score = ",", 0.0
    for d in (",", "\t", ";", "|"):
        counts = [ln.count(d) for ln in head]
        if not counts or max(counts) == 0:
            continue
        # consistent counts across lines beat a single busy line
        top = max(counts)
        s = top + sum(1 for c in counts if c == top)
        if s > score:
            best, score = d, s
    return best


def read_csv_text(text: str, max_rows: int | None = None) -> tuple[list[list[str]], str, bool]:
    """(rows, delimiter, truncated). Trailing empty cells beyond the widest non-empty cell are dropped later."""
    text = text.replace("\ufeff", "")
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if max_rows is not None and len(rows) >= max_rows:
                return rows, delim, True
    except csv.Error as e:
        raise ReadError(f"CSV 无法解析（第 {reader.line_num} 行）：{e}") from None
    return rows, delim, False


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v) if abs(v) < 2 ** 53 else f"{float(v):.14E}"
    if isinstance(v, float):
        if v != v:
            return ""
        if v.is_integer():
            # 15+ digit numbers were rounded by Excel (15 significant digits): keep the loss visible.
            return str(int(v)) if abs(v) < 1e15 else f"{v:.14E}"
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def read_xlsx(data: bytes, max_rows: int | None = None, sheets: list[str] | None = None) -> list[Sheet]:
    """Every worksheet (or the named ones) as raw rows. ``max_rows`` reads only the first rows of each."""
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except Exception as e:          # BadZipFile, NotImplementedError (unknown zip version), OSError …
        raise ReadError("Excel 文件已损坏或不是 .xlsx 格式") from e
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError(f"Excel 文件解压后过大（{total // 1024 // 1024} MB），已拒绝；请拆分后导入")
    try:
        if max_rows is not None:
            # a preview: shared strings read on demand (openpyxl parses the whole table before the first row)
            from cx.ingest import xlsx_preview
            wb = xlsx_preview.load_workbook(data)
        else:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:
        raise ReadError(f"Excel 文件无法读取：{_first_line(e)}") from e
    out = []
    try:
        for ws in wb.worksheets:
            if sheets is not None and ws.title not in sheets:
                continue
            rows: list[list[str]] = []
            truncated = False
            for r in ws.iter_rows(values_only=True):
                rows.append([_cell(v) for v in r])
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
            total_rows = ws.max_row if truncated else len(rows)
            out.append(Sheet(ws.title, rows, total_rows, truncated))
    except Exception as e:
        raise ReadError(f"Excel 文件无法读取：{_first_line(e)}") from e
    finally:
        wb.close()
    if sheets is not None:
        missing = [s for s in sheets if s not in {x.name for x in out}]
        if missing:
            raise ReadError(f"工作簿中没有工作表：{'、'.join(missing)}")
    return out


def read_book(data: bytes, file_name: str, max_rows: int | None = None, sheets: list[str] | None = None) -> Book:
    """Read a CSV/TXT or XLSX upload into raw sheets. ``max_rows``: preview only (reads just that much).

    Raises ReadError (Chinese) for unsupported types, empty, binary, mis-encoded or malformed files.
    """
    suffix = Path(file_name).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        if max_rows is not None and len(data) > 4_000_000 and not data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00")):
            cut = data[:4_000_000]                # a preview reads only the head of a large file
            text, enc = decode(cut[:cut.rfind(b"\n") + 1] or cut)
        else:
            text, enc = decode(data)
        if not text.strip("\ufeff \r\n\t"):
            raise ReadError("文件为空")
        rows, delim, truncated = read_csv_text(text, max_rows)
        total = None if truncated else len(rows)
        name = {",": "逗号", "\t": "制表符", ";": "分号", "|": "竖线"}[delim]
        return Book([Sheet("", rows, total, truncated)], f"CSV（{enc}，{name}分隔）", delim, enc)
    if suffix == ".xlsx":
        book = Book(read_xlsx(data, max_rows, sheets), "Excel")
        if not book.sheets or all(not any(any(c.strip() for c in r) for r in s.rows) for s in book.sheets):
            raise ReadError("文件为空")
        return book
    if suffix == ".xls":
        raise ReadError("不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV（UTF-8）后导入")
    raise ReadError(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .csv 或 .xlsx 文件")


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]


def read_table(data: bytes, file_name: str):
    """First sheet as a DataFrame of str with its located header (convenience for tools and tests).

    Returns (frame, format description). Raises ReadError like :func:`read_book`."""
    import pandas as pd

    from cx.ingest.layout import locate

    book = read_book(data, file_name)
    sheet = book.sheets[0]
    t = locate(sheet.name, sheet.rows)
    if len(t.headers) > MAX_COLUMNS:
        raise ReadError(f"列数过多（{len(t.headers)} 列，上限 {MAX_COLUMNS}）：请检查文件是否正确")
    return pd.DataFrame(t.rows, columns=t.headers), book.fmt
