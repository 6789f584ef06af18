"""Create the demo consultation (fictional LA, four areas), open now."""

from django.core.management.base import BaseCommand

from highneeds.web.consultations.demo import (
    SYNTHETIC_NOTE,
    add_synthetic_responses,
    seed_demo_consultation,
)


class Command(BaseCommand):
    help = "Create the demo consultation for the fictional LA, open from now."

    def add_arguments(self, parser):
        parser.add_argument(
            "--open-days", type=int, default=90, help="How many days it stays open (default 90)."
        )
        parser.add_argument(
            "--synthetic-responses",
            type=int,
            default=0,
            help=f"Also add this many synthetic responses, marked {SYNTHETIC_NOTE!r} "
            "(only if it has none yet).",
        )

    def handle(self, *args, open_days: int, synthetic_responses: int, **options):
        consultation, created = seed_demo_consultation(open_days=open_days)
        verb = "Created" if created else "Already there:"
        self.stdout.write(
            f"{verb} {consultation.title!r} at /consult/{consultation.slug}/ "
            f"(open until {consultation.closes_at:%Y-%m-%d %H:%M} UTC)"
        )
        if synthetic_responses:
            added = add_synthetic_responses(consultation, synthetic_responses)
            self.stdout.write(f"Added {added} synthetic responses marked {SYNTHETIC_NOTE!r}.")
