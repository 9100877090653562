"""DuckDB store: where the file lives, schema migrations, and the one place SQL text is loaded from.

All SQL lives in ``cx/sql/*.sql`` and is executed with bound parameters only. DuckDB connections are not
thread-safe: callers that share one across threads take a ``cursor()`` per unit of work.
"""
from __future__ import annotations

import contextlib
import functools
import os
import threading
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = Path(__file__).resolve().parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"


def default_path() -> Path:
    """The store file: ``$CX_DB`` if set, else ``data/cx.duckdb`` in the project."""
    from cx import settings

    return settings.db_path()


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store and bring its schema up to date (writers only; readers see what is there)."""
    p = Path(path) if path is not None else default_path()
    if str(p) != ":memory:":
        p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p), read_only=read_only)
    con.execute("SET enable_progress_bar = false")   # it would draw on the CLI's terminal
    if not read_only:
        migrate(con)
    return con


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file ``NNN_name.sql`` in order."""
    out = []
    for f in sorted(MIGRATIONS_DIR.glob("*.sql")):
        version = int(f.name.split("_", 1)[0])
        out.append((version, f.stem, f.read_text(encoding="utf-8")))
    return out


def migration_step(name: str):
    """The Python step of migration ``name`` (``NNN_name.py`` beside ``NNN_name.sql``), or None. A step may define
    ``before(con)`` and ``after(con)``, run in the migration's transaction around its script (``after`` also when
    the script fails): for a data change that must reuse the product's own code instead of a copy of it in SQL —
    e.g. ``before`` registers a Python function the script calls and ``after`` removes it (017)."""
    path = MIGRATIONS_DIR / f"{name}.py"
    if not path.exists():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"cx_migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction (with its Python step, see ``migration_step``);
    return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, script in migrations():
        if version in done:
            continue
        step = migration_step(name)
        with transaction(con):
            if hasattr(step, "before"):
                step.before(con)
            try:
                con.execute(script)
            finally:
                if hasattr(step, "after"):
                    step.after(con)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
        applied.append(version)
    return applied


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


# One writer at a time within a process: browser sessions share one connection (cursor each), and DuckDB
# would otherwise fail one of two overlapping write transactions with a conflict. Readers are not blocked.
WRITE_LOCK = threading.RLock()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All-or-nothing write block: commit on success, roll back on any exception (then re-raise)."""
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")


@functools.cache
def sql(name: str) -> str:
    """The text of ``cx/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def df(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run a named SQL file with bound parameters and return a DataFrame (on its own cursor)."""
    with con.cursor() as cur:
        return cur.execute(sql(name), params or {}).df()


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the data as changed so caches keyed on ``data_version`` refresh."""
    con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")


def bump_loop_version(con: duckdb.DuckDBPyConnection) -> None:
    """Mark tickets/actions as changed. Kept apart from data_version: an SLA escalation on the 工单中心 page
    must not throw away every cached analysis of unchanged feedback."""
    con.execute("INSERT INTO meta VALUES ('loop_version', '1') ON CONFLICT (key) DO UPDATE "
                "SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS VARCHAR)")


def _counter(con: duckdb.DuckDBPyConnection, key: str) -> int:
    value = meta_value(con, key)
    return int(value) if value is not None else 0


def meta_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    with con.cursor() as cur:
        row = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def loop_version(con: duckdb.DuckDBPyConnection) -> int:
    return _counter(con, "loop_version")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    return _counter(con, "data_version")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row counts of the core tables (for status displays and tests)."""
    out = {}
    with con.cursor() as cur:
        for t in ("stores", "feedback", "kano_answers", "external_ratings", "imports", "rejects"):
            out[t] = cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - fixed names
    return out


def filtered_df(con: duckdb.DuckDBPyConnection, name: str, filters, extra: dict[str, Any] | None = None) -> pd.DataFrame:
    """Run ``cx/sql/<name>.sql`` over the CTE ``f`` = feedback restricted by the filter bar and user scope."""
    params = {**filters.params(), **(extra or {})}
    with con.cursor() as cur:
        return cur.execute(sql("filtered") + sql(name), params).df()


def demo_stories(con: duckdb.DuckDBPyConnection) -> dict:
    """The stories planted by the demo generator ({} for a real store)."""
    with con.cursor() as cur:
        row = cur.execute("SELECT value FROM meta WHERE key = 'demo_stories'").fetchone()
    return yaml.safe_load(row[0]) if row else {}
