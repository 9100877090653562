"""A clean stop leaves the store file complete: with a page session open (the pages keep the same database open),
the latest writes used to stay only in <store>.wal, so a store file copied after the stop missed them."""
from __future__ import annotations

import asyncio
import shutil
import signal
import threading
from datetime import datetime, timedelta

import duckdb
import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from cx import auth, db
from tests.service.live import copy_store

opened = threading.Event()


async def open_page(url: str, cookie: str, page: str = "overview", hold: threading.Event | None = None) -> None:
    """One browser-like page view over Streamlit's websocket, until the script finished; with ``hold`` the tab
    stays open until the event is set (a browser left open while the service stops)."""
    async with connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                       open_timeout=60, additional_headers={"Cookie": f"cx_session={cookie}", "Origin": url}) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            if fm.WhichOneof("type") == "script_finished":
                break
        if hold is not None:
            opened.set()
            while not hold.is_set():
                try:
                    await asyncio.wait_for(ws.recv(), 0.5)
                except asyncio.TimeoutError:
                    continue
                except Exception:          # the service closed the connection while stopping
                    return


def test_clean_stop_writes_everything_into_the_store_file(demo_db, tmp_path, spawn):
    home = tmp_path / "svc"
    path = copy_store(demo_db, home)
    con = db.connect(path)
    auth.create_demo_users(con, home / "users.yaml")
    con.close()
    svc = spawn(path, home)
    svc.start()
    with httpx.Client(base_url=svc.url) as c:
        r = c.post("/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"]},
                   follow_redirects=False)
        cookie = r.cookies["cx_session"]
    # the inbox folders people drop files into exist from the first start
    assert all((home / "inbox" / src).is_dir() for src in ("survey", "service", "review", "opinion", "kano"))
    hold = threading.Event()
    tab = threading.Thread(target=lambda: asyncio.run(open_page(svc.url, cookie, hold=hold)), daemon=True)
    tab.start()                                             # the pages now hold the database open too
    assert opened.wait(120)
    tok = svc.token("stop-bot", "hq")
    when = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    r = httpx.post(svc.url + "/api/v1/feedback", headers={"Authorization": f"Bearer {tok}"}, timeout=120, json={
        "source": "survey", "items": [{"source_ref": "STOP-1", "store_id": "S0001", "created_at": when, "nps": 9}]})
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "created", r.text
    fid = r.json()["results"][0]["feedback_id"]
    svc.proc.send_signal(signal.SIGTERM)                    # `kill <pid>` / systemctl stop, with the tab still open
    svc.proc.wait(60)
    hold.set()
    assert svc.proc.returncode is not None and "CX Lens service stopped" in svc.log.read_text()
    alone = tmp_path / "copy.duckdb"                          # the store file by itself, as a cold backup copies it
    shutil.copy(svc.db, alone)
    con = duckdb.connect(str(alone), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM feedback WHERE feedback_id = ?", [fid]).fetchone()[0] == 1
    finally:
        con.close()
