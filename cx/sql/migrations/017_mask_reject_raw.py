"""Python step of migration 017: ``cx_mask_reject_raw(raw)`` for its script — a stored reject's ``raw`` masked
the way the importer masks one (``cx.ingest.validate.masked_raw``), reusing that code rather than a copy of
its rules in SQL."""
from __future__ import annotations

import json
import re

FUNCTION = "cx_mask_reject_raw"
KEY = "customer_key"                              # the API's customer-key field (cx.commands.FEEDBACK_FIELDS)
_HASHED = re.compile(r"c[0-9a-f]{15}")            # cx.ingest.validate.hash_customer's output
# the key as a JSON string (possibly cut short, even right after a backslash) or as a number
_KEY_IN_TEXT = re.compile(r'("customer_key": ?)(?:(")((?:[^"\\]|\\.)*\\?)("|$)|(-?\d+))')


def mask(raw: str | None) -> str | None:
    """``raw`` (a reject's JSON row) with personal numbers masked and its ``customer_key`` hashed — unless that
    value is already a hash or empty, so masking twice changes nothing. ``raw`` that is not a JSON object (the
    old API path cut the item's JSON at 4 000 characters) is masked as text, a customer key in it hashed."""
    from cx.ingest.clean import fold_width, mask_personal
    from cx.ingest.validate import hash_customer, masked_raw

    if raw is None:
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        key = doc.get(KEY)
        clear = key not in (None, "") and not (isinstance(key, str) and _HASHED.fullmatch(key))
        if clear:
            doc[KEY] = str(key)
        return masked_raw(doc, KEY if clear else None)

    keys: list[str] = []

    def hashed(m: re.Match) -> str:          # the key's hash, put back after the personal numbers are masked
        value = m.group(3) if m.group(2) else m.group(5)
        try:
            value = json.loads(f'"{value}"') if m.group(2) else value
        except ValueError:
            pass
        if not value or _HASHED.fullmatch(value):
            return m.group(0)
        keys.append(hash_customer(value) or "")
        return f'{m.group(1)}"\x00{len(keys) - 1}\x00{m.group(4) if m.group(2) else chr(34)}'

    text = mask_personal(_KEY_IN_TEXT.sub(hashed, fold_width(raw)))
    return re.sub(r"\x00(\d+)\x00", lambda m: keys[int(m.group(1))], text)


def before(con) -> None:
    con.create_function(FUNCTION, mask, ["VARCHAR"], "VARCHAR", side_effects=False)


def after(con) -> None:
    try:
        con.remove_function(FUNCTION)
    except Exception:       # noqa: BLE001 - not registered (before failed): nothing to remove
        pass
