"""What each public consultation page costs the server: queries, session writes, CPU time.

One client walks the demo consultation's whole journey (start, about you, four areas, equality,
check your answers, submit, confirmation) ``--journeys`` times in this process, through Django's
test client with production-like settings, over a fresh SQLite file (or the PostgreSQL database
named by ``--postgres-url``, created and dropped). Per page it reports the median CPU
milliseconds of the request (``time.process_time``, so other work on the machine barely changes
it), the number of SQL queries and how many of them write the session table. With profiling
(``--profile PAGE``) it prints the top functions of that page by cumulative time.

    .venv/bin/python benchmarks/consultation_pages.py --journeys 30
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict

FIELD = re.compile(r'name="((?:agree|why)_\d+)"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--postgres-url", help="e.g. postgresql://postgres@127.0.0.1:5432/NAME")
    parser.add_argument(
        "--profile", help='a page to profile, e.g. "area GET", or "all" for every page'
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="hn-consult-pages-")
    os.environ["HIGHNEEDS_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.web.settings.local")
    if args.postgres_url:
        import psycopg

        admin, name = args.postgres_url.rsplit("/", 1)
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.postgres_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.CONSULT_SUBMISSIONS_PER_CLIENT = settings.CONSULT_SUBMISSIONS_PER_ADDRESS = 10**9
    call_command("migrate", verbosity=0)
    call_command("seed_demo_consultation", stdout=io.StringIO())

    cpu: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    session_writes: dict[str, list[int]] = defaultdict(list)
    # CPU time, not wall time: waits for the database and for other work on the machine
    # would otherwise fill the profile.
    profiler = cProfile.Profile(time.process_time) if args.profile else None

    def request(client, page: str, url: str, data=None):
        method = "POST" if data is not None else "GET"
        label = f"{page} {method}"
        profiling = profiler is not None and args.profile in (label, "all")
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            if profiling:
                profiler.enable()
            reply = client.post(url, data) if data is not None else client.get(url)
            if profiling:
                profiler.disable()
            cpu[label].append((time.process_time() - started) * 1000)
        sqls = [q["sql"] for q in captured.captured_queries]
        queries[label].append(len(sqls))
        session_writes[label].append(
            sum(
                1
                for q in sqls
                if "django_session" in q and q.lstrip().upper()[:6] in ("UPDATE", "INSERT")
            )
        )
        return reply

    root = "/consult/high-needs-review/standard"
    for number in range(args.journeys):
        client = Client(HTTP_USER_AGENT=f"pages-{number}")
        request(client, "start", f"{root}/")
        request(client, "about-you", f"{root}/about-you/")
        request(
            client,
            "about-you",
            f"{root}/about-you/",
            {"respondent_type": "parent_carer", "area_of_residence": "Eastvale", "website": ""},
        )
        for position in range(1, 5):
            html = request(client, "area", f"{root}/area/{position}/").content.decode()
            answers = {
                name: "agree" if name.startswith("agree") else f"Answer {number}: sooner."
                for name in FIELD.findall(html)
            }
            request(client, "area", f"{root}/area/{position}/", answers)
        request(client, "equality", f"{root}/equality/")
        request(client, "equality", f"{root}/equality/", {"age_band": "25_44"})
        request(client, "check-your-answers", f"{root}/check-your-answers/")
        request(client, "check-your-answers", f"{root}/check-your-answers/", {})
        reply = request(client, "confirmation", f"{root}/confirmation/")
        assert 'id="reference"' in reply.content.decode(), "the journey did not finish"

    print(f"{'page':<26} {'CPU ms (median)':>16} {'queries':>8} {'session writes':>15}")
    for label in cpu:
        print(
            f"{label:<26} {statistics.median(cpu[label]):>16.1f} "
            f"{statistics.median(queries[label]):>8.0f} "
            f"{statistics.median(session_writes[label]):>15.0f}"
        )
    if profiler is not None and args.profile != "all" and args.profile not in cpu:
        print(f"No page is called {args.profile!r}; the pages are: {', '.join(cpu)}.")
    elif profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    if args.postgres_url:
        connection.close()
        import psycopg

        admin, name = args.postgres_url.rsplit("/", 1)
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()
    shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
