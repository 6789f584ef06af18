"""Web test fixtures: workspaces, members with roles, signed-in clients."""

from __future__ import annotations

import factory.random
import pytest
from django.test import Client

from highneeds.web.accounts.models import Membership

from .factories import MembershipFactory, UserFactory, WorkspaceFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _seeded_factories():
    factory.random.reseed_random(20261123)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages cache per-LA tables, and a table cached by
    one test must not answer another (tests share a process under xdist)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(la_code="990", name="Fictional Borough")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(la_code="991", name="Other Fictional County")


@pytest.fixture
def member(db, workspace):
    """member(role, workspace=None) -> a user holding role in workspace (default: `workspace`)."""

    def make(role: str, in_workspace=None):
        return MembershipFactory(role=role, workspace=in_workspace or workspace).user

    return make


@pytest.fixture
def client_as(member):
    """client_as(role, workspace=None) -> a test Client signed in as a fresh member."""

    def make(role: str, in_workspace=None, enforce_csrf_checks: bool = False) -> Client:
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        client.force_login(member(role, in_workspace))
        return client

    return make


@pytest.fixture
def outsider(db):
    """A signed-in user who belongs to no workspace."""
    return UserFactory()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After Django creates the test database, create the core's tables in it too, so pages
    that read the Store work inside ordinary (transaction-wrapped) tests."""
    from highneeds.web.core.store import dispose_all, get_store

    with django_db_blocker.unblock():
        get_store()
    yield
    dispose_all()  # PostgreSQL will not drop a database that still has connections


@pytest.fixture(autouse=True)
def _empty_cache():
    """The overview cache is per process; start every test without it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user_password() -> str:
    """The password every factory-made user has."""
    from .factories import PASSWORD

    return PASSWORD


@pytest.fixture
def make_workspace(db):
    """make_workspace(la_code, name) -> a Workspace."""
    return lambda la_code, name: WorkspaceFactory(la_code=la_code, name=name)


def empty_store() -> None:
    """Empty the core's tables. The store writes on its own connection, outside the test's
    transaction, so nothing a test imports is rolled back."""
    from highneeds.store import schema
    from highneeds.web.core.store import get_store

    with get_store().engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def demo_la(transactional_db, settings, tmp_path, monkeypatch):
    """The fictional LA's workspace over an empty store (emptied before, as an earlier test on
    this worker may have imported under another secret, and after)."""
    monkeypatch.setenv("HIGHNEEDS_SECRET", "test-secret-for-the-demo-la")
    settings.MEDIA_ROOT = tmp_path / "media"
    empty_store()
    yield WorkspaceFactory(la_code="999", name="Stockbridge (fictional)")
    empty_store()
