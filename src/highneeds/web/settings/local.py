"""One analyst on their own machine: DEBUG on, SQLite under HIGHNEEDS_HOME by default."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]  # noqa: F405
# Serve static files straight from the app folders; no collectstatic needed locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
