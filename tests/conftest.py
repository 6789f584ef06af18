"""Shared fixtures.

The suite runs twice in CI: once on the embedded SQLite default and once with ``DATABASE_URL``
pointing at PostgreSQL. Each test session gets a database of its own (a fresh SQLite file, or a
fresh PostgreSQL database created on that server and dropped afterwards), so several runs can
share one server.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from highneeds.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        return url
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's real public data (../shared/data). Required, never skipped."""
    assert SHARED_DATA.is_dir(), f"expected the shared data folder at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A URL for an empty database of this session's own, on the configured backend."""
    server = _postgres_url()
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'test.sqlite3'}"
        return
    name = f"hn_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(Store(server).url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def store(database_url) -> Store:
    """A store with every core table created and emptied before the test."""
    from highneeds.store import schema

    store = Store(database_url)
    store.create_all()
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())
    yield store
    store.engine.dispose()


@pytest.fixture
def web_process_env(tmp_path):
    """The environment for running the web app in a subprocess as an installation does (local
    settings, ``HIGHNEEDS_HOME`` in this test's folder) on a SQLite store of its own: never
    the shared PostgreSQL server a test run may point at. Returns ``make(**extra)``."""

    def make(**extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "HIGHNEEDS_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "highneeds.web.settings.local",
            **extra,
        }
        env.pop("DATABASE_URL", None)
        return env

    return make


@pytest.fixture(scope="session")
def bundled_stats():
    """The DfE 2022 release shipped with highneeds, read once per session (tidy table)."""
    from highneeds.importers.dfe import bundled_release_path
    from highneeds.readers.dfe_ehcp import read_release

    return read_release(bundled_release_path())


# -- Browser tests --------------------------------------------------------------------------
# One Chromium for the whole session, defined here so every folder's browser tests share it:
# Playwright's sync API allows one instance per thread, and a fixture registered in two
# conftests would start two.
CHROMIUM = os.environ.get("HIGHNEEDS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never Playwright's own download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-browser.sh")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # ORM calls a test makes between browser steps run in Playwright's greenlet, where
        # Django keeps connections of its own: close them here, or the one left open keeps
        # PostgreSQL from dropping the test database at the end ("being accessed by other
        # users").
        from django.db import connections

        connections.close_all()


# -- The PostgreSQL pass runs what a database can change -------------------------------------
# CI runs the suite twice. A test that reaches no database through a fixture (it works on
# DataFrames, or on a SQLite file of its own) gives the same answer on both passes, so the
# PostgreSQL pass leaves it out and says how many it left out. The fixtures below are how a
# test reaches the database under test: the core store, Django's test database, or a live server.
#
# Browser tests of the workspace (charts, layout on a phone, axe) check what a page looks like;
# the views under them run on PostgreSQL through the test client in that pass, and a browser adds
# nothing a database engine changes, at a third of the pass's time. So the PostgreSQL pass keeps
# only the browser journeys marked ``every_database``: the public consultation's, whose sessions,
# saved answers and submissions are the database work a respondent's browser drives.
DATABASE_FIXTURES = frozenset(
    {
        "database_url",
        "store",
        "db",
        "transactional_db",
        "live_server",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)
ALL_ON_POSTGRES = "HIGHNEEDS_TEST_ALL_ON_POSTGRES"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "every_database: a browser journey that the PostgreSQL pass runs too (other browser "
        "tests run on SQLite only)",
    )


def uses_database(item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or (
        item.get_closest_marker("django_db") is not None
    )


def runs_on_postgres(item) -> bool:
    """Whether the PostgreSQL pass runs this test (see above)."""
    if item.get_closest_marker("browser") is not None:
        return item.get_closest_marker("every_database") is not None
    return uses_database(item)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Longest first: xdist hands tests out one at a time, so a long test collected last keeps
    # one worker busy minutes after the other has finished. ``slow`` tests go first, in the
    # order pytest-django gave them (stable sort); the many short ones fill in around them.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if _postgres_url() is None or os.environ.get(ALL_ON_POSTGRES):
        return
    kept = [item for item in items if runs_on_postgres(item)]
    left_out = [item for item in items if not runs_on_postgres(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config._highneeds_left_out = len(left_out)
        if hasattr(config, "workeroutput"):  # an xdist worker: tell the controller
            config.workeroutput["highneeds_left_out"] = len(left_out)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist's controller collects nothing itself: it hears the count from its workers."""
    left_out = getattr(node, "workeroutput", {}).get("highneeds_left_out", 0)
    node.config._highneeds_left_out = max(getattr(node.config, "_highneeds_left_out", 0), left_out)


def pytest_terminal_summary(terminalreporter, config):
    left_out = getattr(config, "_highneeds_left_out", 0)
    if left_out:
        terminalreporter.write_line(
            f"PostgreSQL pass: {left_out:,} tests that reach no database, or look at pages in a "
            f"browser, ran in the SQLite pass only; set {ALL_ON_POSTGRES}=1 to run them here too."
        )
