"""Tables as Excel workbooks: Chinese headers, number formats, frozen header row, formula injection
neutralised (a cell starting with = + - @ becomes text with a leading apostrophe)."""
from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Neutralise text Excel would treat as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def _fmt(col: str, series: pd.Series) -> str | None:
    if any(k in col for k in ("率", "占比", "share", "rate")) and pd.api.types.is_float_dtype(series) \
            and series.dropna().between(0, 1).all():
        return "0.0%"
    if pd.api.types.is_float_dtype(series):
        values = series.dropna()
        if len(values) and (values == values.round()).all():
            return "#,##0"                  # counts that became float (a sum, a join, a missing value)
        return "0.0" if any(k in col for k in ("得分", "分数", "score", "NPS", "指数")) else "0.00"
    if pd.api.types.is_integer_dtype(series):
        return "#,##0"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd hh:mm"
    return None


def to_xlsx(sheets: dict[str, pd.DataFrame], note: str | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31] or "Sheet")
        start = 1
        if note:
            ws.cell(row=1, column=1, value=safe(note)).font = Font(italic=True, color="666666")
            start = 2
        for j, col in enumerate(df.columns, 1):
            c = ws.cell(row=start, column=j, value=safe(str(col)))
            c.font = Font(bold=True, color="FFFFFF")
            c.fill = PatternFill("solid", fgColor="2F6FDE")
            c.alignment = Alignment(horizontal="center", vertical="center")
        formats = {j: _fmt(str(col), df[col]) for j, col in enumerate(df.columns, 1)}
        for i, row in enumerate(df.itertuples(index=False), start + 1):
            for j, v in enumerate(row, 1):
                if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
                    continue
                if isinstance(v, pd.Timestamp):
                    v = v.to_pydatetime()
                elif isinstance(v, (list, tuple)):
                    v = "、".join(map(str, v))
                elif hasattr(v, "item") and not isinstance(v, (str, datetime, date)):
                    v = v.item()
                if isinstance(v, float) and formats[j]:      # store what is shown, not 92.18567263353323
                    v = int(v) if formats[j] == "#,##0" else round(v, 4 if formats[j] == "0.0%" else 2)
                cell = ws.cell(row=i, column=j, value=safe(v))
                if isinstance(cell.value, str):
                    cell.data_type = "s"
                if formats[j]:
                    cell.number_format = formats[j]
        ws.freeze_panes = ws.cell(row=start + 1, column=1)
        for j, col in enumerate(df.columns, 1):
            width = max([len(str(col)) * 2] + [min(60, len(str(v)) * 2) for v in df[col].head(200)]) + 2
            ws.column_dimensions[get_column_letter(j)].width = min(max(width, 8), 70)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
