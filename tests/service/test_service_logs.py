"""uvicorn's own log lines are stamped like ours: in the chain's zone (CX_TZ) with the offset, once each."""
from __future__ import annotations

import io
import json
import logging
import logging.config
from datetime import datetime, timezone

import pytest

from cx.db import ROOT
from cx.service import logs

AT = datetime(2026, 11, 30, 1, 58, 20, tzinfo=timezone.utc).timestamp()


def _record(name: str, msg: str = "Application startup complete.") -> logging.LogRecord:
    r = logging.LogRecord(name, logging.INFO, __file__, 1, msg, None, None)
    r.created = AT
    return r


@pytest.fixture
def saved_loggers():
    """Put uvicorn's loggers back as they were after the test."""
    keep = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).propagate, logging.getLogger(n).level)
            for n in logs.UVICORN_LOGGERS}
    yield
    for n, (handlers, propagate, level) in keep.items():
        lg = logging.getLogger(n)
        lg.handlers[:] = handlers
        lg.propagate, lg.level = propagate, level


@pytest.mark.parametrize("tz,stamp", [("Asia/Shanghai", "2026-11-30 09:58:20+0800"),
                                      ("Europe/Berlin", "2026-11-30 02:58:20+0100")])
def test_the_log_config_stamps_uvicorn_lines_in_the_chain_zone(tz, stamp, monkeypatch, saved_loggers):
    monkeypatch.setenv("CX_TZ", tz)
    logging.config.dictConfig(json.loads((ROOT / "cx/service/uvicorn_log.json").read_text()))
    for name in ("uvicorn", "uvicorn.access"):
        [h] = logging.getLogger(name).handlers
        assert isinstance(h.formatter, logs.ChainTimeFormatter)
    line = logging.getLogger("uvicorn").handlers[0].format(_record("uvicorn.error"))
    assert line == f"{stamp} INFO uvicorn.error Application startup complete."


def test_adopt_leaves_one_handler_per_logger_in_the_chain_zone(monkeypatch, saved_loggers):
    """Streamlit adds its own handler (machine time, no offset) beside uvicorn's: each line came out twice."""
    monkeypatch.setenv("CX_TZ", "Asia/Shanghai")
    access = logging.getLogger("uvicorn.access")
    uvicorn_own, streamlit_own = logging.StreamHandler(io.StringIO()), logging.StreamHandler(io.StringIO())
    streamlit_own.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    access.handlers[:] = [uvicorn_own, streamlit_own]
    access.streamlit_console_handler = streamlit_own
    error = logging.getLogger("uvicorn.error")
    only_streamlit = logging.StreamHandler(io.StringIO())
    error.handlers[:] = [only_streamlit]
    error.streamlit_console_handler = only_streamlit
    logging.getLogger("uvicorn.asgi").handlers[:] = []
    try:
        logs.adopt()
        assert access.handlers == [uvicorn_own] and error.handlers == [only_streamlit]
        assert logging.getLogger("uvicorn.asgi").handlers == []             # --no-access-log style: left alone
        access.handle(_record("uvicorn.access", '127.0.0.1:1 - "GET /healthz HTTP/1.1" 200'))
        assert uvicorn_own.stream.getvalue() == ('2026-11-30 09:58:20+0800 INFO uvicorn.access '
                                                 '127.0.0.1:1 - "GET /healthz HTTP/1.1" 200\n')
        assert streamlit_own.stream.getvalue() == ""
    finally:
        del access.streamlit_console_handler, error.streamlit_console_handler
