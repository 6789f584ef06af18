"""Add synthetic (clearly marked) responses to the demo consultation, for the analysis demo."""

from django.core.management.base import BaseCommand

from highneeds.web.consult_analysis.demo import seed_demo_responses


class Command(BaseCommand):
    help = (
        "Create the demo consultation if needed and add synthetic responses to it (marked "
        "'SYNTHETIC demo response'); does nothing if they are already there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300, help="How many (default 300).")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, count: int, seed: int, **options):
        added, existing = seed_demo_responses(count, seed)
        if added:
            self.stdout.write(f"Added {added} synthetic responses to the demo consultation.")
        else:
            self.stdout.write(f"The demo consultation already has {existing} synthetic responses.")
