"""One analyst on their own machine: SQLite under HIGHNEEDS_HOME by default.

DEBUG stays off (error pages with tracebacks and URL lists must not reach anyone who can open
the page, and `./run demo` serves with these settings); a developer sets HIGHNEEDS_DEBUG=1.
"""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("HIGHNEEDS_DEBUG") == "1"
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]  # noqa: F405
# Serve static files straight from the app folders; no collectstatic needed locally.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
