"""`python manage.py`: Django's management commands, with local settings by default."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.web.settings.local")
    from django.core.management import execute_from_command_line

    from highneeds.limits import LimitSettingError

    try:
        execute_from_command_line(argv if argv is not None else sys.argv)
    except LimitSettingError as error:
        # A limit set wrongly in the environment: one sentence, not a traceback.
        sys.exit(f"highneeds: {error}")


if __name__ == "__main__":
    main()
