"""Run the workspace: database migrations, one background worker and the web server.

`python manage.py serve` (local settings: one analyst, http://127.0.0.1:8000/). Production runs
the same pieces separately: `gunicorn highneeds.web.wsgi` and `manage.py db_worker`.
"""

from __future__ import annotations

import os
import subprocess
import sys

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
        worker = subprocess.Popen(
            [sys.executable, "-m", "highneeds.web.manage", "db_worker"], env=env
        )
        self.stdout.write(f"Workspace at http://{bind}/ (Ctrl+C to stop)")
        try:
            subprocess.run(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "highneeds.web.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(workers),
                    "--access-logfile",
                    "-",
                ],
                env=env,
                check=False,
            )
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)
