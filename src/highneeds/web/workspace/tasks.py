"""Background tasks (django-tasks). A worker runs them: `python manage.py db_worker`.
Tests use the ImmediateBackend, so they run inline."""

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from . import services

    services.run_job(job_id)
