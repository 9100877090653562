"""Concurrent sessions against the service: p50/p95 page times for N sessions at once next to one session alone,
measured in the same run at the websocket level (Streamlit's own protocol: a rerun request per page, timed until
the server reports the script finished — server work and contention, not the browser's drawing).

    .venv/bin/python benchmarks/service_load.py --db /tmp/cx_1m.duckdb [--sessions 20] [--rounds 2]

Without --db (or when the file is missing) a demo store of --rows rows is built first. The service runs on a
copy of the users file in a temporary folder (demo accounts) with the production job intervals; the store is used
in place (nothing else may hold it). Each session signs in on /login (cookie), opens a websocket and visits the
pages in order, as HQ with the default filters (so sessions share cached results: the best case for caching).
One session alone first (after an untimed warm-up round), then two scenarios, reported separately:

1. worst case — all N sessions open every page at the same instant, no think time (the issue's number);
2. think time — each session reads a page 5–15 s (uniform, seeded) before opening the next one.

The goal from issue 18: concurrent p95 ≤ 3 × single-session time. The server's CPU per warm page view (all
threads, from /proc) is printed too: with one interpreter lock, N simultaneous views finish after ≈ N × that.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
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

# The service's own job intervals (cx/service/jobs.py defaults), not the 0.5–1 s the service tests use: a deployment
# escalates every minute, delivers every 10 s and looks at the inbox every 30 s.
PRODUCTION_JOBS = {"CX_ESCALATE_SECONDS": "60", "CX_DELIVER_SECONDS": "10", "CX_INBOX_SECONDS": "30"}
PAGES = ["", "overview", "journey", "pain_points", "rankings", "tickets"]
SEEN: dict[str, set] = {}       # page → the first title the server drew for it (a sanity check)


async def session(url: str, cookie: str, pages: list[str], rounds: int, out: list, start: asyncio.Event | None = None,
                  think: tuple[float, float] | None = None, rng: random.Random | None = None):
    """One browser-like session: one websocket, each page requested in turn; appends (round, page, seconds).
    With ``think`` = (low, high) the session waits a uniform random low–high seconds before each page open
    (a person reading the page before clicking on), the first wait included so sessions start spread out."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                       additional_headers={"Cookie": f"cx_session={cookie}", "Origin": url}) as ws:
        if start is not None:
            await start.wait()
        for rnd in range(rounds):
            for page in pages:
                if think is not None:
                    await asyncio.sleep((rng or random).uniform(*think))
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


@contextlib.asynccontextmanager
async def keeper(url: str, cookie: str):
    """An idle signed-in session, open for the duration of the block."""
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    async with connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=60,
                       additional_headers={"Cookie": f"cx_session={cookie}", "Origin": url}):
        yield


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (Linux /proc)."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def table(single: list, many: list, label: str, paced: list | None = None) -> tuple[float, float]:
    """Print p50/p95 per page of ``many`` next to the single session's median (and, given ``paced``, next to the
    paced single session's median too); returns the worst p95 ratios (vs single, vs paced or 0)."""
    extra = f" {'paced p50':>10} {'p95/paced':>10}" if paced else ""
    print(f"{'page':<12} {'alone p50':>10}{extra} {'p50':>8} {'p95':>8} {'p95/alone':>10}   [{label}]")
    worst = worst_paced = 0.0
    for page in [p or "home" for p in PAGES]:
        base = statistics.median([t for _, p, t in single if p == page])
        crowd_t = [t for _, p, t in many if p == page]
        ratio = pct(crowd_t, 0.95) / base
        worst = max(worst, ratio)
        cols = ""
        if paced:
            base2 = statistics.median([t for _, p, t in paced if p == page])
            worst_paced = max(worst_paced, pct(crowd_t, 0.95) / base2)
            cols = f" {base2:>9.2f}s {pct(crowd_t, 0.95) / base2:>9.1f}×"
        print(f"{page:<12} {base:>9.2f}s{cols} {statistics.median(crowd_t):>7.2f}s {pct(crowd_t, 0.95):>7.2f}s {ratio:>9.1f}×")
    every = [t for _, _, t in many]
    cols = f" {statistics.median([t for _, _, t in paced]):>9.2f}s {'':>10}" if paced else ""
    print(f"{'all pages':<12} {statistics.median([t for _, _, t in single]):>9.2f}s{cols} {statistics.median(every):>7.2f}s "
          f"{pct(every, 0.95):>7.2f}s")
    return worst, worst_paced


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/cx_1m.duckdb"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2, help="rounds per session in the worst case")
    ap.add_argument("--single-rounds", type=int, default=5, help="timed rounds of the session alone (its median)")
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("LOW", "HIGH"),
                    help="second scenario: seconds a person reads a page before opening the next (uniform)")
    ap.add_argument("--think-rounds", type=int, default=1, help="rounds per session with think time (0: skip)")
    ap.add_argument("--seed", type=int, default=18)
    a = ap.parse_args()
    if not a.db.exists():
        print(f"building a demo store of {a.rows:,} rows at {a.db} …", flush=True)
        subprocess.run([sys.executable, "-m", "cx", "demo", "--rows", str(a.rows), "--db", str(a.db)], check=True)
    home = Path(tempfile.mkdtemp(prefix="cx-load-"))
    con = db.connect(a.db)
    auth.create_demo_users(con, home / "users.yaml")
    n_rows = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    con.close()
    svc = Service(a.db, home, CX_API_RATE="100000", **PRODUCTION_JOBS)
    svc.start(wait_s=300)
    try:
        def cookie() -> str:
            r = httpx.post(svc.url + "/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"]},
                           follow_redirects=False)
            return r.cookies["cx_session"]

        single: list = []
        paced: list = []

        async def crowd(think=None) -> list:
            out: list = []
            go = asyncio.Event()
            rng = random.Random(a.seed)
            cookies = [cookie() for _ in range(a.sessions)]
            rounds = a.think_rounds if think else a.rounds
            tasks = [asyncio.create_task(session(svc.url, c, PAGES, rounds, out, go, think,
                                                 random.Random(rng.random()))) for c in cookies]
            await asyncio.sleep(1.0)
            go.set()
            await asyncio.gather(*tasks)
            return out

        async def run_all():
            # One idle session stays connected throughout, as in a deployment where someone is always signed in:
            # Streamlit drops its compiled page scripts whenever the last session disconnects.
            async with keeper(svc.url, cookie()):
                await session(svc.url, cookie(), PAGES, 1, [])                 # warm-up: caches filled, not timed
                c0 = proc_cpu(svc.proc.pid)
                await session(svc.url, cookie(), PAGES, a.single_rounds, single)
                cpu = (proc_cpu(svc.proc.pid) - c0) / len(single)
                # the same session paced: a second between page opens, so each view finds the server idle
                await session(svc.url, cookie(), PAGES, a.single_rounds, paced, think=(1.0, 1.0))
                t0 = time.perf_counter()
                many = await crowd()
                wall = time.perf_counter() - t0
                calm, calm_wall = [], 0.0
                if a.think_rounds:
                    t0 = time.perf_counter()
                    calm = await crowd(tuple(a.think))
                    calm_wall = time.perf_counter() - t0
            return cpu, many, wall, calm, calm_wall

        cpu_view, many, wall, calm, calm_wall = asyncio.run(run_all())
    finally:
        svc.stop()
    load = os.getloadavg()
    print(f"\nstore {a.db} ({n_rows:,} feedback rows); websocket-level (server time until the script finished); "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min), {os.cpu_count()} cores")
    print(f"one session alone: {len(single)} warm page views back to back (the baseline of both scenarios), "
          f"then {len(paced)} paced a second apart (a second baseline for scenario 2)")
    print(f"server CPU per warm view {cpu_view:.3f} s (all threads); "
          f"{a.sessions} sessions × that ≈ {a.sessions * cpu_view:.1f} s of CPU on one interpreter (GIL)")
    print(f"\n1) worst case: {a.sessions} sessions fire every page at the same instant, no think time "
          f"({a.rounds} rounds of {len(PAGES)} pages in {wall:.1f} s)")
    worst, _ = table(single, many, "all at once")
    print(f"worst p95 / single-session median: {worst:.1f}× (goal ≤ 3×)")
    if calm:
        print(f"\n2) with think time: {a.sessions} sessions, each waits {a.think[0]:g}–{a.think[1]:g} s (uniform) before "
              f"every page open ({a.think_rounds} round(s) of {len(PAGES)} pages in {calm_wall:.1f} s)")
        worst2, worst3 = table(single, calm, "think time", paced)
        print(f"worst p95 / single-session median: {worst2:.1f}× (goal ≤ 3×); worst p95 / paced single-session "
              f"median: {worst3:.1f}× (paced = one page open a second, each on an idle server: the stricter baseline)")
    hashes = {p: sorted(map(str, h)) for p, h in SEEN.items()}
    distinct = len({tuple(h) for p, h in hashes.items() if p != "home"}) == len(PAGES) - 1
    print("pages really switched (one distinct title per page):", distinct, hashes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
