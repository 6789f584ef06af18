"""Add responses to a consultation from a coded CSV (e.g. synthetic demo data)."""

from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from highneeds.errors import HighneedsError
from highneeds.web.consultations.models import Consultation
from highneeds.web.consultations.services import import_responses


class Command(BaseCommand):
    help = (
        "Add responses from a CSV with columns response_id, version, respondent_type, source, "
        "P1__agree, P1__why, ... (the 'column codes' export). All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--consultation", required=True, help="The consultation's slug.")
        parser.add_argument(
            "--note", required=True, help='How to mark them, e.g. "synthetic demo data".'
        )

    def handle(self, *args, path: Path, consultation: str, note: str, **options):
        target = Consultation.objects.filter(slug=consultation).first()
        if target is None:
            raise CommandError(f"No consultation with the address {consultation!r}.")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        try:
            added = import_responses(target, frame, note=note, file=path.name)
        except HighneedsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Added {added} responses to {target.title!r}, marked {note!r}.")
