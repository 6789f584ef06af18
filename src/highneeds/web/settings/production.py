"""A council's server: secrets from the environment, DEBUG off, secure cookies and headers.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS. Recommended: DATABASE_URL (PostgreSQL).
Set HIGHNEEDS_BEHIND_TLS=1 when the site is served over HTTPS (directly or via a proxy that sets
X-Forwarded-Proto): cookies become Secure and HSTS is sent.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        'Set DJANGO_SECRET_KEY to a long random value (e.g. `python -c "import secrets; '
        'print(secrets.token_urlsafe(50))"`) before starting the production workspace.'
    )

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

BEHIND_TLS = os.environ.get("HIGHNEEDS_BEHIND_TLS") == "1"
SESSION_COOKIE_SECURE = BEHIND_TLS
CSRF_COOKIE_SECURE = BEHIND_TLS
if BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("HIGHNEEDS_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day, in seconds
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]
LOGGING["root"]["level"] = os.environ.get("HIGHNEEDS_LOG_LEVEL", "INFO")  # noqa: F405
