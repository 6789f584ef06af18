"""Safe defaults: no copy of a page or download with personal data is kept by a browser or
proxy; the store and its folder are private to the installation's account; local settings
(what `./run demo` serves with) show no tracebacks."""

from __future__ import annotations

import importlib
import stat

import pytest
from django.test import Client
from django.urls import reverse

from highneeds.web.accounts.models import Membership

Role = Membership.Role


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_not_stored(client_as, workspace, monkeypatch):
    from .test_workspace_views import OVERVIEW, _overview_returns

    _overview_returns(monkeypatch, lambda store, la: dict(OVERVIEW))
    client = client_as(Role.ADMIN)
    la = workspace.la_code
    urls = [
        reverse("workspace:index"),
        reverse("workspace:overview", args=[la]),
        reverse("workspace:data", args=[la]),
        reverse("workspace:audit", args=[la]),
        reverse("workspace:overview_download", args=[la, "caseload_trend", "csv"]),
        reverse("accounts:login"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_public_journey_pages_are_not_stored():
    response = Client().get(reverse("home"))
    assert "no-store" in response["Cache-Control"]


def test_static_files_may_be_cached():
    response = Client().get("/static/highneeds/js/init.mjs")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_store_folder_and_files_are_private(tmp_path, monkeypatch):
    from highneeds.store import open_store

    home = tmp_path / "home" / "var"
    monkeypatch.setenv("HIGHNEEDS_HOME", str(home))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    store = open_store()
    store.set_setting("probe", "1")  # a write: the WAL and shared-memory files exist now
    files = list(home.glob("highneeds.sqlite3*"))
    assert len(files) >= 2
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (home, home.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    store.engine.dispose()


def test_local_settings_serve_without_debug_unless_asked(monkeypatch):
    import highneeds.web.settings.local as local

    monkeypatch.delenv("HIGHNEEDS_DEBUG", raising=False)
    assert importlib.reload(local).DEBUG is False
    monkeypatch.setenv("HIGHNEEDS_DEBUG", "1")
    assert importlib.reload(local).DEBUG is True
    monkeypatch.delenv("HIGHNEEDS_DEBUG")
    importlib.reload(local)
