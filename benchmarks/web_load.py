"""Load test of the planning workspace with Locust against gunicorn on loopback.

Sets up a fresh database (SQLite file, or a new PostgreSQL database), loads the whole bundled
national DfE release and the demo LA's synthetic SEN2 returns, creates the demo workspaces and
login, runs one forecast (1,000 simulations, 5 years) for the demo LA, starts
gunicorn (production settings, DEBUG off), warms up, then runs Locust headless with N users and
prints p50/p95/p99 per page (each page view also fetches its chart images, as a browser does).
Target (issue 6): overview and forecast result pages p95 < 300 ms with 20 users.

    .venv/bin/python benchmarks/web_load.py --database sqlite --users 20 --seconds 60
    .venv/bin/python benchmarks/web_load.py --database postgres --users 20 --seconds 60

PostgreSQL: 127.0.0.1:5432 user postgres (override with --postgres-url); a database named
hn_web_load_<pid> is created and dropped.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LA = "356"  # Stockport: the demo's public-data LA


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict, **kwargs) -> str:
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def manage(env: dict, *args: str) -> str:
    return run([sys.executable, "-m", "highneeds.web.manage", *args], env)


def prepare(env: dict) -> tuple[str, int]:
    """Migrate, load the national data and the demo LA's SEN2 returns, create the demo login and
    run one forecast for the demo LA; (username, forecast job id)."""
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    out = manage(env, "setup_demo_workspace", "--public-la", LA, "--load-data")
    username = re.search(r"username '([^']+)'", out).group(1)
    print(f"  data loaded in {time.perf_counter() - started:.0f} s: " + out.splitlines()[0])
    job = manage(
        env,
        "shell",
        "-c",
        (
            "from highneeds.web.workspace.models import Job;"
            "from highneeds.web.workspace import services;"
            "from highneeds.web.accounts.models import Workspace;"
            "from highneeds.sen2.synth import LA_CODE;"
            "w = Workspace.objects.get(la_code=LA_CODE);"
            "j = Job.objects.create(workspace=w, kind='forecast', options={'horizon': 5,"
            " 'simulations': 1000, 'estimation': 'bayes', 'seed': 50});"
            "services.run_job(j.pk); j.refresh_from_db();"
            "assert j.status == 'succeeded', j.result;"
            "print(j.pk)"
        ),
    )
    return username, int(job.strip().splitlines()[-1])


def sessions(env: dict, username: str, count: int) -> list[str]:
    """Signed-in sessions for `username`, made as Django's own login does (one per user)."""
    out = manage(
        env,
        "shell",
        "-c",
        (
            "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY,"
            " HASH_SESSION_KEY;"
            "from django.contrib.sessions.backends.db import SessionStore;"
            f"u = get_user_model().objects.get(username='{username}');"
            "keys = []\n"
            f"for _ in range({count}):\n"
            "    s = SessionStore(); s[SESSION_KEY] = str(u.pk);"
            " s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
            " s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create();"
            " keys.append(s.session_key)\n"
            "print(','.join(keys))"
        ),
    )
    return out.strip().splitlines()[-1].split(",")


def wait_healthy(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not become healthy")


def locust(env: dict, url: str, users: int, seconds: int, prefix: Path) -> list[dict]:
    run(
        [
            str(BIN / "locust"),
            "-f",
            str(REPO / "benchmarks" / "web_locustfile.py"),
            "--headless",
            "--host",
            url,
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env,
        timeout=seconds + 120,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def bench(database: str, users: int, seconds: int, workers: int, postgres_url: str) -> None:
    home = Path(tempfile.mkdtemp(prefix="hn_web_load_"))
    env = {
        "HIGHNEEDS_SECRET": "benchmark-only-pseudonymisation-secret",
        **os.environ,
        "HIGHNEEDS_HOME": str(home),
        "DJANGO_SETTINGS_MODULE": "highneeds.web.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DATABASE_URL", None)
    db_name = None
    if database == "postgres":
        db_name = f"hn_web_load_{os.getpid()}"
        run(["psql", postgres_url, "-c", f'CREATE DATABASE "{db_name}"'], env)
        env["DATABASE_URL"] = postgres_url.rsplit("/", 1)[0] + f"/{db_name}"
    print(f"{database}: preparing in {home}")
    server = None
    try:
        username, job_id = prepare(env)
        keys = sessions(env, username, users)
        manage(env, "collectstatic", "--noinput", "-v0")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "highneeds.web.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=REPO,
        )
        wait_healthy(url)
        load_env = {
            **env,
            "HN_SESSIONS": ",".join(keys),
            "HN_LA_CODE": LA,
            "HN_JOB_ID": str(job_id),
            "HN_DEMO_LA_CODE": "999",
        }
        locust(load_env, url, users, 15, home / "warmup")  # each worker builds its cache
        rows = locust(load_env, url, users, seconds, home / "run")
        print(f"{database}: {users} users for {seconds} s, {workers} gunicorn workers")
        print(
            f"  {'page':<20}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}"
            f"{'p99 ms':>8}{'req/s':>8}"
        )
        for row in rows:
            print(
                f"  {row['Name']:<20}{row['Request Count']:>9}{row['Failure Count']:>9}"
                f"{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
                f"{float(row['Requests/s']):>8.1f}"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if db_name:
            subprocess.run(
                [
                    "psql",
                    postgres_url,
                    "-c",
                    f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)',
                ],
                capture_output=True,
                check=False,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    for database in ["sqlite", "postgres"] if args.database == "both" else [args.database]:
        bench(database, args.users, args.seconds, args.workers, args.postgres_url)


if __name__ == "__main__":
    main()
