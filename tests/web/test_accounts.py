"""Sign-in, its rate limit, sign-out, role checks and the audit log."""

import pytest
from django.test import Client
from django.urls import reverse

from highneeds.web.accounts import audit, ratelimit
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.accounts.permissions import has_role, role_in, workspaces_for

from .factories import PASSWORD, UserFactory

Role = Membership.Role
pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_with_right_password_redirects_and_is_audited(client):
    user = UserFactory()
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("workspace:index")
    assert AuditEvent.objects.filter(actor=user, action=audit.Action.SIGN_IN).count() == 1


def test_wrong_password_shows_error_summary(client):
    user = UserFactory()
    response = _sign_in(client, user.username, "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html
    assert "_auth_user_id" not in client.session


def test_sign_in_is_locked_after_too_many_failures_even_with_right_password(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory()
    for _ in range(3):
        _sign_in(client, user.username, "wrong")
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=audit.Action.SIGN_IN_REFUSED).exists()


def test_lock_is_per_username_not_global(client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    victim, other = UserFactory(), UserFactory()
    for _ in range(3):
        _sign_in(client, victim.username, "wrong")
    response = _sign_in(Client(REMOTE_ADDR="198.51.100.7"), other.username, PASSWORD)
    assert response.status_code == 302


def test_lock_expires_after_the_window(client, settings):
    from freezegun import freeze_time

    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    user = UserFactory()
    with freeze_time("2026-01-05 09:00:00"):
        _sign_in(client, user.username, "wrong")
        _sign_in(client, user.username, "wrong")
        assert "Too many" in _sign_in(client, user.username, PASSWORD).content.decode()
    with freeze_time("2026-01-05 09:10:01"):
        assert _sign_in(client, user.username, PASSWORD).status_code == 302


def test_sign_out_needs_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_csrf_less_sign_in_post_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content


def test_roles_are_ordered(workspace, member):
    viewer, analyst, admin = member(Role.VIEWER), member(Role.ANALYST), member(Role.ADMIN)
    assert has_role(viewer, workspace, Role.VIEWER)
    assert not has_role(viewer, workspace, Role.ANALYST)
    assert has_role(analyst, workspace, Role.ANALYST)
    assert not has_role(analyst, workspace, Role.ADMIN)
    assert has_role(admin, workspace, Role.VIEWER)


def test_membership_is_per_workspace(workspace, other_workspace, member):
    analyst = member(Role.ANALYST, workspace)
    assert role_in(analyst, other_workspace) is None
    assert list(workspaces_for(analyst)) == [workspace]


def test_superuser_is_admin_everywhere(workspace, other_workspace):
    boss = UserFactory(is_superuser=True)
    assert role_in(boss, other_workspace) == Role.ADMIN
    assert set(workspaces_for(boss)) == {workspace, other_workspace}


def test_inactive_member_has_no_role(workspace, member):
    user = member(Role.ADMIN)
    user.is_active = False
    user.save()
    assert role_in(user, workspace) is None


def test_audit_record_drops_anonymous_actor_and_keeps_detail(workspace):
    from django.contrib.auth.models import AnonymousUser

    event = audit.record(
        audit.Action.EXPORT,
        actor=AnonymousUser(),
        workspace=workspace,
        target="overview.csv",
        detail={"rows": 12},
    )
    event.refresh_from_db()
    assert event.actor is None
    assert event.detail == {"rows": 12}
    assert list(audit.recent(workspace)) == [event]


def test_ratelimit_counts_within_window_and_hashes_keys():
    from highneeds.web.accounts.models import RateLimitHit

    ratelimit.hit("sign-in:user:alice")
    ratelimit.hit("sign-in:user:alice")
    assert ratelimit.count("sign-in:user:alice", 60) == 2
    assert ratelimit.is_limited("sign-in:user:alice", 2, 60)
    assert not ratelimit.is_limited("sign-in:user:bob", 1, 60)
    assert not RateLimitHit.objects.filter(key__contains="alice").exists()
    ratelimit.reset("sign-in:user:alice")
    assert ratelimit.count("sign-in:user:alice", 60) == 0
