"""Settings read from the environment, in one place.

HIGHNEEDS_HOME     folder for the embedded database and outputs (default: ./var)
DATABASE_URL       SQLAlchemy/Django URL; default sqlite:///$HIGHNEEDS_HOME/highneeds.sqlite3
HIGHNEEDS_SECRET   installation secret for pseudonymisation (HMAC key); required for SEN2 import
Limits (upload size, request limits…): highneeds.limits, each with its allowed range.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The installation's folder, readable by this account only (it holds the store)."""
    from highneeds.private_files import private_folder

    return private_folder(Path(os.environ.get("HIGHNEEDS_HOME", "var")).resolve())


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Django and Heroku-style URLs say postgres://; SQLAlchemy wants a driver name.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{home() / 'highneeds.sqlite3'}"


def uses_embedded_store() -> bool:
    """True when no DATABASE_URL is set: the store is the SQLite file in HIGHNEEDS_HOME."""
    return not os.environ.get("DATABASE_URL")


def max_upload_bytes() -> int:
    """The largest input file accepted, in bytes (HIGHNEEDS_MAX_UPLOAD_MB, checked by limits)."""
    from highneeds.limits import MAX_UPLOAD_MB

    return int(MAX_UPLOAD_MB.value() * 1024 * 1024)


def installation_secret() -> bytes | None:
    value = os.environ.get("HIGHNEEDS_SECRET")
    return value.encode() if value else None
