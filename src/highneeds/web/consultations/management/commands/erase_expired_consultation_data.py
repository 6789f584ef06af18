"""Erase personal details of responses whose consultation's retention period has ended.

Run it daily (cron or a scheduled task); it is safe to run repeatedly.
"""

from django.core.management.base import BaseCommand

from highneeds.web.consultations.services import erase_expired_personal_data


class Command(BaseCommand):
    help = "Erase personal fields of responses past their consultation's retention period."

    def handle(self, *args, **options):
        counts = erase_expired_personal_data()
        self.stdout.write(
            f"Erased personal details of {counts['responses']} responses in "
            f"{counts['consultations']} consultations."
        )
