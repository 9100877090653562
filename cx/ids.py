"""Deterministic ids shared by ingest, the loop and the demo (kept apart so they stop importing each other)."""
from __future__ import annotations

import hashlib


def stable_id(*parts: object) -> str:
    """Deterministic 16-hex id (SHA-1 of the parts joined by U+001F; None counts as "") so re-importing the
    same record maps to the same row."""
    return hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8")).hexdigest()[:16]
