"""How long the first requests take once `manage.py serve` says the workspace is ready.

Starts `python -m highneeds.web.manage serve` on a free port against an existing store
(HIGHNEEDS_HOME / DATABASE_URL from the environment, e.g. after `./run demo`), waits for its
"Workspace at http://…" line, then times, per page, the first request and a few after it
(each gunicorn worker gets a first request of its own). Target (issue 15): every first
request under 1 s.

    HIGHNEEDS_HOME=var .venv/bin/python benchmarks/first_request.py
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGES = [
    "/healthz",
    "/status",
    "/accounts/sign-in/",
    "/workspaces/",
    "/consult/high-needs-review/",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed_get(url: str) -> tuple[float, int]:
    """Seconds until the page arrived, retrying while nothing listens yet: a server that
    says it is ready before it is counts that wait against itself."""
    start = time.perf_counter()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                response.read()
                status = response.status
            break
        except urllib.error.HTTPError as error:
            status = error.code
            break
        except urllib.error.URLError:
            if time.perf_counter() - start > 120:
                raise
            time.sleep(0.05)
    return time.perf_counter() - start, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4, help="requests per page")
    args = parser.parse_args()
    port = free_port()
    env = {"DJANGO_SETTINGS_MODULE": "highneeds.web.settings.local", **os.environ}
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "highneeds.web.manage", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for line in server.stdout:
            if line.startswith("Workspace at"):
                break
        ready = time.perf_counter() - started
        print(f"serve said ready after {ready:.1f} s")
        worst = 0.0
        for page in PAGES:
            times = []
            for _ in range(args.repeats):
                seconds, status = timed_get(f"http://127.0.0.1:{port}{page}")
                times.append(seconds)
            worst = max(worst, *times)
            shown = ", ".join(f"{t * 1000:.0f}" for t in times)
            print(f"{page:32} status {status}  ms: {shown}")
        print(f"slowest request after ready: {worst * 1000:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
