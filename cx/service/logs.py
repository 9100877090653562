"""The service's log lines, every one stamped in the chain's zone (CX_TZ) with its offset.

Ours (the ``cx`` loggers) and uvicorn's (server start/stop, errors, access lines) read alike:
``2026-11-30 09:58:20+0800 INFO uvicorn.access 127.0.0.1:47684 - "GET /healthz HTTP/1.1" 200``.
uvicorn's lines before the app is loaded follow ``--log-config cx/service/uvicorn_log.json`` (what
``scripts/run-app.sh`` passes); once Streamlit has set up its own handlers on uvicorn's loggers (stamped in the
machine's zone, and beside uvicorn's, so each line twice), :func:`adopt` leaves one handler per logger with our
formatter. Light: imports only cx.settings (the log config loads it before the app).
"""
from __future__ import annotations

import logging
from datetime import datetime

from cx import settings

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class ChainTimeFormatter(logging.Formatter):
    """Log times in the chain's zone (CX_TZ) with their offset, like every time the service shows."""

    def __init__(self, fmt: str | None = FORMAT, datefmt: str | None = None, style: str = "%", **_ignored):
        super().__init__(fmt or FORMAT, datefmt, style)

    def formatTime(self, record, datefmt=None):
        return f"{datetime.fromtimestamp(record.created, settings.zone()):%Y-%m-%d %H:%M:%S%z}"


def adopt(names: tuple[str, ...] = UVICORN_LOGGERS) -> None:
    """Give each logger in ``names`` one handler (uvicorn's own when it has one, else Streamlit's), stamped by
    :class:`ChainTimeFormatter`. A logger without handlers (``--no-access-log``) is left without."""
    for name in names:
        lg = logging.getLogger(name)
        if not lg.handlers:
            continue
        ours = [h for h in lg.handlers if h is not getattr(lg, "streamlit_console_handler", None)]
        keep = (ours or lg.handlers)[0]
        for h in list(lg.handlers):
            if h is not keep:
                lg.removeHandler(h)
        keep.setFormatter(ChainTimeFormatter())
