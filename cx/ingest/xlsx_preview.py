"""Open an .xlsx for a preview without reading its whole shared-string table.

``openpyxl.load_workbook(read_only=True)`` builds every shared string (one Python object per distinct text)
before the first row can be read. Files written by Excel and by platforms' back offices keep all their text
there, so for a preview of 200 rows the table dominates: ~2–3 s for a 4.5 MB workbook of 50 000 reviews on
a busy 2-core machine, ~10× that for a 50 MB one (measured by ``benchmarks/import_bench.py``).

:func:`load_workbook` returns the same read-only workbook as openpyxl (same cells, dates, styles — openpyxl
still does all the reading) but its shared strings are a :class:`LazyStrings`: the table's ``<si>`` items
are located by one byte scan and only the items a row asks for are parsed. Strings are indexed in the order
a writer first met them, sheet by sheet, so a sheet's first rows can refer anywhere in the table; hence the
scan rather than a partial parse. When the table does not look like plain ``<si>`` items (a prefixed
namespace such as ``<x:si>``, or a count that does not match ``uniqueCount``) the whole table is parsed as
openpyxl does — slower, never wrong.
"""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.reader.strings import read_string_table
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

_SI = re.compile(rb"<si[\s>/]")
_UNIQUE = re.compile(rb"<sst\b[^>]*\buniqueCount=\"(\d+)\"")


class LazyStrings(Sequence):
    """The shared-string table of one workbook; item ``i`` is parsed on first use (then kept)."""

    def __init__(self, xml: bytes):
        self._xml = xml
        starts = [m.start() for m in _SI.finditer(xml)]
        head = _UNIQUE.search(xml[:4096])
        self._eager: list[str] | None = None
        if not starts or (head is not None and int(head.group(1)) != len(starts)):
            self._eager = read_string_table(io.BytesIO(xml))       # unusual layout: read it all
            return
        self._starts = starts
        self._cache: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._eager) if self._eager is not None else len(self._starts)

    def __getitem__(self, i):
        if self._eager is not None:
            return self._eager[i]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self._starts)
        got = self._cache.get(i)
        if got is None:
            start = self._starts[i]
            end = self._xml.find(b"</si>", start)
            if end < 0 or (i + 1 < len(self._starts) and end > self._starts[i + 1]):
                end = (self._starts[i + 1] if i + 1 < len(self._starts) else len(self._xml))  # self-closing <si/>
                snippet = self._xml[start:end].rstrip()
                snippet = snippet if snippet.endswith(b"/>") else snippet + b"</si>"
            else:
                snippet = self._xml[start:end + 5]
            node = fromstring(b'<si xmlns="' + SHEET_MAIN_NS.encode() + b'"' + snippet[3:])
            got = self._cache[i] = Text.from_tree(node).content.replace("x005F_", "")
        return got


class _PreviewReader(ExcelReader):
    def read_strings(self):
        ct = self.package.find(SHARED_STRINGS)
        if ct is not None:
            self.shared_strings = LazyStrings(self.archive.read(ct.PartName[1:]))


def load_workbook(data: bytes):
    """A read-only, values-only openpyxl workbook of ``data`` whose shared strings are parsed on demand.
    Raises whatever ``openpyxl.load_workbook`` raises for the same bytes. Close it with ``wb.close()``."""
    reader = _PreviewReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read()
    return reader.wb
