"""One door, one throttle: the Django admin signs in through the same limited, audited form;
failures are counted per account and address; every failed sign-in is audited; weak
passwords are refused; idle sessions end."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from highneeds.web.accounts import audit, ratelimit
from highneeds.web.accounts.forms import account_key
from highneeds.web.accounts.models import AuditEvent

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
Action = audit.Action


def _sign_in(client, username, password, url=None):
    return client.post(
        url or reverse("accounts:login"), {"username": username, "password": password}
    )


def _admin_sign_in(client, username, password):
    return _sign_in(client, username, password, url=reverse("admin:login"))


def test_forty_wrong_admin_passwords_end_in_lockout_and_audit_rows(settings):
    settings.LOGIN_MAX_FAILURES = 5
    boss = UserFactory(is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="203.0.113.40")
    for _ in range(40):
        response = _admin_sign_in(client, boss.username, "wrong password")
        assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Locked: the right password is refused too, from that address.
    response = _admin_sign_in(client, boss.username, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, actor=boss)
    refused = AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED, actor=boss)
    assert failed.count() == 5
    assert refused.count() == 36  # every attempt after the fifth, the right one included
    assert all(e.detail["door"] == "django admin" for e in failed)


def test_admin_sign_in_works_and_is_audited_for_staff_only(client):
    boss = UserFactory(is_staff=True)
    assert _admin_sign_in(client, boss.username, PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action=Action.SIGN_IN, actor=boss).count() == 1
    plain = UserFactory()
    response = _admin_sign_in(Client(), plain.username, PASSWORD)
    assert response.status_code == 200
    assert "staff account" in response.content.decode()


def test_every_failed_workspace_sign_in_is_audited_naming_only_real_accounts(client):
    user = UserFactory()
    _sign_in(client, user.username, "wrong")
    _sign_in(client, "correct-horse-typed-as-username", "wrong")
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).order_by("at", "pk")
    assert [e.actor for e in failed] == [user, None]
    assert [e.detail["account"] for e in failed] == ["known", "unknown"]
    text = " ".join(str(e.detail) + e.target for e in failed)
    assert "correct-horse" not in text and "wrong" not in text


def test_one_address_cannot_lock_other_accounts_out(settings):
    settings.LOGIN_MAX_FAILURES = 2
    office = "203.0.113.9"  # a council office: everyone behind one address
    attacker = Client(REMOTE_ADDR=office)
    for n in range(30):
        _sign_in(attacker, f"guess{n}", "wrong")
    colleague = UserFactory()
    assert _sign_in(Client(REMOTE_ADDR=office), colleague.username, PASSWORD).status_code == 302


def test_lock_is_per_account_and_address_with_a_wider_limit_per_account(settings):
    from highneeds.web.accounts.forms import ACCOUNT_FACTOR

    settings.LOGIN_MAX_FAILURES = 2
    user = UserFactory()
    _sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.username, "wrong")
    _sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.username, "wrong")
    locked = _sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.username, PASSWORD)
    assert "Too many failed" in locked.content.decode()
    # The owner at another address still gets in (and that clears the account's failures).
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.2"), user.username, PASSWORD).status_code == 302
    # Guessing from many addresses: the account locks after ACCOUNT_FACTOR x the limit.
    for n in range(2 * ACCOUNT_FACTOR):
        _sign_in(Client(REMOTE_ADDR=f"192.0.2.{n}"), user.username, "wrong")
    response = _sign_in(Client(REMOTE_ADDR="192.0.2.200"), user.username, PASSWORD)
    assert "Too many failed" in response.content.decode()


def test_reset_all_clears_an_accounts_failures_from_every_address():
    key = account_key("Alice")
    ratelimit.hit(f"{key}|192.0.2.1")
    ratelimit.hit(f"{key}|192.0.2.2")
    ratelimit.hit(key)
    ratelimit.hit(f"{account_key('bob')}|192.0.2.1")
    ratelimit.reset_all(key)
    assert ratelimit.count(f"{key}|192.0.2.1", 60) == 0
    assert ratelimit.count(key, 60) == 0
    assert ratelimit.count(f"{account_key('bob')}|192.0.2.1", 60) == 1


@pytest.mark.parametrize(
    "password, why",
    [
        ("password1234", "too common"),
        ("short1!", "too short"),
        ("harriet.jones.org", "too similar"),
        ("384769120458", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, why):
    user = UserFactory.build(username="harriet", email="harriet.jones@example.org")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert why in " ".join(refused.value.messages)


def test_idle_session_is_signed_out(client, settings):
    from freezegun import freeze_time

    settings.SESSION_IDLE_SECONDS = 1800
    user = UserFactory()
    with freeze_time("2026-01-05 09:00:00"):
        assert _sign_in(client, user.username, PASSWORD).status_code == 302
        assert client.get(reverse("workspace:index")).status_code == 200
    with freeze_time("2026-01-05 09:25:00"):  # active within the limit: still signed in
        assert client.get(reverse("workspace:index")).status_code == 200
    with freeze_time("2026-01-05 09:56:00"):  # 31 minutes since the last request
        response = client.get(reverse("workspace:index"))
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url
        assert "_auth_user_id" not in client.session
