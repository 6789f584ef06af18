"""Create the demo workspaces and a demo login, and print the login."""

from django.core.management.base import BaseCommand

from highneeds.web.workspace.demo import PUBLIC_DEMO_LA, setup_demo


class Command(BaseCommand):
    help = "Create the demo workspaces (synthetic LA and one public-data LA) and a demo login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--public-la",
            default=PUBLIC_DEMO_LA,
            help="LA (code or name) whose published figures the demo shows.",
        )

    def handle(self, *args, public_la: str, **options):
        login = setup_demo(public_la)
        names = ", ".join(w.name for w in login.workspaces)
        self.stdout.write(f"Demo workspaces: {names}")
        self.stdout.write(
            f"Sign in with username {login.username!r} and password {login.password!r}"
        )
