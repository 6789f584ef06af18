"""The demo workspaces and login the main command prints."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from highneeds.web.accounts.models import Membership, Workspace

pytestmark = pytest.mark.django_db


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


def test_running_it_again_changes_the_password_and_duplicates_nothing():
    _, first = _setup()
    username, second = _setup()
    assert first != second
    assert Workspace.objects.count() == 2
    assert Membership.objects.count() == 2
    client = Client()
    old = client.post(reverse("accounts:login"), {"username": username, "password": first})
    assert old.status_code == 200  # refused: the old password no longer works
