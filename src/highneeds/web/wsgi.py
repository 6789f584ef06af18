"""WSGI entry point for gunicorn: `gunicorn highneeds.web.wsgi` (production settings by default).

The process is warmed (imports, templates, fonts: highneeds.web.warm) before it serves, so
the first request is as fast as the rest.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.web.settings.production")

application = get_wsgi_application()

from highneeds.web.warm import warm  # noqa: E402 - needs Django set up by the line above

warm()
