"""Jobs that recover: a running job's heartbeat, and the sweeper that fails jobs whose worker
died and deletes the uploads they leave behind.

A worker killed mid-import (out of memory, a restart, a power cut) never reaches the code that
marks its job failed and deletes the raw upload, which holds children's names and birth
dates in clear. So a running job touches its row every ``JOB_HEARTBEAT_SECONDS``; the
sweeper (run by ``manage.py serve`` every few minutes, or ``manage.py sweep_jobs`` from cron)
marks failed any job silent for ``JOB_STALE_SECONDS``, discards imports left waiting for
confirmation longer than ``JOB_AWAITING_SECONDS``, and deletes every upload folder no live
job needs.
"""

from __future__ import annotations

import logging
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@contextmanager
def heartbeat(job_id: int):
    """Touch the job's ``updated_at`` every JOB_HEARTBEAT_SECONDS while the block runs."""
    stop = threading.Event()
    every = _seconds("JOB_HEARTBEAT_SECONDS", 30)

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    Job.objects.filter(pk=job_id).update(updated_at=timezone.now())
                except Exception:  # a busy database: the next beat tries again
                    log.warning("job %s: heartbeat not recorded", job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class Swept:
    failed_jobs: int
    discarded_confirmations: int
    deleted_uploads: int


def sweep(now=None) -> Swept:
    """Fail jobs whose worker stopped, discard stale confirmations, delete orphaned uploads."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_seconds("JOB_STALE_SECONDS", 300))
    dead = list(Job.objects.filter(status=Job.Status.RUNNING, updated_at__lt=stale))
    for job in dead:
        job.status = Job.Status.FAILED
        job.message = (
            "The worker running this job stopped before it finished. Nothing was imported "
            "or saved by it, and any uploaded file was deleted: start it again."
        )
        job.result = {"problems": [{"message": job.message}]}
        job.finished_at = now
        job.save()
    waited = now - timedelta(seconds=_seconds("JOB_AWAITING_SECONDS", 24 * 3600))
    expired = list(Job.objects.filter(status=Job.Status.AWAITING, updated_at__lt=waited))
    for job in expired:
        job.status = Job.Status.FAILED
        job.message = "Not confirmed in time: nothing was imported and the upload was deleted."
        job.result = {"problems": [{"message": job.message}]}
        job.finished_at = now
        job.save()
    held = [job for job in dead + expired if job.input_path]
    for job in held:
        shutil.rmtree(Path(job.input_path).parent, ignore_errors=True)
    for job in dead + expired:
        log.warning("job %s: %s", job.pk, job.message)
    deleted = delete_orphan_uploads(now) + len(held)
    return Swept(len(dead), len(expired), deleted)


def delete_orphan_uploads(now=None) -> int:
    """Delete upload folders that no queued, running or waiting job reads."""
    root = Path(settings.MEDIA_ROOT) / "incoming"
    if not root.is_dir():
        return 0
    live = Job.objects.filter(
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.AWAITING]
    ).exclude(input_path="")
    needed = {Path(path).parent.resolve() for path in live.values_list("input_path", flat=True)}
    # A folder younger than a minute may belong to an upload whose job is being created.
    young = (now or timezone.now()).timestamp() - 60
    deleted = 0
    for folder in root.glob("*/*"):
        if folder.is_dir() and folder.resolve() not in needed and folder.stat().st_mtime < young:
            shutil.rmtree(folder, ignore_errors=True)
            deleted += 1
    return deleted


def sweep_forever(every_seconds: int, stop: threading.Event) -> None:
    """Sweep every ``every_seconds`` until ``stop`` is set (manage.py serve runs this)."""
    while not stop.wait(every_seconds):
        close_old_connections()
        try:
            sweep()
        except Exception:
            log.exception("the job sweeper failed; it will try again")
