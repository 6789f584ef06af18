"""WSGI entry point for gunicorn: `gunicorn highneeds.web.wsgi` (production settings by default)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "highneeds.web.settings.production")

application = get_wsgi_application()
