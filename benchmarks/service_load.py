"""Concurrent sessions against the service: p50/p95 page times for N sessions at once next to one session alone,
measured in the same run at the websocket level (Streamlit's own protocol: a rerun request per page, timed until
the server reports the script finished — server work and contention, not the browser's drawing).

    .venv/bin/python benchmarks/service_load.py --db /tmp/cx_1m.duckdb [--sessions 20] [--rounds 2]

Without --db (or when the file is missing) a demo store of --rows rows is built first. The service runs on a
copy of the users file in a temporary folder (demo accounts); the store is used in place (nothing else may hold it).
Each session signs in on /login (cookie), opens a websocket and visits the pages in order. The first round
warms caches and is reported separately; the goal from issue 18: concurrent p95 ≤ 3 × single-session time.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from cx import auth, db  # noqa: E402
from tests.service.live import Service  # noqa: E402

PAGES = ["", "overview", "journey", "pain_points", "rankings", "tickets"]
SEEN: dict[str, set] = {}       # page → the first title the server drew for it (a sanity check)


async def session(url: str, cookie: str, pages: list[str], rounds: int, out: list, start: asyncio.Event | None = None):
    """One browser-like session: one websocket, each page requested in turn; appends (round, page, seconds)."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                       additional_headers={"Cookie": f"cx_session={cookie}", "Origin": url}) as ws:
        if start is not None:
            await start.wait()
        for rnd in range(rounds):
            for page in pages:
                msg = BackMsg()
                msg.rerun_script.query_string = ""
                msg.rerun_script.page_name = page
                t0 = time.perf_counter()
                await ws.send(msg.SerializeToString())
                ran = None
                while True:
                    fm = ForwardMsg()
                    fm.ParseFromString(await ws.recv())
                    kind = fm.WhichOneof("type")
                    if kind == "delta" and fm.delta.new_element.WhichOneof("type") == "heading" and ran is None:
                        ran = fm.delta.new_element.heading.body       # the page's st.title
                    if kind == "script_finished":
                        break
                SEEN.setdefault(page or "home", set()).add(ran)
                out.append((rnd, page or "home", time.perf_counter() - t0))


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/cx_1m.duckdb"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="rounds per session (the first one warms caches)")
    a = ap.parse_args()
    if not a.db.exists():
        print(f"building a demo store of {a.rows:,} rows at {a.db} …", flush=True)
        subprocess.run([sys.executable, "-m", "cx", "demo", "--rows", str(a.rows), "--db", str(a.db)], check=True)
    home = Path(tempfile.mkdtemp(prefix="cx-load-"))
    con = db.connect(a.db)
    auth.create_demo_users(con, home / "users.yaml")
    n_rows = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    con.close()
    svc = Service(a.db, home, CX_API_RATE="100000")
    svc.start(wait_s=300)
    try:
        def cookie() -> str:
            r = httpx.post(svc.url + "/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"]},
                           follow_redirects=False)
            return r.cookies["cx_session"]

        single: list = []
        asyncio.run(session(svc.url, cookie(), PAGES, a.rounds + 1, single))   # one extra round: warm-up
        single = [(r - 1, p, t) for r, p, t in single if r > 0]

        async def crowd() -> list:
            out: list = []
            go = asyncio.Event()
            cookies = [cookie() for _ in range(a.sessions)]
            tasks = [asyncio.create_task(session(svc.url, c, PAGES, a.rounds, out, go)) for c in cookies]
            await asyncio.sleep(1.0)
            go.set()
            await asyncio.gather(*tasks)
            return out

        t0 = time.perf_counter()
        many = asyncio.run(crowd())
        wall = time.perf_counter() - t0
    finally:
        svc.stop()
    print(f"\nstore {a.db} ({n_rows:,} feedback rows); {a.sessions} concurrent sessions × {a.rounds} rounds "
          f"of {len(PAGES)} pages in {wall:.1f} s; websocket-level (server time until the script finished)")
    print(f"{'page':<12} {'alone p50':>10} {'crowd p50':>10} {'crowd p95':>10} {'p95/alone':>10}  (all rounds; crowd first round cold)")
    worst = 0.0
    for page in [p or "home" for p in PAGES]:
        alone = [t for _, p, t in single if p == page]
        crowd_t = [t for _, p, t in many if p == page]
        base = statistics.median(alone)
        ratio = pct(crowd_t, 0.95) / base
        worst = max(worst, ratio)
        print(f"{page:<12} {base:>9.2f}s {statistics.median(crowd_t):>9.2f}s {pct(crowd_t, 0.95):>9.2f}s {ratio:>9.1f}×")
    warm = [t for r, _, t in many if r > 0]
    if warm:
        print(f"crowd, warm rounds only: p50 {statistics.median(warm):.2f}s, p95 {pct(warm, 0.95):.2f}s")
    print(f"worst p95 / single-session median: {worst:.1f}× (goal ≤ 3×)")
    hashes = {p: sorted(map(str, h)) for p, h in SEEN.items()}
    distinct = len({tuple(h) for p, h in hashes.items() if p != "home"}) == len(PAGES) - 1
    print("pages really switched (one distinct title per page):", distinct, hashes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
