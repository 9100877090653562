"""Page time in the browser and server CPU per warm page view, per role.

    .venv/bin/python benchmarks/page_time.py --db /tmp/demo120k.duckdb [--roles hq store] [--rounds 3]

Builds the embedded demo at ``--db`` when the file is missing (120 k feedback, ~40 s), starts Streamlit on a
copy, signs in as each demo role in the system Chromium and walks every page through the sidebar: round 1
fills the caches; rounds 2… are warm. For every warm page view it records the time from the sidebar click
until the page has rendered (script finished, every chart drawn) and the CPU seconds the server process
spent in that interval (user + system, all threads). Prints the median per page and role. No thresholds.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cx import auth, demo  # noqa: E402
from tests.browser import live  # noqa: E402


def cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def walk(browser, url: str, role: str, rounds: int, server: psutil.Process, only: list[str] | None = None
         ) -> dict[str, tuple[list, list]]:
    ctx, page, _ = live.login(browser, url, f"demo-{role}", auth.DEMO_PASSWORDS[role])
    out = {label: ([], []) for _, label in live.NAV}
    order = [label for _, label in live.NAV[1:] + live.NAV[:1] if not only or label in only or label == "首页"]
    for r in range(rounds):
        for label in order:
            time.sleep(0.3)                      # let the previous page's late work (e.g. image fetches) finish
            c0 = cpu(server)
            seconds = live.open_page(page, label)
            used = cpu(server) - c0
            if r:
                out[label][0].append(seconds)
                out[label][1].append(used)
    ctx.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "cx_demo_120k.duckdb")
    ap.add_argument("--roles", nargs="+", default=["hq", "store"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pages", nargs="*", help="only these pages (sidebar labels); 首页 is always visited between")
    args = ap.parse_args()
    if not args.db.exists():
        t = time.perf_counter()
        demo.build(args.db)
        print(f"demo built in {time.perf_counter() - t:.0f} s")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "app.duckdb"
        shutil.copy(args.db, path)
        with live.server(path, Path(tmp) / "users.yaml") as (url, proc), sync_playwright() as p:
            server = psutil.Process(proc.pid)
            browser = p.chromium.launch(executable_path=live.CHROMIUM, args=live.ARGS)
            print(f"{'page':<10}" + "".join(f"{role + ' ms':>10}{role + ' cpu s':>12}" for role in args.roles))
            results = {role: walk(browser, url, role, args.rounds, server, args.pages) for role in args.roles}
            for _, label in live.NAV:
                if not results[args.roles[0]][label][0]:
                    continue
                row = f"{label:<10}"
                for role in args.roles:
                    secs, cpus = results[role][label]
                    row += f"{1000 * statistics.median(secs):>10.0f}{statistics.median(cpus):>12.3f}"
                print(row)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
