"""Jobs that recover: a running job beats; a job whose worker died is marked failed and its
upload deleted; a stale confirmation is discarded; `manage serve` restarts a dead worker."""

from __future__ import annotations

import os
import stat
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from highneeds.web.workspace import recovery, services
from highneeds.web.workspace.models import Job

from .factories import UserFactory, WorkspaceFactory


def _age(job: Job, seconds: int) -> None:
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))


def _held_upload(settings, tmp_path, status) -> Job:
    """A job holding an upload, as a worker killed mid-import (or a confirmation) leaves it."""
    settings.MEDIA_ROOT = tmp_path
    workspace = WorkspaceFactory()
    folder = services.upload_folder(workspace) / "abc123"
    folder.mkdir(mode=0o700)
    path = folder / "return.xml"
    path.write_text("<Message>names and birth dates in clear</Message>")
    return Job.objects.create(
        workspace=workspace,
        kind=Job.Kind.IMPORT,
        status=status,
        input_name="return.xml",
        input_path=str(path),
    )


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_failed_and_its_upload_deleted(settings, tmp_path):
    settings.JOB_STALE_SECONDS = 300
    job = _held_upload(settings, tmp_path, Job.Status.RUNNING)
    assert recovery.sweep().failed_jobs == 0  # still beating
    _age(job, 301)
    done = recovery.sweep()
    job.refresh_from_db()
    assert done.failed_jobs == 1 and done.deleted_uploads == 1
    assert job.status == Job.Status.FAILED and job.is_finished
    assert "stopped before it finished" in job.message
    assert not Path(job.input_path).exists()


@pytest.mark.django_db
def test_a_confirmation_nobody_gave_is_discarded_after_a_day(settings, tmp_path):
    job = _held_upload(settings, tmp_path, Job.Status.AWAITING)
    _age(job, 3600)
    assert recovery.sweep().discarded_confirmations == 0
    assert Path(job.input_path).exists()
    _age(job, 24 * 3600 + 1)
    assert recovery.sweep().discarded_confirmations == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not Path(job.input_path).exists()


@pytest.mark.django_db
def test_an_upload_no_job_reads_is_deleted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    orphan = tmp_path / "incoming" / "999" / "deadbeef"
    orphan.mkdir(parents=True)
    (orphan / "m1.csv").write_text("Person ID,Surname\n1,O'Brien\n")
    old = time.time() - 120
    os.utime(orphan, (old, old))
    assert recovery.sweep().deleted_uploads == 1
    assert not orphan.exists()


@pytest.mark.django_db
def test_uploads_are_written_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    workspace = WorkspaceFactory()
    job = services.start_import(
        workspace, UserFactory(), SimpleUploadedFile("return.xml", b"<Message/>")
    )
    path = Path(job.input_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent, tmp_path / "incoming"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats(settings):
    settings.JOB_HEARTBEAT_SECONDS = 0.05
    job = Job.objects.create(workspace=WorkspaceFactory(), kind=Job.Kind.FORECAST)
    _age(job, 1000)
    with recovery.heartbeat(job.pk):
        time.sleep(0.4)
    job.refresh_from_db()
    assert timezone.now() - job.updated_at < timedelta(seconds=5)


def test_serve_restarts_a_worker_that_dies():
    import subprocess

    from highneeds.web.core.management.commands.serve import Supervisor

    started = []

    def start():
        started.append(1)
        return subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])

    logged = []
    worker = Supervisor(start, name="background worker", log=logged.append)
    worker.process.wait()
    assert worker.check() is True
    assert worker.restarts == 1 and len(started) == 2
    assert "exit code 3" in logged[0]
    worker.process.wait()
    worker.stop()


def test_access_log_keeps_no_address_or_user_agent_unless_configured(monkeypatch):
    from highneeds.web.core.management.commands.serve import gunicorn_command

    monkeypatch.delenv("HIGHNEEDS_ACCESS_LOG_ADDRESSES", raising=False)
    command = gunicorn_command("127.0.0.1:8000", 2)
    log_format = command[command.index("--access-logformat") + 1]
    assert "%(h)s" not in log_format and "%(a)s" not in log_format
    monkeypatch.setenv("HIGHNEEDS_ACCESS_LOG_ADDRESSES", "1")
    command = gunicorn_command("127.0.0.1:8000", 2)
    assert "%(h)s" in command[command.index("--access-logformat") + 1]
