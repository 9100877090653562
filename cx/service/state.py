"""Process-wide service state: the store connection, the job clock, the local CLI token."""
from __future__ import annotations

import logging
import threading
from datetime import datetime

import duckdb

from cx import db, settings

log = logging.getLogger("cx.service")
_LOCK = threading.Lock()
_CON: duckdb.DuckDBPyConnection | None = None
CLI_TOKEN: dict[str, str] = {}          # {"secret": …} while the service runs (written to the service file)
STATUS = {"jobs": False, "started_at": None}


def store() -> duckdb.DuckDBPyConnection | None:
    """The process's connection to the store (same DuckDB instance as the pages' connection), or None while
    no store file exists yet (the service is building the demo: cx.firstrun). Callers take a cursor per unit of work."""
    global _CON
    if _CON is None:
        with _LOCK:
            if _CON is None and (settings.db_path().exists() or str(settings.db_path()) == ":memory:"):
                _CON = db.connect(settings.db_path())
    return _CON


def close() -> None:
    global _CON
    with _LOCK:
        if _CON is not None:
            _CON.close()
            _CON = None


def now() -> datetime:
    """The jobs' clock: the chain's ``settings.now()`` (chain-local, naive; ``CX_CLOCK_SHIFT_HOURS`` in tests)."""
    return settings.now()
