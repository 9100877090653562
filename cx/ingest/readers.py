"""Read an uploaded CSV/XLSX into a DataFrame of strings, whatever its encoding.

Every cell comes back as ``str`` ("" for empty) so that validation, not the reader, decides what a value
means; nothing is silently coerced (e.g. store code "0012" keeps its zeros).
"""
from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path

import pandas as pd

# Tried in order; GB18030 is a superset of GBK and GB2312, so it also reads those.
ENCODINGS = ("utf-8-sig", "gb18030")
MAX_COLUMNS = 200
MAX_XLSX_UNCOMPRESSED = 500 * 1024 * 1024  # refuse zip bombs before openpyxl expands them


class ReadError(ValueError):
    """A file that cannot be read at all; the message is Chinese and shown to the user as is."""


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for CSV bytes in UTF-8 (with or without BOM), GBK or GB18030."""
    if b"\x00" in data[:4096]:
        raise ReadError("文件包含二进制内容，不是文本 CSV 文件（如为 UTF-16 编码，请另存为 UTF-8）")
    for enc in ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def read_csv_bytes(data: bytes) -> tuple[pd.DataFrame, str]:
    text, enc = decode(data)
    if not text.strip():
        raise ReadError("文件为空")
    try:
        with warnings.catch_warnings():
            # pandas would otherwise drop or shift cells of rows longer than the header: make it an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, sep=sniff_delimiter(text),
                skipinitialspace=True, on_bad_lines="error", index_col=False,
            )
    except pd.errors.ParserWarning:
        raise ReadError("CSV 格式错误：有数据行的列数多于表头，请检查分隔符或引号") from None
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m:
            raise ReadError(f"CSV 格式错误：第 {m.group(2)} 行有 {m.group(3)} 列，表头只有 {m.group(1)} 列（请检查逗号或引号）") from None
        raise ReadError(f"CSV 格式错误：{_first_line(e)}") from e
    except Exception as e:  # csv.Error from the sniffer etc.
        raise ReadError(f"CSV 无法解析：{_first_line(e)}") from e
    return frame, enc


def sniff_delimiter(text: str) -> str:
    """Comma unless the header line clearly uses tab, semicolon or pipe (Excel exports vary by locale)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def read_xlsx_bytes(data: bytes) -> pd.DataFrame:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as e:
        raise ReadError("Excel 文件已损坏或不是 .xlsx 格式") from e
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ReadError(f"Excel 文件解压后过大（{total // 1024 // 1024} MB），已拒绝；请拆分后导入")
    try:
        frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as e:
        raise ReadError(f"Excel 文件无法读取：{_first_line(e)}") from e
    return frame


def read_table(data: bytes, file_name: str) -> tuple[pd.DataFrame, str]:
    """Read a CSV or XLSX upload. Returns (frame of str, description of the format/encoding)."""
    suffix = Path(file_name).suffix.lower()
    if suffix in (".csv", ".txt"):
        frame, enc = read_csv_bytes(data)
        fmt = f"CSV（{enc.upper().replace('-SIG', '')}）"
    elif suffix == ".xlsx":
        frame, fmt = read_xlsx_bytes(data), "Excel"
    else:
        raise ReadError(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .csv 或 .xlsx 文件")
    if frame.shape[1] > MAX_COLUMNS:
        raise ReadError(f"列数过多（{frame.shape[1]} 列，上限 {MAX_COLUMNS}）：请检查文件是否正确")
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.fillna("").astype(str)
    return frame, fmt


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
