"""Run the workspace: database migrations, a supervised background worker, the job sweeper
and the web server.

`python manage.py serve` (local settings: one analyst, http://127.0.0.1:8000/). Production runs
the same pieces separately: `gunicorn highneeds.web.wsgi`, `manage.py db_worker` under a process
supervisor (systemd) and `manage.py sweep_jobs` from cron (docs/operations.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from django.core.management import call_command
from django.core.management.base import BaseCommand

#: gunicorn's access log without the client's address and User-Agent (%(h)s, %(a)s): the
#: docs promise the address is not stored. HIGHNEEDS_ACCESS_LOG_ADDRESSES=1 puts them back.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
ACCESS_LOG_FORMAT_WITH_ADDRESSES = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s" %(M)sms'
#: Seconds between sweeps of dead jobs and orphaned uploads.
SWEEP_EVERY = 120


def gunicorn_command(bind: str, workers: int) -> list[str]:
    addresses = os.environ.get("HIGHNEEDS_ACCESS_LOG_ADDRESSES") == "1"
    log_format = ACCESS_LOG_FORMAT_WITH_ADDRESSES if addresses else ACCESS_LOG_FORMAT
    return [
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
        "--access-logformat",
        log_format,
    ]


class Supervisor:
    """Keeps one child process running: ``check()`` restarts it when it has exited, waiting
    longer after each quick failure so a worker that cannot start does not spin."""

    def __init__(self, start, *, name: str, log=print):
        self.start, self.name, self.log = start, name, log
        self.process = start()
        self.restarts = 0
        self._backoff = 1.0
        self._started_at = time.monotonic()

    def check(self) -> bool:
        """Restart the process if it has exited; True when it was restarted."""
        code = self.process.poll()
        if code is None:
            return False
        if time.monotonic() - self._started_at < 30:
            time.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, 60)
        else:
            self._backoff = 1.0
        self.log(f"The {self.name} stopped (exit code {code}); starting it again.")
        self.process = self.start()
        self._started_at = time.monotonic()
        self.restarts += 1
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Migrate, then serve the workspace with gunicorn and a supervised background worker."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args, bind: str, workers: int, **options):
        from highneeds.web.workspace.recovery import sweep, sweep_forever

        call_command("migrate", interactive=False, verbosity=0)
        sweep()  # jobs a previous run left running died with it
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        worker = Supervisor(
            lambda: subprocess.Popen(
                [sys.executable, "-m", "highneeds.web.manage", "db_worker"], env=env
            ),
            name="background worker",
            log=lambda text: self.stderr.write(text),
        )
        stop = threading.Event()
        sweeper = threading.Thread(
            target=sweep_forever, args=(SWEEP_EVERY, stop), name="job-sweeper", daemon=True
        )
        sweeper.start()
        # A service manager stops us with SIGTERM: stop the worker and server too, not leave
        # them running without a supervisor.
        signal.signal(signal.SIGTERM, _interrupt)
        server = subprocess.Popen(gunicorn_command(bind, workers), env=env)  # noqa: S603
        try:
            # Say "ready" only when a request would be answered at once.
            if wait_until_serving(f"http://{bind}/healthz", server):
                self.stdout.write(f"Workspace at http://{bind}/ (Ctrl+C to stop)")
                self.stdout.flush()
            while server.poll() is None:
                worker.check()
                time.sleep(2)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            worker.stop()
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)


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
