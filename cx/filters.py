"""The shared filter bar's state, and the single place where it (and the user's scope) becomes SQL parameters.

Every query over feedback starts from ``cx/sql/filtered.sql``, whose WHERE clause reads exactly these
parameters; a role's store scope is applied there too, so no page can forget it.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from cx import vocab


@dataclass(frozen=True)
class Filters:
    start: date
    end: date                                  # inclusive
    regions: tuple[str, ...] = ()
    stores: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    scope_stores: tuple[str, ...] | None = None  # None = unrestricted (HQ); set by the login role

    def params(self) -> dict:
        """Bound parameters for filtered.sql; an empty selection means "all"."""
        return {
            "start": datetime.combine(self.start, time.min),
            "end": datetime.combine(self.end + timedelta(days=1), time.min),
            "regions": list(self.regions) or None,
            "stores": list(self.stores) or None,
            "sources": list(self.sources) or None,
            "channels": list(self.channels) or None,
            "formats": list(self.formats) or None,
            "scope_stores": None if self.scope_stores is None else list(self.scope_stores),
            "no_store": NO_STORE, "no_format": NO_FORMAT, "no_channel": NO_CHANNEL,
            **self.full_months(),
        }

    def full_months(self) -> dict:
        """[full_start, full_end): the whole calendar months inside the period (empty when there are none),
        which roll-ups can answer; the days outside it are read from the rows."""
        after = self.end + timedelta(days=1)
        first = self.start if self.start.day == 1 else (self.start.replace(day=28) + timedelta(days=4)).replace(day=1)
        last = after.replace(day=1)
        if first >= last:
            first = last = self.start
        return {"full_start": first, "full_end": last}

    def previous(self) -> "Filters":
        """The period of equal length just before this one (same other filters): comparisons and rank movement."""
        days = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=days), end=self.start - timedelta(days=1))

    def with_(self, **kw) -> "Filters":
        return replace(self, **kw)

    def describe(self) -> str:
        """One line for chart subtitles and exports."""
        parts = [f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"]
        if self.regions:
            parts.append("区域：" + "、".join(self.regions))
        if self.stores:
            parts.append(f"门店：{len(self.stores)} 家" if len(self.stores) > 3 else "门店：" + "、".join(self.stores))
        if self.sources:
            parts.append("来源：" + "、".join(SOURCE_LABELS.get(s, s) for s in self.sources))
        if self.channels:
            parts.append("渠道：" + "、".join(self.channels))
        if self.formats:
            parts.append("业态：" + "、".join(self.formats))
        return "；".join(parts)


# Labels for missing store / format / channel: shown as heatmap columns and accepted back as filter values.
NO_STORE, NO_FORMAT, NO_CHANNEL = "未关联门店", "未知业态", "未知渠道"
SOURCE_LABELS = {s: vocab.SOURCE_LABELS[s] for s in vocab.FEEDBACK_SOURCES}     # the filter bar's sources
