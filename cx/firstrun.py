"""First run of a store: the embedded demo (default) or an empty store for real data.

- ``CX_DEMO=off`` (what ``scripts/run-app.sh --empty`` sets): a missing store is created empty (schema by the
  migrations, no rows, no accounts) when the service starts; the first HQ admin then needs the one-time code
  from the service log. The demo and its demo accounts are never created in this mode.
- Demo mode (default): the service builds the demo in a background thread of its own process when it starts
  (not in a browser session, so closing a tab neither stops nor restarts it); pages and /login show the
  progress (``PROGRESS``) until the store is swapped in.

Streamlit-free; used by ``cx.service.app`` (start-up), ``cx.service.web`` (gate, /login) and ``ui.shell``.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import duckdb

from cx import auth, db, demo, settings

log = logging.getLogger("cx.firstrun")
_LOCK = threading.Lock()
# the demo build of this process: running, fraction 0..1, message (Chinese), error (Chinese or None)
PROGRESS: dict = {"running": False, "fraction": 0.0, "message": "", "error": None, "started_at": None}


def demo_config() -> demo.DemoConfig:
    """The demo built on first start: 120 000 rows over 300 stores (``CX_DEMO_ROWS`` makes it smaller)."""
    rows = settings.demo_rows()
    return demo.DemoConfig(rows=rows, stores=min(300, max(20, rows // 150)), chunk=min(50_000, max(2_000, rows // 2)))


def create_empty(path: Path) -> None:
    """Create a store with the schema (all migrations) and no data."""
    con = db.connect(path)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()
    log.warning("created an empty store for real data at %s (CX_DEMO=off: no demo data, no demo accounts)", path)


def build_demo(path: Path, progress=None) -> None:
    """Build the demo store at ``path`` and its demo accounts (not when the accounts file already holds other,
    real accounts). Raises RuntimeError with ``CX_DEMO=off``."""
    if not settings.demo_enabled():
        raise RuntimeError("CX_DEMO=off：不生成演示数据")
    demo.build(path, demo_config(), progress=progress)
    real = [u.username for u in auth.list_users() if not u.username.startswith("demo-")]
    if real:                        # an accounts file of a real installation: never add public demo passwords to it
        log.warning("demo built, but no demo accounts added: the accounts file already holds %s", ", ".join(real))
        return
    con = db.connect(path)
    try:
        auth.create_demo_users(con)
    finally:
        con.close()


def _run(path: Path) -> None:
    def step(f: float, m: str) -> None:
        PROGRESS.update(fraction=min(1.0, float(f)), message=m)
    t0 = time.monotonic()
    try:
        build_demo(path, step)
        log.info("demo store built at %s in %.0f s", path, time.monotonic() - t0)
        PROGRESS.update(fraction=1.0, message="完成")
    except Exception as e:          # shown on the page; the service keeps running (readyz stays 503)
        log.exception("demo build failed")
        PROGRESS.update(error=f"生成演示数据失败：{e}")
    finally:
        PROGRESS["running"] = False


def start_demo_build(path: Path) -> bool:
    """Start the demo build in a background thread (once per process). False when one is already running."""
    with _LOCK:
        if PROGRESS["running"]:
            return False
        PROGRESS.update(running=True, fraction=0.0, message="准备中…", error=None, started_at=time.time())
    log.warning("no store at %s: building the demo chain (CX_DEMO=on; use CX_DEMO=off / run-app.sh --empty "
                "for real data)", path)
    threading.Thread(target=_run, args=(path,), name="cx-demo-build", daemon=True).start()
    return True


def prepare(path: Path | None = None) -> str:
    """Service start-up. Returns ``existing`` (store present), ``empty`` (created now, CX_DEMO=off) or
    ``building`` (demo build started in the background)."""
    path = Path(path or settings.db_path())
    if str(path) == ":memory:" or path.exists():
        return "existing"
    if not settings.demo_enabled():
        create_empty(path)
        return "empty"
    start_demo_build(path)
    return "building"


def building() -> bool:
    return bool(PROGRESS["running"])


def is_demo(con: duckdb.DuckDBPyConnection | None) -> bool:
    """The store holds the embedded demo (its planted stories are recorded in ``meta``)."""
    if con is None:
        return False
    try:
        return bool(db.demo_stories(con))
    except duckdb.Error:            # a store that is being built or migrated
        return False


def demo_accounts(con: duckdb.DuckDBPyConnection | None) -> list[tuple[str, str, str]]:
    """(username, password, role) of the demo accounts to show on the sign-in page: only on the demo store
    and only the demo accounts that exist in the accounts file (none on a real store)."""
    if not is_demo(con):
        return []
    names = {u.username for u in auth.list_users()}
    return [(f"demo-{r}", pw, r) for r, pw in auth.DEMO_PASSWORDS.items() if f"demo-{r}" in names]
