"""Report and digest scopes: ``chain`` | ``region:华东`` | ``store:S0001`` — the one parser.

Light on purpose (no plotly, no python-pptx): the deck, the CLI, the API, the scheduled digests and the
notification outbox all read scopes with it.
"""
from __future__ import annotations


def split(scope: str | None) -> tuple[str, str | None]:
    """``scope`` → (kind, value): ('chain', None), ('region', '华东') or ('store', 'S0001'); None or '' is the
    chain. Raises ValueError (Chinese message) for anything else."""
    kind, _, value = (scope or "chain").partition(":")
    if kind == "chain" and not value:
        return "chain", None
    if kind in ("region", "store") and value:
        return kind, value
    raise ValueError(f"无法识别的范围“{scope}”：应为 chain、region:区域名 或 store:门店编号")


def parse_scope(scope: str | None) -> tuple[str, dict]:
    """'chain' | 'region:华东' | 'store:S0001' → (label, filter fields): ('全连锁', {}), ('华东区域',
    {'regions': ('华东',)}), ('门店 S0001', {'stores': ('S0001',)}). ValueError for a bad scope."""
    kind, value = split(scope)
    if kind == "region":
        return f"{value}区域", {"regions": (value,)}
    if kind == "store":
        return f"门店 {value}", {"stores": (value,)}
    return "全连锁", {}
