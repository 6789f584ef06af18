"""Tests: fast password hashing, inline background tasks, a private test database per process."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Several people run tests against the shared PostgreSQL at once: each process gets its own
# database name (pytest-xdist appends its worker id on top).
DATABASES["default"]["TEST"] = {"NAME": f"test_highneeds_{os.getpid()}"}  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory: the core's Store (SQLAlchemy) opens the same database as Django,
    # and so do the browser tests' live-server threads.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"highneeds_test_{os.getpid()}.sqlite3")
    }
LOGIN_MAX_FAILURES = 5
