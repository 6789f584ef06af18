"""Load test for public consultations: many people submitting at once, nothing lost or doubled.

Starts gunicorn on loopback over a fresh database (SQLite file and/or a new PostgreSQL database),
seeds the demo consultation, then N concurrent clients each complete the whole public journey
(start, about you, four area pages, equality, check answers, submit, confirmation) until the
target number of submissions is reached. Every journey ends in a confirmation page with a
reference number or a clear retry message (429/503); afterwards the database must hold exactly
the acknowledged references - zero lost, zero duplicated.

    .venv/bin/python benchmarks/consultation_load.py --database both --submissions 2000 --clients 50

Reports, per database: acknowledged, refused with a retry message, errors, lost, duplicated,
p50/p95/max of the final submit and of the whole journey (ms), throughput (submissions/s), and
the p95 of every page by method (``page_p95_ms``: "area GET", "check-your-answers POST"...).
PostgreSQL: 127.0.0.1:5432 user postgres (override with --postgres-url); a database named
hn_consult_load_<pid> is created and dropped.

Clients send the next request the moment the last one answers (no reading or typing time: the
worst case, and the headline). ``--think-seconds S`` makes each client pause a random 0.5-1.5 x S
between pages, as a person reading and typing would; ``--ramp-seconds S`` spreads the clients'
starts over S seconds (started together, they stay in step all run). It also reports where the
CPU went (Linux ``/proc``): milliseconds per page request in the web workers, in the PostgreSQL
backends serving them and in this load generator, which shares the machine.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
SLUG = "high-needs-review"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD = re.compile(r'name="((?:agree|why)_\d+)"')
REFERENCE = re.compile(r'id="reference">([A-Z0-9-]{11})<')
REFERENCE_LINE = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}")

BENCH_SETTINGS = textwrap.dedent(
    """
    from highneeds.web.settings.production import *  # noqa

    # No collectstatic for a benchmark: plain static storage served by WhiteNoise finders.
    STORAGES = {**STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    WHITENOISE_USE_FINDERS = True
    # Fifty clients share one loopback address; each has its own browser string, so the
    # per-client limit still applies per client. Raised so the test measures throughput.
    CONSULT_SUBMISSIONS_PER_CLIENT = 1_000_000
    CONSULT_SUBMISSIONS_PER_ADDRESS = 1_000_000  # every simulated client shares loopback
    LOGGING["root"]["level"] = "ERROR"
    """
)


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    retry_messages: int = 0
    errors: Counter = field(default_factory=Counter)
    submit_ms: list[float] = field(default_factory=list)
    journey_ms: list[float] = field(default_factory=list)
    #: Milliseconds of every request, by page and method ("area GET", "check POST"...).
    page_ms: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_of(url: str, root: str) -> str:
    """The page a URL shows, without its area number: "start", "about-you", "area"..."""
    path = url[len(root) :].strip("/")
    return re.sub(r"/\d+$", "", path) or "start"


def cpu_seconds(pids) -> float:
    """User + system CPU seconds the processes have used so far (Linux /proc; gone ones: 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return children


def journey(base: str, client_id: int, number: int, tally: Tally, think: float = 0.0) -> None:
    """One respondent: a fresh session (cookie jar) completing every page, then submit.
    With ``think`` > 0, a pause of 0.5-1.5 x ``think`` seconds before each page after the first
    (reading it and answering)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    agent = f"consultation-load-client-{client_id}"
    root = f"{base}/consult/{SLUG}/standard"

    def request(url, data=None):
        # A person reads a page before clicking on (start -> about you) and answers before
        # sending a form; the GET after a POST is the browser following the redirect at once.
        if think and (data is not None or url.endswith("/about-you/")):
            time.sleep(random.uniform(0.5, 1.5) * think)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers={"User-Agent": agent, "Referer": url})
        sent = time.perf_counter()
        try:
            with opener.open(req, timeout=120) as reply:
                result = reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            result = error.code, error.read().decode(errors="replace")
        page = f"{page_of(url, root)} {'POST' if data is not None else 'GET'}"
        answered[0] = (time.perf_counter() - sent) * 1000  # the wait, without the pause
        with tally.lock:
            tally.page_ms.setdefault(page, []).append(answered[0])
        return result

    answered = [0.0]
    started = time.perf_counter()
    request(f"{root}/")
    status, html = request(f"{root}/about-you/")
    token = CSRF_INPUT.search(html).group(1)
    pages = [
        (
            f"{root}/about-you/",
            {"respondent_type": "parent_carer", "area_of_residence": "Eastvale", "website": ""},
        )
    ]
    for position in range(1, 5):
        pages.append((f"{root}/area/{position}/", None))
    pages.append((f"{root}/equality/", {"age_band": "25_44"}))
    for url, data in pages:
        if data is None:  # an area page: read its question fields first
            status, html = request(url)
            names = FIELD.findall(html)
            data = {
                n: (
                    "agree"
                    if n.startswith("agree")
                    else f"Client {client_id} answer {number}: support needs to come sooner."
                )
                for n in names
            }
        data["csrfmiddlewaretoken"] = token
        status, _ = request(url, data)
        if status != 302:
            with tally.lock:
                tally.errors[f"page {status}"] += 1
            return
    request(f"{root}/check-your-answers/")
    status, html = request(f"{root}/check-your-answers/", {"csrfmiddlewaretoken": token})
    submit_ms = answered[0]
    if status == 302:
        status, html = request(f"{root}/confirmation/")
        match = REFERENCE.search(html)
        with tally.lock:
            if match:
                tally.acknowledged.append(match.group(1))
                tally.submit_ms.append(submit_ms)
                tally.journey_ms.append((time.perf_counter() - started) * 1000)
            else:
                tally.errors["confirmation without reference"] += 1
    elif status in (429, 503) and "again" in html:
        with tally.lock:
            tally.retry_messages += 1
    else:
        with tally.lock:
            tally.errors[f"submit {status}"] += 1


def run_clients(
    base: str, submissions: int, clients: int, think: float = 0.0, ramp: float = 0.0
) -> tuple[Tally, float]:
    tally = Tally()
    counter = iter(range(submissions))
    counter_lock = threading.Lock()

    def worker(client_id: int) -> None:
        # Started together, the clients stay in step for the whole run (every journey has
        # the same pages): all 50 send within half a second, then all ask for their
        # confirmation. A ramp spreads their starts evenly, as people arrive.
        time.sleep(ramp * client_id / clients)
        while True:
            with counter_lock:
                number = next(counter, None)
            if number is None:
                return
            try:
                journey(base, client_id, number, tally, think)
            except Exception as error:  # a dropped connection counts as an error, not a crash
                with tally.lock:
                    tally.errors[type(error).__name__] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class BackendCPU:
    """CPU used by the PostgreSQL backends serving ``database`` from now until ``stop()``.

    Web workers reconnect now and then (CONN_MAX_AGE), and a closed backend's CPU can no
    longer be read, so this looks every half second and keeps each backend's last reading."""

    def __init__(self, url: str, database: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)
        self.database = database
        self.start = {pid: cpu_seconds([pid]) for pid in self._pids()}
        self.last = dict(self.start)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (self.database,),
        ).fetchall()
        return [pid for (pid,) in rows]

    def _look(self) -> None:
        for pid in self._pids():
            seconds = cpu_seconds([pid])
            if seconds:
                self.last[pid] = seconds

    def _watch(self) -> None:
        while not self.done.wait(0.5):
            self._look()

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        self._look()
        self.conn.close()
        return sum(self.last[pid] - self.start.get(pid, 0.0) for pid in self.last)


def stored_references(env: dict) -> list[str]:
    code = (
        "from highneeds.web.consultations.models import Response;"
        "print('\\n'.join(Response.objects.values_list('reference', flat=True)))"
    )
    out = subprocess.run(
        [PYTHON, str(REPO / "manage.py"), "shell", "-c", code],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # Only reference-shaped lines: `shell` may print a banner first.
    return [line for line in out.splitlines() if REFERENCE_LINE.fullmatch(line.strip())]


def bench(database: str, args) -> dict:
    home = Path(tempfile.mkdtemp(prefix=f"hn-consult-load-{database}-"))
    (home / "bench_settings.py").write_text(BENCH_SETTINGS)
    (home / "static").mkdir()
    env = {
        **os.environ,
        "HIGHNEEDS_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{home}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "DJANGO_SECRET_KEY": "benchmark-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    pg_name = None
    if database == "postgres":
        import psycopg

        pg_name = args.postgres_database or f"hn_consult_load_{os.getpid()}"
        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}"')
            conn.execute(f'CREATE DATABASE "{pg_name}"')
        env["DATABASE_URL"] = args.postgres_url.rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        env.pop("DATABASE_URL", None)
    manage = [PYTHON, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_demo_consultation"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "highneeds.web.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--timeout",
            "120",
            # As `manage.py serve` runs it: warmed once, workers forked warm, so the clients
            # do not start while some workers are still importing.
            "--preload",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=home,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        workers = children_of(server.pid)
        backends = BackendCPU(args.postgres_url, pg_name) if pg_name else None
        cpu_before = cpu_seconds(workers), time.process_time()
        tally, seconds = run_clients(
            base, args.submissions, args.clients, args.think_seconds, args.ramp_seconds
        )
        # Workers forked after the first answered /healthz start from nothing (forked warm).
        workers = sorted(set(workers) | set(children_of(server.pid)))
        cpu_after = cpu_seconds(workers), time.process_time()
        postgres_cpu = backends.stop() if backends else None
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = stored_references(env)
    shutil.rmtree(home, ignore_errors=True)  # the run's store, settings and static folder
    if pg_name:
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    acknowledged = Counter(tally.acknowledged)
    requests = sum(len(times) for times in tally.page_ms.values())
    server_cpu, client_cpu = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]

    def per_request(cpu):
        return round(cpu * 1000 / max(requests, 1), 1)

    stored_count = Counter(stored)
    return {
        "database": database,
        "submissions": args.submissions,
        "clients": args.clients,
        "workers": args.workers,
        "acknowledged": len(tally.acknowledged),
        "retry_messages": tally.retry_messages,
        "errors": dict(tally.errors),
        "stored": len(stored),
        "lost": sum(1 for ref in acknowledged if ref not in stored_count),
        "duplicated": sum(n - 1 for n in stored_count.values() if n > 1)
        + sum(n - 1 for n in acknowledged.values() if n > 1),
        "stored_not_acknowledged": sum(1 for ref in stored_count if ref not in acknowledged),
        "submit_p50_ms": round(percentile(tally.submit_ms, 0.5), 1),
        "submit_p95_ms": round(percentile(tally.submit_ms, 0.95), 1),
        "submit_max_ms": round(max(tally.submit_ms, default=float("nan")), 1),
        "journey_p95_ms": round(percentile(tally.journey_ms, 0.95), 1),
        "journey_mean_ms": round(statistics.fmean(tally.journey_ms), 1)
        if tally.journey_ms
        else None,
        "seconds": round(seconds, 1),
        "page_p95_ms": {
            page: round(percentile(times, 0.95), 1) for page, times in sorted(tally.page_ms.items())
        },
        "slowest_page_p95_ms": round(
            max((percentile(t, 0.95) for t in tally.page_ms.values()), default=float("nan")), 1
        ),
        "submissions_per_second": round(len(tally.acknowledged) / seconds, 1),
        "requests_per_second": round(requests / seconds, 1),
        "think_seconds": args.think_seconds,
        "ramp_seconds": args.ramp_seconds,
        # CPU milliseconds per page request: web workers, PostgreSQL backends, load generator.
        "cpu_ms_per_request_server": per_request(server_cpu),
        "cpu_ms_per_request_postgres": per_request(postgres_cpu) if pg_name else None,
        "cpu_ms_per_request_clients": per_request(client_cpu),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--submissions", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--ramp-seconds",
        type=float,
        default=0.0,
        help="spread the clients' starts evenly over this many seconds (default 0: all at "
        "once, so they stay in step: every client sends within the same half second)",
    )
    parser.add_argument(
        "--think-seconds",
        type=float,
        default=0.0,
        help="mean pause before each page a person reads or answers (default 0: no pause)",
    )
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--postgres-database",
        help="name of the database to create and drop (default hn_consult_load_<pid>); on a "
        "shared server, a name of your own",
    )
    args = parser.parse_args()
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    failed = False
    for database in databases:
        result = bench(database, args)
        print(" ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        failed |= bool(result["lost"] or result["duplicated"] or result["stored_not_acknowledged"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
