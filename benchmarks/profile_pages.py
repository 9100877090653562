"""Where a warm page rerun spends its CPU: the real service (uvicorn + st.App) with every script run under
cProfile, driven by one websocket session (the client of service_load.py), stats per page.

    .venv/bin/python benchmarks/profile_pages.py --db /tmp/load_1m.duckdb [--rounds 3] [--top 25]

The first round warms the caches and is not profiled; the following rounds are. Prints, per page, the CPU
seconds of a warm rerun (process time of the script thread) and the functions with the most cumulative time.
(cProfile slows Python-heavy code down ~1.5–2×; read the shares, not the absolute times.)
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve(port: int, out_dir: Path) -> None:
    """Run the service in this process with each script run profiled (stats appended per page)."""
    import uvicorn
    from streamlit.runtime.scriptrunner import script_runner

    orig = script_runner.ScriptRunner._run_script
    profiles: dict[str, list] = {}

    def run_script(self, rerun_data):
        if os.path.exists(out_dir / "on"):
            page = rerun_data.page_name or "home"
            prof = None if os.environ.get("CX_CPU_ONLY") else cProfile.Profile()
            c0 = time.thread_time()
            if prof:
                prof.enable()
            try:
                return orig(self, rerun_data)
            finally:
                if prof:
                    prof.disable()
                cpu = time.thread_time() - c0
                profiles.setdefault(page, []).append(cpu)
                if prof:
                    prof.dump_stats(out_dir / f"{page}.{len(profiles[page])}.prof")
                with open(out_dir / "cpu.tsv", "a") as f:
                    f.write(f"{page}\t{cpu:.4f}\n")
        return orig(self, rerun_data)

    script_runner.ScriptRunner._run_script = run_script
    main = cProfile.Profile()          # the event-loop thread: websocket, message queue, starlette
    if not os.environ.get("CX_CPU_ONLY"):
        main.enable()
    try:
        uvicorn.run("cx.service.app:app", host="127.0.0.1", port=port, log_level="warning",
                ws_per_message_deflate=os.environ.get("CX_WS_DEFLATE") == "1")     # as scripts/run-app.sh
    finally:
        main.disable()
        main.dump_stats(out_dir / "main.prof")


def proc_cpu(pid: int) -> float:
    """User+system CPU seconds of a process (all threads) from /proc."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/load_1m.duckdb"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--pages", nargs="*", default=None)
    ap.add_argument("--cpu-only", action="store_true", help="no cProfile: just the CPU seconds per page and per view")
    ap.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.serve:
        serve(a.serve, a.out)
        return 0

    import httpx

    from benchmarks.service_load import PAGES, PRODUCTION_JOBS, keeper, session
    from cx import auth, db
    from tests.service.live import Service

    pages = a.pages if a.pages is not None else PAGES
    pages = ["" if p == "home" else p for p in pages]
    home = Path(tempfile.mkdtemp(prefix="cx-prof-"))
    out = home / "prof"
    out.mkdir()
    con = db.connect(a.db)
    auth.create_demo_users(con, home / "users.yaml")
    con.close()
    svc = Service(a.db, home, CX_API_RATE="100000", **PRODUCTION_JOBS)
    env = svc.env()
    if a.cpu_only:
        env["CX_CPU_ONLY"] = "1"
    log = open(svc.log, "ab")
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(svc.port), "--out", str(out)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(svc.url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(svc.log.read_text()[-2000:])
            time.sleep(0.3)
        r = httpx.post(svc.url + "/auth/login", data={"username": "demo-hq", "password": auth.DEMO_PASSWORDS["hq"]},
                       follow_redirects=False)
        cookie = r.cookies["cx_session"]
        wall: list = []
        views: list = []

        async def go():
            # one session: a warm-up round unprofiled, then the profiled rounds on the same websocket
            async with keeper(svc.url, cookie):         # compiled scripts are dropped when the last session leaves
                await session(svc.url, cookie, pages, 1, wall)
                (out / "on").touch()
                c0 = proc_cpu(proc.pid)
                await session(svc.url, cookie, pages, a.rounds, wall)
                views.append((proc_cpu(proc.pid) - c0) / (a.rounds * len(pages)))
        asyncio.run(go())
    finally:
        proc.send_signal(signal.SIGINT)     # uvicorn re-raises SIGTERM after shutdown; SIGINT lets finally run
        proc.wait(60)
    print(f"whole process CPU per warm page view (all threads{'' if a.cpu_only else ', profiled'}): {views[0] * 1000:.0f} ms")
    cpu: dict[str, list[float]] = {}
    for line in (out / "cpu.tsv").read_text().splitlines():
        p, s = line.split("\t")
        cpu.setdefault(p, []).append(float(s))
    print(f"store {a.db}; warm reruns, one session{'' if a.cpu_only else ' (cProfile on)'}")
    for p in pages:
        name = p or "home"
        walls = sorted(t for r, pg, t in wall[len(pages):] if pg == name)
        cs = sorted(cpu.get(name, []))
        print(f"{'' if a.cpu_only else chr(10)}=== {name}: wall median {walls[len(walls) // 2] * 1000:.0f} ms, script-thread CPU median {cs[len(cs) // 2] * 1000:.0f} ms")
        files = sorted(out.glob(f"{name}.*.prof"))
        if not files:
            continue
        st = pstats.Stats(str(files[0]), stream=io.StringIO())
        for f in files[1:]:
            st.add(str(f))
        buf = io.StringIO()
        st.stream = buf
        st.sort_stats("cumulative").print_stats(a.top)
        st.sort_stats("tottime").print_stats(a.top)
        print("\n".join(buf.getvalue().splitlines()[6:]))
    mp = out / "main.prof"
    if mp.exists() and not a.cpu_only:
        buf = io.StringIO()
        pstats.Stats(str(mp), stream=buf).sort_stats("tottime").print_stats(a.top)
        print("\n=== event-loop thread (whole run incl. warm-up), by own time")
        print("\n".join(buf.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
