"""Settings shared by every environment. Secrets and URLs come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from highneeds import config, limits

WEB_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "highneeds.web.core",
    "highneeds.web.accounts",
    "highneeds.web.workspace",
    "highneeds.web.consultations",
    "highneeds.web.consult_analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "highneeds.web.core.security.NoStoreMiddleware",
    "highneeds.web.core.security.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "highneeds.web.accounts.idle.IdleTimeoutMiddleware",
    "highneeds.web.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "highneeds.web.core.security.ContentSecurityPolicyMiddleware",
]

# Text inputs and text areas drawn in Python, the same markup as Django's templates for them.
FORM_RENDERER = "highneeds.web.core.forms.GovukFormRenderer"

ROOT_URLCONF = "highneeds.web.urls"
WSGI_APPLICATION = "highneeds.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "highneeds.web.core.context_processors.service",
            ],
        },
    },
]


def database_settings() -> dict:
    """DATABASE_URL if set (PostgreSQL for a team), else SQLite under HIGHNEEDS_HOME."""
    default = f"sqlite:///{config.home() / 'highneeds.sqlite3'}"
    database = dj_database_url.config(default=default, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"].endswith("sqlite3"):
        # Concurrent web workers on one SQLite file: wait for locks instead of failing at once,
        # and take the write lock at BEGIN so a read-then-write never deadlocks.
        database.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;",
            }
        )
    return database


DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:index"
LOGOUT_REDIRECT_URL = "accounts:login"

# Web processes hold no state of their own: sessions and rate-limit counters live in the
# database, so several processes behind a load balancer share them. The cache only holds
# things any process can recompute.
SESSION_ENGINE = "highneeds.web.core.sessions"  # Django's db sessions, read and written faster
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = config.home() / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = config.home() / "uploads"

# Uploads: Django refuses bodies above this; the data page gives a friendly message first.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = config.max_upload_bytes() + 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Limits an operator may set (highneeds.limits; docs/operations.md): each variable is checked
# against its allowed range here, so a bad value stops the workspace at start in one sentence.
LIMITS = limits.check_environment()
# Login rate limit (highneeds.web.accounts.ratelimit): failed attempts per account and
# address (four times as many per account from all addresses), for every sign-in door.
LOGIN_MAX_FAILURES = int(LIMITS[limits.LOGIN_MAX_FAILURES.env])
LOGIN_LOCKOUT_SECONDS = int(LIMITS[limits.LOGIN_LOCKOUT_SECONDS.env])
# Signed out after this long without a request (highneeds.web.accounts.idle).
SESSION_IDLE_SECONDS = int(LIMITS[limits.IDLE_MINUTES.env]) * 60
# Online consultation responses per device and per address within the window.
CONSULT_SUBMISSIONS_PER_CLIENT = int(LIMITS[limits.SUBMISSIONS_PER_DEVICE.env])
CONSULT_SUBMISSIONS_PER_ADDRESS = int(LIMITS[limits.SUBMISSIONS_PER_ADDRESS.env])
CONSULT_SUBMISSION_WINDOW_SECONDS = int(LIMITS[limits.SUBMISSION_WINDOW_SECONDS.env])
# Save and come back later: saves and tries to come back per address within the same window.
CONSULT_SAVES_PER_ADDRESS = int(LIMITS[limits.SAVES_PER_ADDRESS.env])
CONSULT_RESUME_TRIES_PER_ADDRESS = int(LIMITS[limits.RESUME_TRIES_PER_ADDRESS.env])

# Two-factor sign-in (highneeds.web.accounts.second_factor): who must use it. Wrong codes are
# throttled with wrong passwords (above), so django-otp's own delays are off: they would refuse
# a right code for seconds after a wrong one, with no way to say why.
TWO_FACTOR_REQUIRED_ROLES = limits.roles_requiring_totp()
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# The admin never shows anyone's key or its QR code (an administrator only deletes a device).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Background jobs (highneeds.web.workspace.recovery): a running job's heartbeat; a job silent
# for JOB_STALE_SECONDS is marked failed; an import waiting for confirmation is discarded
# (with its upload) after JOB_AWAITING_SECONDS.
JOB_HEARTBEAT_SECONDS = 30
JOB_STALE_SECONDS = 300
JOB_AWAITING_SECONDS = 24 * 3600

# Security headers that are right everywhere (production.py adds the TLS-only ones).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Everything is served from our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

# Email (save and return later sends a link). Offline by default: each message is a file in
# HIGHNEEDS_HOME/outbox (0600). A council sets HIGHNEEDS_EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend with the EMAIL_* variables below, or to a
# GOV.UK Notify backend (docs/consult.md, "Email").
EMAIL_BACKEND = os.environ.get(
    "HIGHNEEDS_EMAIL_BACKEND", "highneeds.web.core.mail.PrivateFileEmailBackend"
)
EMAIL_FILE_PATH = config.home() / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("HIGHNEEDS_FROM_EMAIL", "consultation@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS") == "1"
EMAIL_TIMEOUT = 20
GOVUK_NOTIFY_API_KEY = os.environ.get("GOVUK_NOTIFY_API_KEY", "")
GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = os.environ.get("GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID", "")

SERVICE_NAME = os.environ.get("HIGHNEEDS_SERVICE_NAME", "High needs planning")
OTP_TOTP_ISSUER = SERVICE_NAME  # how authenticator apps name the account
PHASE = os.environ.get("HIGHNEEDS_PHASE", "Beta")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
