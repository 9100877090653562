"""Date/time columns of real exports → naive local datetimes in the chain's time zone.

The whole column is read at once, because a single value often cannot say what it means: ``9/3/2026`` is
3 September when the same column holds ``9/20/2026`` and 9 March when it holds ``20/9/2026``. Rules:

- Year-first values (``2026-09-03 12:00``, ``2026/9/3``, ``2026年9月3日 下午3:05``, ISO 8601 with ``T``, ``Z`` or
  ``+08:00``) are unambiguous.
- Day/month order of ``a/b/yyyy`` (also ``a.b.yyyy``, ``a-b-yyyy``) is inferred from the whole column: a first
  field above 12 proves day-first, a second field above 12 proves month-first; both in one column is an error
  naming the rows; neither is ambiguous and raises :class:`AmbiguousDates` unless the caller (a profile, the
  mapping step or ``--date-order``) says the order.
- Values with an offset (``Z``, ``+00:00``) are instants and converted to the chain's zone; naive values are
  wall-clock times in the column's source zone (default: the chain's zone; Qualtrics exports say UTC).
- Excel serial day numbers (``46268.5``) and Unix epoch seconds/milliseconds are read as such.
- Chinese locale words are understood: 星期四/周四 (dropped), 上午/下午/晚上/凌晨/中午, ``晚8:00``, 8点30分.

Parsing itself is done by libraries: pandas' vectorised ``to_datetime`` with the format pandas guesses for the
column (fast path) and ``dateutil.parser`` for every value the fast path leaves (slow path). Our code only
normalises locale words and decides the day/month order.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from dateutil import parser as du_parser
from pandas.tseries.api import guess_datetime_format

from cx.ingest.clean import fold_width

EARLIEST = datetime(2000, 1, 1)
EXCEL_EPOCH = datetime(1899, 12, 30)
ORDERS = ("auto", "ymd", "mdy", "dmy")
ORDER_LABELS = {"ymd": "年/月/日", "mdy": "月/日/年", "dmy": "日/月/年"}


class DateColumnError(ValueError):
    """The column as a whole cannot be read (ambiguous or contradictory order); Chinese message."""


class AmbiguousDates(DateColumnError):
    """Every slash date could be read either way round and nothing decides the order."""


@dataclass
class DateColumn:
    """Result of :func:`parse_column`: one value (or None) per input cell, per-row errors, assumptions."""
    values: list[datetime | None]
    errors: dict[int, str] = field(default_factory=dict)   # position in the column → Chinese reason
    assumptions: list[str] = field(default_factory=list)
    order: str = "ymd"


_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]")
_DAYPART = re.compile(r"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|晚)\s*(\d{1,2})(?=\s*[:：点时]|\s*$)")
_PM_WORDS = {"下午", "傍晚", "晚上", "夜里", "夜间", "晚"}
_OFFSET = re.compile(r"(?:[Zz]|[+-]\d{2}:?\d{2}|\bUTC\b|\bGMT\b)\s*$")
_SLASH = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
_YEAR_FIRST = re.compile(r"^\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PLAIN = re.compile(r"[\d/\-:. ]+")
_SPACE_RUN = re.compile(r"\s+")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[ T]?(\d{2})(\d{2})(\d{2})?)?$")


def chain_zone(name: str | None = None) -> ZoneInfo:
    """The chain's time zone (``cx.settings.time_zone()``: ``CX_TZ``, default Asia/Shanghai).
    Raises DateColumnError if unknown."""
    from cx import settings
    name = name or settings.time_zone()
    try:
        return ZoneInfo(name)
    except Exception:
        raise DateColumnError(f"未知的时区“{name}”（示例：Asia/Shanghai、UTC）") from None


def normalize(value: str) -> str:
    """Fold width and Chinese locale words into something dateutil/pandas read (no parsing here)."""
    s = fold_width(str(value)).replace("\ufeff", "").strip()
    if not s:
        return ""
    if s.isascii() and _PLAIN.fullmatch(s):       # the common case: nothing to normalise
        return _SPACE_RUN.sub(" ", s).strip(" -")
    s = _WEEKDAY.sub(" ", s)
    s = s.replace("年", "-").replace("月", "-").replace("日", " ").replace("号", " ")

    def daypart(m: re.Match) -> str:
        word, hour = m.group(1), int(m.group(2))
        if word in _PM_WORDS and hour < 12:
            hour += 12
        elif word == "中午" and hour < 6:      # 中午1点 = 13:00; 中午12点 stays 12
            hour += 12
        elif word in ("凌晨", "早上", "早晨", "上午") and hour == 12:
            hour = 0
        return f" {hour}"
    s = _DAYPART.sub(daypart, s)
    s = re.sub(r"(\d)\s*[点时]\s*(\d{1,2})\s*分?\s*(?:(\d{1,2})\s*秒)?", lambda m: f"{m.group(1)}:{m.group(2)}" + (f":{m.group(3)}" if m.group(3) else ""), s)
    s = re.sub(r"(\d)\s*[点时](?!\d)", r"\1:00", s)
    s = s.replace("：", ":").replace("上午", "AM").replace("下午", "PM")
    s = re.sub(r"\s+", " ", s).strip(" -")
    return s


def _kind(s: str) -> str:
    if not s:
        return "empty"
    if _COMPACT.match(s):
        return "compact"
    if _NUMBER.match(s):
        x = float(s)
        if 1e12 <= x < 1e13:
            return "epoch_ms"
        if 9e8 <= x < 1e10:
            return "epoch_s"
        if 20000 <= x < 80000:
            return "serial"
        return "other"
    if _YEAR_FIRST.match(s):
        return "ymd"
    if _SLASH.match(s):
        return "slash"
    return "other"


def decide_order(cells: list[tuple[int, str]], order: str = "auto", row_label=lambda i: f"第 {i + 1} 个",
                 decided_by: str = "指定的日期顺序") -> tuple[str, list[str]]:
    """Day/month order for ``a/b/yyyy`` values: ``(order, assumptions)``.

    ``cells``: (position, normalised value) of the slash-form values only. Raises AmbiguousDates when nothing
    decides and ``order`` is "auto"; DateColumnError when the column contradicts itself (rows named).
    """
    if order not in ORDERS:
        raise DateColumnError(f"日期顺序“{order}”无效，可选：mdy（月/日/年）、dmy（日/月/年）")
    first_big = next(((i, s) for i, s in cells if int(_SLASH.match(s).group(1)) > 12), None)
    second_big = next(((i, s) for i, s in cells if int(_SLASH.match(s).group(2)) > 12), None)
    if first_big and second_big:
        raise DateColumnError(
            f"日期顺序前后矛盾：{row_label(first_big[0])}“{first_big[1][:20]}”只能是 日/月/年，"
            f"{row_label(second_big[0])}“{second_big[1][:20]}”只能是 月/日/年；请检查文件是否合并了不同来源")
    if order in ("mdy", "dmy"):
        proof = first_big if order == "mdy" else second_big
        if proof:
            want = "日/月/年" if order == "mdy" else "月/日/年"
            raise DateColumnError(f"指定的日期顺序为 {ORDER_LABELS[order]}，但{row_label(proof[0])}“{proof[1][:20]}”只能是 {want}")
        return order, [f"日期按 {ORDER_LABELS[order]} 解析（{decided_by}）"]
    if first_big:
        return "dmy", [f"日期按 日/月/年 解析：{row_label(first_big[0])}“{first_big[1][:20]}”的第一个数大于 12，只能是日"]
    if second_big:
        return "mdy", [f"日期按 月/日/年 解析：{row_label(second_big[0])}“{second_big[1][:20]}”的第二个数大于 12，只能是 月/日"]
    sample = cells[0][1][:20] if cells else ""
    raise AmbiguousDates(
        f"无法确定日期顺序：像“{sample}”这样的日期既可读作 月/日/年 也可读作 日/月/年，列中没有大于 12 的日可以判断。"
        "请在映射步骤选择日期顺序（命令行：--date-order mdy 或 --date-order dmy），或使用指定了日期顺序的导入配置")


def parse_column(values: list[str], *, order: str = "auto", source_tz: str | None = None,
                 chain_tz: str | None = None, now: datetime | None = None,
                 row_label=lambda i: f"第 {i + 1} 个", decided_by: str = "指定的日期顺序") -> DateColumn:
    """Parse a whole column of date/time strings.

    ``values``: the cells as strings (``""`` = empty). ``order``: "auto" (infer from the column) or
    "mdy"/"dmy"/"ymd". ``source_tz``: zone of naive values (default: the chain's). ``chain_tz``: the zone the
    stored naive datetimes are in (default ``CX_TIMEZONE`` or Asia/Shanghai). ``row_label(i)`` names position
    ``i`` in messages (e.g. the spreadsheet row). Returns a :class:`DateColumn`; raises AmbiguousDates or
    DateColumnError for column-level problems (nothing guessed).
    """
    chain = chain_zone(chain_tz)
    src = chain_zone(source_tz) if source_tz else chain
    now_local = now or datetime.now(chain).replace(tzinfo=None)
    norm: dict[str, str] = {}
    for v in values:
        if v not in norm:
            norm[v] = normalize(v)
    kinds = {n: _kind(n) for n in set(norm.values())}
    out = DateColumn(values=[None] * len(values))
    slash = [(i, norm[v]) for i, v in enumerate(values) if kinds[norm[v]] == "slash"]
    assumptions: list[str] = []
    used_order = "ymd"
    if slash:
        if order == "ymd":
            order = "auto"
        used_order, assumptions = decide_order(slash, order, row_label, decided_by)
    dayfirst = used_order == "dmy"

    parsed: dict[str, datetime | str] = {}      # normalised value → naive local datetime or an error text
    todo: list[str] = []
    for n, k in kinds.items():
        if k == "empty":
            parsed[n] = "时间为空"
        elif k in ("serial", "epoch_s", "epoch_ms"):
            x = float(n)
            if k == "serial":
                parsed[n] = EXCEL_EPOCH + timedelta(days=x)       # wall-clock in the source zone
            else:
                utc = datetime.fromtimestamp(x / (1000 if k == "epoch_ms" else 1), tz=timezone.utc)
                parsed[n] = utc.astimezone(chain).replace(tzinfo=None)
                continue
            parsed[n] = _to_chain(parsed[n], src, chain)
        elif k == "compact":
            m = _COMPACT.match(n)
            y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
            try:
                parsed[n] = _to_chain(datetime(y, mo, d, hh, mi, ss), src, chain)
            except ValueError:
                parsed[n] = f"时间不存在“{n[:30]}”"
        else:
            todo.append(n)
    _parse_strings(todo, dayfirst, src, chain, parsed)
    if "serial" in kinds.values():
        assumptions.append("纯数字时间按 Excel 日期序号解析（1899-12-30 起的天数）")
    if any(k in ("epoch_s", "epoch_ms") for k in kinds.values()):
        assumptions.append("10/13 位数字时间按 Unix 时间戳（UTC）解析并换算到本地时区")
    if any(_OFFSET.search(n) for n in todo):
        assumptions.append(f"带时区的时间（Z、+00:00 等）换算为连锁时区 {chain.key}")
    if src.key != chain.key:
        assumptions.append(f"未带时区的时间视为 {src.key}，换算为连锁时区 {chain.key}")
    out.assumptions = assumptions
    out.order = used_order
    upper = now_local + timedelta(days=1)
    for i, v in enumerate(values):
        r = parsed.get(norm[v])
        if isinstance(r, datetime):
            if r < EARLIEST:
                out.errors[i] = f"时间过早“{str(v)[:30]}”（早于 2000 年）"
            elif r > upper:
                out.errors[i] = f"时间在未来“{str(v)[:30]}”"
            else:
                out.values[i] = r
        else:
            out.errors[i] = r or f"无法识别的时间格式“{str(v)[:30]}”（示例：2026-03-01 12:30）"
    return out


def _to_chain(dt: datetime, src: ZoneInfo, chain: ZoneInfo) -> datetime:
    if src.key == chain.key:
        return dt
    return dt.replace(tzinfo=src).astimezone(chain).replace(tzinfo=None)


def _parse_strings(todo: list[str], dayfirst: bool, src: ZoneInfo, chain: ZoneInfo, parsed: dict) -> None:
    """Fast path: pandas with the format it guesses per value shape; slow path: dateutil per value."""
    if not todo:
        return
    shapes: dict[str, list[str]] = {}
    for n in todo:
        shapes.setdefault(re.sub(r"\d", "9", n), []).append(n)
    rest: list[str] = []
    for group in shapes.values():
        fmt = None
        if len(group) >= 20:
            slash = bool(_SLASH.match(group[0]))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    fmt = guess_datetime_format(group[0], dayfirst=dayfirst and slash)
                except Exception:
                    fmt = None
            want = ("%d" if dayfirst else "%m") if slash else "%Y"
            if fmt and not fmt.startswith(want):
                fmt = None
        if not fmt:
            rest.extend(group)
            continue
        aware = "%z" in fmt or "%Z" in fmt
        ser = pd.to_datetime(pd.Series(group), format=fmt, errors="coerce", utc=aware)
        for n, ts in zip(group, ser):
            if pd.isna(ts):
                rest.append(n)
            elif aware:
                parsed[n] = ts.tz_convert(chain.key).tz_localize(None).to_pydatetime()
            else:
                parsed[n] = _to_chain(ts.to_pydatetime(), src, chain)
    for n in rest:
        parsed[n] = _parse_one(n, dayfirst, src, chain)


_DEFAULT = datetime(2000, 1, 1)


def _parse_one(n: str, dayfirst: bool, src: ZoneInfo, chain: ZoneInfo) -> datetime | str:
    if not re.search(r"\d{4}", n) or len(re.findall(r"\d+", n)) < 3 and not re.search(r"[A-Za-z]{3}", n):
        return f"无法识别的时间格式“{n[:30]}”（需要年、月、日；示例：2026-03-01 12:30）"
    try:
        yearfirst = bool(_YEAR_FIRST.match(n))
        dt = du_parser.parse(n, dayfirst=dayfirst and not yearfirst, yearfirst=yearfirst, default=_DEFAULT)
    except (ValueError, OverflowError, du_parser.ParserError):
        return f"无法识别的时间格式“{n[:30]}”（示例：2026-03-01 12:30）"
    if dt.tzinfo is not None:
        return dt.astimezone(chain).replace(tzinfo=None)
    return _to_chain(dt, src, chain)
