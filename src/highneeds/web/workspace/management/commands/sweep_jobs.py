"""Fail jobs whose worker died and delete uploads no job needs (cron this on a server that
runs the worker separately; `manage.py serve` sweeps by itself)."""

from django.core.management.base import BaseCommand

from highneeds.web.workspace.recovery import sweep


class Command(BaseCommand):
    help = "Mark jobs whose worker stopped as failed and delete the uploads they left."

    def handle(self, *args, **options):
        done = sweep()
        self.stdout.write(
            f"Jobs marked failed: {done.failed_jobs}; confirmations discarded: "
            f"{done.discarded_confirmations}; upload folders deleted: {done.deleted_uploads}"
        )
