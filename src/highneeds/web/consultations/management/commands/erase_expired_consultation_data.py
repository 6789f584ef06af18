"""Erase personal details and unreviewed free text of responses past their retention period,
after comparing the responses sent since the last check for likely duplicates (staff pages do
that too, as they open).

Run it daily (cron or a scheduled task); it is safe to run repeatedly. ``--preview`` lists, for
each consultation not yet erased, what erasure will keep and remove, and changes nothing.
"""

from django.core.management.base import BaseCommand

from highneeds.web.consultations.models import Consultation
from highneeds.web.consultations.services import (
    erase_expired_personal_data,
    flag_all_pending_duplicates,
    retention_preview,
)


class Command(BaseCommand):
    help = (
        "Erase personal fields and unmoderated free text of responses past their "
        "consultation's retention period (--preview: say what would go, change nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--preview", action="store_true", help="Say what erasure will keep and remove."
        )

    def handle(self, *args, **options):
        if options["preview"]:
            for consultation in Consultation.objects.filter(personal_data_erased_at__isnull=True):
                counts = retention_preview(consultation)
                self.stdout.write(
                    f"{consultation.slug}: after {consultation.erase_personal_data_after:%d %B %Y}"
                    f" keeps the moderated wording of {counts['kept_moderated']:,} answers; "
                    f"erases the text of {counts['erased_unmoderated']:,} unmoderated answers "
                    f"and {counts['erased_typed_areas']:,} typed areas of residence."
                )
            return
        checked = flag_all_pending_duplicates()
        self.stdout.write(f"Compared {checked:,} new responses with earlier ones for duplicates.")
        counts = erase_expired_personal_data()
        self.stdout.write(
            f"Erased personal details of {counts['responses']} responses in "
            f"{counts['consultations']} consultations."
        )
