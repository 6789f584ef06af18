"""The core's Store on the same database Django uses (so tests and servers never diverge)."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from django.db import connection

from highneeds.store import Store, open_store

_stores: dict[str, Store] = {}
_lock = threading.Lock()


def store_url() -> str:
    """An SQLAlchemy URL for Django's default database (the test database during tests)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    if connection.vendor == "postgresql":
        return sa.engine.URL.create(
            "postgresql+psycopg",
            username=settings.get("USER") or None,
            password=settings.get("PASSWORD") or None,
            host=settings.get("HOST") or None,
            port=int(settings["PORT"]) if settings.get("PORT") else None,
            database=settings["NAME"],
        ).render_as_string(hide_password=False)
    raise RuntimeError(f"highneeds supports SQLite and PostgreSQL, not {connection.vendor}")


def get_store() -> Store:
    """One Store (one connection pool) per database per process, tables created on first use."""
    url = store_url()
    with _lock:
        if url not in _stores:
            _stores[url] = open_store(url, create=True)
        return _stores[url]


def dispose_all() -> None:
    """Close every pooled connection (e.g. before a test database is dropped)."""
    with _lock:
        for store in _stores.values():
            store.engine.dispose()
        _stores.clear()
