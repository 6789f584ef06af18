"""Run the workspace: database migrations, one background worker and the web server.

`python manage.py serve` (local settings: one analyst, http://127.0.0.1:8000/). Production runs
the same pieces separately: `gunicorn highneeds.web.wsgi` and `manage.py db_worker`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, start a background worker and serve the workspace with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args, bind: str, workers: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        server = None
        worker = subprocess.Popen(
            [sys.executable, "-m", "highneeds.web.manage", "db_worker"], env=env
        )
        try:
            server = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "highneeds.web.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    # Warm once in the master (highneeds.web.warm), then fork warm workers.
                    "--preload",
                    "--access-logfile",
                    "-",
                ],
                env=env,
            )
            # Say "ready" only when a request would be answered at once.
            if wait_until_serving(f"http://{bind}/healthz", server):
                self.stdout.write(f"Workspace at http://{bind}/ (Ctrl+C to stop)")
                self.stdout.flush()
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            if server is not None and server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
            worker.terminate()
            worker.wait(timeout=10)


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 300) -> bool:
    """Poll ``url`` until it answers (True), or the server exits or time runs out (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback
                return True
        except urllib.error.HTTPError:
            return True  # it answered, if not with 200: serving all the same
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    return False
