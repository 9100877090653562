"""Server memory and page times of the running app, measured through a real browser.

    .venv/bin/python benchmarks/app_memory.py --db /tmp/m10.duckdb [--rounds 2]

Starts Streamlit on the store itself (no copy: nothing else may hold the file open), signs in
as demo-hq in the system Chromium, and opens every page by URL ``--rounds`` times (the first round is cold:
caches fill; later rounds are warm). Prints the browser-side time until each page's script finished, and
the server process's resident memory (peak of samples taken every 0.2 s). No thresholds are asserted.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cx import auth  # noqa: E402
from tests.browser import live  # noqa: E402


class PeakRSS(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.proc, self.peak, self.stop = psutil.Process(pid), 0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.2)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, live.server(a.db, Path(tmp) / "users.yaml", wait_s=300) as (url, proc):
        rss = PeakRSS(proc.pid)
        rss.start()
        print(f"server idle RSS {psutil.Process(proc.pid).memory_info().rss / 2**20:.0f} MB")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=live.CHROMIUM, args=live.ARGS)
            ctx, page, errors = live.login(browser, url, "demo-hq", auth.DEMO_PASSWORDS["hq"])
            for r in range(a.rounds):
                times = []
                for name in live.PAGES:
                    t0 = time.perf_counter()
                    live.visit(page, f"{url}/{name}", "hq")
                    times.append((name or "home", time.perf_counter() - t0))
                label = "cold" if r == 0 else "warm"
                print(f"round {r + 1} ({label}): " + "  ".join(f"{n} {t:.1f}s" for n, t in times))
                print(f"  after round {r + 1}: server RSS {psutil.Process(proc.pid).memory_info().rss / 2**20:.0f} MB, "
                      f"peak so far {rss.peak / 2**20:.0f} MB")
            ctx.close()
            browser.close()
        rss.stop.set()
        print(f"peak server RSS {rss.peak / 2**20:.0f} MB; console errors: {len(errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
