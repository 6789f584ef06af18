"""Create the demo workspaces and a demo login (and optionally load the demo data); print the
login."""

from django.core.management.base import BaseCommand

from highneeds.web.workspace.demo import PUBLIC_DEMO_LA, load_demo_data, setup_demo


class Command(BaseCommand):
    help = "Create the demo workspaces (synthetic LA and one public-data LA) and a demo login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-la",
            default=PUBLIC_DEMO_LA,
            help="LA (code or name) whose published figures the demo shows.",
        )
        parser.add_argument(
            "--load-data",
            action="store_true",
            help="Also load the bundled DfE statistics and the synthetic LA's SEN2 returns.",
        )

    def handle(self, *args, public_la: str, load_data: bool, **options):
        if load_data:
            from highneeds.web.core.store import get_store

            for line in load_demo_data(get_store()):
                self.stdout.write(line)
        login = setup_demo(public_la)
        names = ", ".join(w.name for w in login.workspaces)
        self.stdout.write(f"Demo workspaces: {names}")
        self.stdout.write(
            f"Sign in with username {login.username!r} and password {login.password!r}"
        )
