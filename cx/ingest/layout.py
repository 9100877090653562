"""Find the table in a raw sheet: the header row (title rows above it skipped), two-level merged headers
joined, description rows under the header (Qualtrics' question text and ImportId rows) and repeated header
lines (concatenated exports) recognised, trailing empty cells from a trailing delimiter dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cx.ingest.profiles import norm_header
from cx.ingest.readers import ReadError

SCAN_ROWS = 30
_DATA_LIKE = re.compile(r"^\s*(?:[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?%?|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}.*|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}.*|[★☆]+)\s*$")
_IMPORT_ID = re.compile(r'^\s*\{\s*"ImportId"\s*:')


@dataclass
class Table:
    """A located table: unique display headers, data rows (each as long as the header) with their
    spreadsheet row numbers, and counts of rows skipped as header/description lines."""
    sheet: str
    headers: list[str]
    raw_headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_row: int                       # 1-based row of the (first) header line
    header_rows: int = 1
    skipped: list[tuple[int, str]] = field(default_factory=list)   # (row number, why) of skipped lines
    title_rows: int = 0
    total_rows: int | None = None
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def _nonempty(row: list[str]) -> list[str]:
    return [c for c in row if c.strip()]


def _is_data_like(c: str) -> bool:
    return bool(_DATA_LIKE.match(c))


def _headerish(row: list[str]) -> bool:
    cells = _nonempty(row)
    return len(cells) >= 2 and sum(_is_data_like(c) for c in cells) <= len(cells) * 0.25


def find_header(rows: list[list[str]], known: set[str] | None = None) -> int:
    """0-based index of the header row among the first rows. Title rows (one cell, e.g. "2026年9月满意度调查")
    and blank rows above it are skipped. ``known``: normalised header words; a later row wins over the first
    text row only when it holds more of them (a real header under a multi-cell description line)."""
    best, best_hits = None, -1
    for i, r in enumerate(rows[:SCAN_ROWS]):
        if not _headerish(r):
            continue
        hits = sum(1 for c in _nonempty(r) if known and norm_header(c) in known)
        if best is None or hits > best_hits:
            best, best_hits = i, hits
    return 0 if best is None else best


def _trim(row: list[str], width: int, line: int) -> list[str]:
    if len(row) > width:
        extra = row[width:]
        if any(c.strip() for c in extra):
            raise ReadError(f"CSV 格式错误：第 {line} 行有 {len(row)} 列，表头只有 {width} 列（请检查逗号或引号）")
        row = row[:width]
    elif len(row) < width:
        row = row + [""] * (width - len(row))
    return row


def locate(sheet_name: str, raw: list[list[str]], header_rows: int | None = None, known: set[str] | None = None,
           total_rows: int | None = None, truncated: bool = False) -> Table:
    """Locate the table in ``raw`` (rows of str). ``header_rows``: lines of header from the profile
    (None = detect a merged two-level header). Raises ReadError when there is no header at all."""
    rows = [[c.replace("\ufeff", "").strip() if c else "" for c in r] for r in raw]
    if not any(_nonempty(r) for r in rows):
        raise ReadError(f"工作表“{sheet_name}”为空" if sheet_name else "文件为空")
    h = find_header(rows, known)
    head = rows[h]
    notes: list[str] = []
    title_rows = sum(1 for r in rows[:h] if _nonempty(r))
    if h:
        blank = h - title_rows
        notes.append(f"表头在第 {h + 1} 行（上方 {title_rows} 行标题/说明" + (f"和 {blank} 行空行" if blank else "") + "已跳过）")
    # Merged two-level header: parent cells spanning several columns leave blanks to their right.
    n_lines = 1
    sub = rows[h + 1] if h + 1 < len(rows) else []
    if header_rows == 2 or (header_rows is None and sub and _headerish(sub) and _has_merge_gaps(head, sub)):
        n_lines = 2
        head = _join_two(head, sub)
        notes.append(f"第 {h + 1}–{h + 2} 行为两级表头，已合并为列名（如“{next((x for x in head if '-' in x), head[0])}”）")
    width = max(i + 1 for i, c in enumerate(head) if c.strip()) if any(c.strip() for c in head) else 0
    # Columns with no header: keep them if they hold data (named 列N), drop trailing empty ones.
    data_start = h + n_lines
    body = rows[data_start:]
    max_w = max([width] + [max((i + 1 for i, c in enumerate(r) if c.strip()), default=0) for r in body])
    if max_w > width:
        # Data beyond the header: refuse (a shifted or broken row), naming the first such line.
        for off, r in enumerate(body):
            if any(c.strip() for c in r[width:]):
                line = data_start + off + 1
                raise ReadError(f"CSV 格式错误：第 {line} 行有 {max(i + 1 for i, c in enumerate(r) if c.strip())} 列，"
                                f"表头只有 {width} 列（请检查分隔符、逗号或引号）")
    if width > 200:
        raise ReadError(f"列数过多（{width} 列，上限 200）：请检查文件是否正确")
    raw_headers = [c.strip() for c in head[:width]]
    headers = _unique([c or f"列{i + 1}" for i, c in enumerate(raw_headers)])
    header_keys = [norm_header(c) for c in raw_headers]
    table = Table(sheet_name, headers, raw_headers, [], [], h + 1, n_lines, title_rows=title_rows,
                  total_rows=total_rows, truncated=truncated, notes=notes)
    extra_desc = (header_rows or 1) - n_lines if header_rows else 0
    for off, r in enumerate(body):
        line = data_start + off + 1
        r = _trim(r, width, line)
        if not any(c.strip() for c in r):
            continue
        if off < extra_desc:
            table.skipped.append((line, "表头说明行"))
            continue
        if norm_header(r[0]) == header_keys[0] and [norm_header(c) for c in r] == header_keys:
            table.skipped.append((line, "重复的表头行"))
            continue
        cells = _nonempty(r)
        if cells and sum(bool(_IMPORT_ID.match(c)) for c in cells) >= len(cells) * 0.5:
            table.skipped.append((line, "表头说明行（ImportId）"))
            continue
        if off < 2 and not table.rows and _describes(r, header_keys):
            # Question texts under export tags (Qualtrics row 2): no number or date anywhere, unlike any data
            # row, and several cells that repeat their column's name ("Start Date" under StartDate).
            table.skipped.append((line, "表头说明行（题目文字）"))
            continue
        table.rows.append(r)
        table.row_numbers.append(line)
    return table


def _describes(row: list[str], header_keys: list[str]) -> bool:
    cells = [(c, k) for c, k in zip(row, header_keys) if c.strip()]
    if len(cells) < 3 or any(_is_data_like(c) for c, _ in cells):
        return False
    echoes = sum(1 for c, k in cells if k and norm_header(c) == k)
    return echoes >= max(2, 0.3 * len(cells))


def _has_merge_gaps(head: list[str], sub: list[str]) -> bool:
    """A parent row with blank cells right of a filled one, where the row below has text in those cells."""
    for i in range(1, min(len(head), len(sub))):
        if not head[i].strip() and sub[i].strip() and any(c.strip() for c in head[:i]):
            return True
    return False


def _join_two(head: list[str], sub: list[str]) -> list[str]:
    out, parent = [], ""
    n = max(len(head), len(sub))
    head = head + [""] * (n - len(head))
    sub = sub + [""] * (n - len(sub))
    for top, low in zip(head, sub):
        if top.strip():
            parent = top.strip()
            out.append(f"{parent}-{low.strip()}" if low.strip() and low.strip() not in ("Response", "回答") else parent)
        else:
            out.append(f"{parent}-{low.strip()}" if parent and low.strip() else low.strip())
    return out


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n} ({seen[n]})")
        else:
            seen[n] = 1
            out.append(n)
    return out
