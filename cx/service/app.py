"""The one ASGI process: ``uvicorn cx.service.app:app`` (what ``scripts/run-app.sh`` starts).

st.App serves the Streamlit pages (entry ``app.py``); beside them: the REST API mounted at ``/api``,
``/healthz`` (process up) and ``/readyz`` (store open, jobs running), the sign-in routes and ``/api/docs``
(Swagger UI from the pinned swagger-ui-py package, no CDN). The lifespan first creates a missing store
(empty with ``CX_DEMO=off``, else the demo in a background thread: ``cx.firstrun``), opens the store, returns notifications a killed process left half-sent to the queue, writes the service
file the CLI uses to find this process, and starts/stops the scheduled jobs.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sys

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from cx import firstrun, settings
from cx.notify import outbox
from cx.service import logs, state
from cx.service.api import api

log = logging.getLogger("cx.service")


def _logging() -> None:
    root = logging.getLogger("cx")
    if not root.handlers:
        h = logging.StreamHandler()
        h.setFormatter(logs.ChainTimeFormatter())
        root.addHandler(h)
        root.setLevel(logging.INFO)
        root.propagate = False
    logs.adopt()            # uvicorn's own lines in the chain's zone too, once each
    if access_log_off():
        # uvicorn --no-access-log removes the access logger's handlers, but Streamlit's logger set-up adds its own
        # back (streamlit.logger.init_uvicorn_logs), so the flag alone is not honoured: silence the logger itself.
        logging.getLogger("uvicorn.access").disabled = True


def access_log_off(argv: list[str] | None = None) -> bool:
    """Whether uvicorn was started with --no-access-log (scripts/run-app.sh does) or CX_ACCESS_LOG=0."""
    argv = sys.argv if argv is None else argv
    return "--no-access-log" in argv or settings.env("CX_ACCESS_LOG", "") == "0"


async def healthz(_request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(_request: Request) -> JSONResponse:
    sched = state.STATUS.get("scheduler")
    store_ok = not firstrun.building() and state.store() is not None
    jobs_ok = bool(sched is not None and sched.running)
    body = {"status": "ready" if store_ok and jobs_ok else "not_ready", "store": store_ok, "jobs": jobs_ok}
    if firstrun.building():
        body["demo_build"] = round(float(firstrun.PROGRESS.get("fraction") or 0), 3)
    return JSONResponse(body, status_code=200 if store_ok and jobs_ok else 503)


def _write_service_file() -> None:
    p = settings.service_file()
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": f"http://127.0.0.1:{_port()}",
                               "token": state.CLI_TOKEN["secret"], "started_at": settings.now().isoformat()}))
    os.chmod(tmp, 0o600)
    os.replace(tmp, p)


def _port() -> int:
    return settings.service_port()


@contextlib.asynccontextmanager
async def lifespan(_app):
    from cx.service import jobs, web

    _logging()
    state.CLI_TOKEN["secret"] = "cxl_local000_" + secrets.token_urlsafe(32)
    first = firstrun.prepare()          # no store: create it empty (CX_DEMO=off) or build the demo in the background
    con = state.store()
    if con is not None:
        n = outbox.recover(con)
        if n:
            log.info("outbox: %d notification(s) left half-sent by a previous process are queued again", n)
    if first != "building":             # the demo comes with its demo accounts: no set-up code for it
        web.first_admin_code()
    _write_service_file()
    sched = jobs.start()
    state.STATUS.update(scheduler=sched, started_at=settings.now())
    log.info("CX Lens service up on port %s (store %s, %s)", _port(), settings.db_path(),
             {"existing": "existing store", "empty": "new empty store, no demo",
              "building": "building the demo"}[first])
    try:
        yield
    finally:
        sched.shutdown(wait=True)
        with contextlib.suppress(FileNotFoundError):
            if json.loads(settings.service_file().read_text()).get("pid") == os.getpid():
                settings.service_file().unlink()
        # Write the WAL into the store file before closing: pages may still hold the same database open, and then
        # closing this connection alone would leave the latest writes only in <store>.wal (a copied store file
        # would miss them).
        con = state.store()
        if con is not None:
            try:
                with con.cursor() as cur:
                    cur.execute("CHECKPOINT")
            except Exception as e:        # noqa: BLE001 - a failed checkpoint must not hide the stop; DuckDB replays the WAL
                log.warning("checkpoint at stop failed (the .wal file is replayed at the next start): %s", e)
        state.close()
        log.info("CX Lens service stopped")


def _routes():
    from cx.service import web

    return [Route("/healthz", healthz), Route("/readyz", readyz), *web.routes(), *docs_routes(),
            Mount("/api", app=api)]


# ---- /api/docs without a CDN: Swagger UI's files from the pinned swagger-ui-py package, served here ---------
_DOCS_ASSETS = "/api/docs-assets"


def _swagger_dir() -> str:
    import swagger_ui

    return os.path.join(os.path.dirname(swagger_ui.__file__), "static")


async def api_docs(_request: Request):
    from fastapi.openapi.docs import get_swagger_ui_html

    return get_swagger_ui_html(openapi_url="/api/openapi.json", title="CX Lens API · 文档",
                               swagger_js_url=f"{_DOCS_ASSETS}/swagger-ui-bundle.js",
                               swagger_css_url=f"{_DOCS_ASSETS}/swagger-ui.css",
                               swagger_favicon_url=f"{_DOCS_ASSETS}/favicon-32x32.png")


def docs_routes() -> list:
    """Before the /api mount, so they answer /api/docs instead of FastAPI's CDN-linked page."""
    from starlette.staticfiles import StaticFiles

    return [Route("/api/docs", api_docs), Mount(_DOCS_ASSETS, app=StaticFiles(directory=_swagger_dir()))]


def _middleware():
    from starlette.middleware import Middleware

    from cx.service import web

    return [Middleware(web.SignInGate)]


app = st.App(str(settings.ROOT / "app.py"), routes=_routes(), lifespan=lifespan, middleware=_middleware())
