"""Blank import templates per source (Chinese headers), so users start from a file that maps cleanly."""
from __future__ import annotations

from cx.ingest.mapping import label, spec

EXAMPLES = {
    "survey": ["Q20260301001", "S0001", "2026-03-01 12:30", "小程序问卷", "9", "5", "6", "上菜很快，服务热情"],
    "service": ["T20260301001", "S0001", "2026-03-01 19:05", "电话客服", "顾客来电反映外卖洒漏，要求退款"],
    "review": ["R20260301001", "S0001", "2026-03-01 20:11", "大众点评", "4", "味道不错，就是排队太久"],
    "opinion": ["P20260301001", "S0001", "2026-03-01 21:40", "小红书", "#探店# 环境很好，推荐招牌菜"],
    "kano": ["K0001", "扫码点餐", "1", "5", "2026-03-01", "S0001"],
}
COLUMNS = {
    "survey": ["source_ref", "store_id", "created_at", "channel", "nps", "csat", "ces", "text"],
    "service": ["source_ref", "store_id", "created_at", "channel", "text"],
    "review": ["source_ref", "store_id", "created_at", "channel", "rating", "text"],
    "opinion": ["source_ref", "store_id", "created_at", "channel", "text"],
    "kano": ["respondent", "feature", "functional", "dysfunctional", "created_at", "store_id"],
}


def template_csv(source: str) -> bytes:
    """A UTF-8-BOM CSV (opens correctly in Excel) with the source's headers and one example row."""
    spec(source)  # validates the source name
    # CES is headed "CES" (canonical 1–7, 7 = least effort): "费力度" would read as an effort scale (higher = harder)
    header = ",".join("CES" if c == "ces" else label(c).split("(")[0] for c in COLUMNS[source])
    return ("\ufeff" + header + "\n" + ",".join(EXAMPLES[source]) + "\n").encode("utf-8")
