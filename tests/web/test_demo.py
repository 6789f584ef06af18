"""The demo workspaces and login the main command prints."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from highneeds.web.accounts.models import Membership, Workspace

from .conftest import empty_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))


def _setup() -> tuple[str, str]:
    out = StringIO()
    call_command("setup_demo_workspace", stdout=out)
    return re.search(r"username '([^']+)' and password '([^']+)'", out.getvalue()).groups()


def test_printed_demo_login_signs_in_and_reaches_both_workspaces():
    username, password = _setup()
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    html = client.get(reverse("workspace:index")).content.decode()
    assert "Stockport" in html
    assert Workspace.objects.count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == {Membership.Role.ADMIN}


def test_running_it_again_keeps_the_password_lifts_a_lockout_and_duplicates_nothing(settings):
    settings.LOGIN_MAX_FAILURES = 2
    username, first = _setup()
    client = Client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": username, "password": "wrong"})
    locked = client.post(reverse("accounts:login"), {"username": username, "password": first})
    assert locked.status_code == 200  # locked out
    again, second = _setup()
    assert (again, second) == (username, first)
    assert Workspace.objects.count() == 2
    assert Membership.objects.count() == 2
    response = client.post(reverse("accounts:login"), {"username": username, "password": first})
    assert response.status_code == 302


def test_a_demo_password_changed_by_hand_is_replaced_and_printed():
    from django.contrib.auth import get_user_model

    username, first = _setup()
    user = get_user_model().objects.get(username=username)
    user.set_password("changed by an administrator 2026")
    user.save()
    _, second = _setup()
    assert second != first
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": username, "password": second})
        .status_code
        == 302
    )


@pytest.fixture
def empty_store_after(transactional_db):
    """The core's tables emptied afterwards (the store writes outside Django's transaction)."""
    yield
    empty_store()


@pytest.mark.slow
def test_loading_the_demo_again_keeps_a_return_someone_uploaded(
    tmp_path, monkeypatch, empty_store_after
):
    from highneeds.importers.sen2 import import_sen2, stored_children
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml
    from highneeds.web.core.store import get_store
    from highneeds.web.workspace.demo import load_demo_data

    monkeypatch.setenv("HIGHNEEDS_SECRET", "demo rerun test secret")
    store = get_store()
    (mine,) = generate(SynthConfig(first_year=2024, last_year=2024, children=15, seed=4))
    import_sen2([write_xml(mine, tmp_path / "mine.xml")], store, accept_errors=True)
    uploaded = stored_children(store, "999", 2024)
    load_demo_data(store)
    assert stored_children(store, "999", 2024) == uploaded  # kept, not replaced
    assert stored_children(store, "999", 2019) > uploaded  # the other years loaded
    again = load_demo_data(store)
    assert any(line.startswith("SEN2 returns for") for line in again)
