"""Optional TOTP second factor: set up with a key (text and QR code) confirmed by a code;
at sign-in a second step after the password, through the same throttled, audited door (the
Django admin's too); recovery codes; a setting that requires it for some roles."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from highneeds.limits import LimitSettingError, roles_requiring_totp
from highneeds.web.accounts import audit, second_factor
from highneeds.web.accounts.models import AuditEvent, Membership

from .factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = audit.Action
LOGIN = "/accounts/sign-in/"
CODE = "/accounts/sign-in/code/"
SETUP = "/accounts/two-factor/"


def code_for(device: TOTPDevice, at: float | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def with_app(user) -> TOTPDevice:
    """A confirmed authenticator app for user, as after set-up."""
    device = second_factor.start_setup(user)
    assert second_factor.confirm_setup(user, device, code_for(device)) is not None
    device.refresh_from_db()
    device.last_t = -1  # the set-up code's time step may be signed in with in these tests
    device.save()
    return device


def password_step(client, user, url=LOGIN):
    return client.post(url, {"username": user.username, "password": PASSWORD})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_set_up_shows_the_key_as_text_and_qr_and_is_confirmed_with_a_code(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = second_factor.secret_text(device)
    assert secret in page and re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]

    wrong = client.post(SETUP, {"action": "set up", "code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    done = client.post(SETUP, {"action": "set up", "code": code_for(device)})
    text = done.content.decode()
    assert "Two-factor sign-in is on" in text
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", text)
    assert len(codes) == second_factor.RECOVERY_CODES == len(set(codes))
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(
        action=Action.CHANGE, actor=user, target="two-factor sign-in: on"
    ).exists()


def test_a_wrong_format_of_code_is_a_form_error_not_a_failure(client):
    client.force_login(UserFactory())
    page = client.post(SETUP, {"action": "set up", "code": "12ab"}).content.decode()
    assert "Enter the 6 digits the app shows, like 123456" in page


def test_the_password_alone_does_not_sign_in_someone_with_an_app():
    user = UserFactory()
    device = with_app(user)
    client = Client()
    response = password_step(client, user)
    assert response.status_code == 302 and response.url == CODE
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()
    assert client.get("/workspaces/").status_code == 302  # not signed in yet

    done = client.post(CODE, {"code": code_for(device)})
    assert done.status_code == 302 and done.url == reverse("workspace:index")
    assert signed_in(client)
    event = AuditEvent.objects.get(action=Action.SIGN_IN, actor=user)
    assert event.detail == {"door": "workspace", "second factor": "yes"}
    assert client.get("/workspaces/").status_code == 200


def test_wrong_codes_are_throttled_with_passwords_and_audited(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = UserFactory()
    device = with_app(user)
    client = Client(REMOTE_ADDR="203.0.113.7")
    password_step(client, user)
    for _ in range(3):
        page = client.post(CODE, {"code": "123456"}).content.decode()
        assert "The code is not right" in page
    locked = client.post(CODE, {"code": code_for(device)}).content.decode()
    assert "Too many failed sign-in attempts" in locked
    assert not signed_in(client)
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, actor=user)
    assert failed.count() == 3
    assert all(e.detail["step"] == "second factor" for e in failed)
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_REFUSED, actor=user).count() == 1
    # The right password again neither unlocks the account nor resets the count.
    again = password_step(client, user)
    assert again.status_code == 200
    assert "Too many failed sign-in attempts" in again.content.decode()
    assert not signed_in(client)


def test_a_used_code_is_refused_the_second_time():
    user = UserFactory()
    device = with_app(user)
    code = code_for(device)
    first = Client()
    password_step(first, user)
    assert first.post(CODE, {"code": code}).status_code == 302
    replay = Client()
    password_step(replay, user)
    page = replay.post(CODE, {"code": code}).content.decode()
    assert "used already" in page
    assert not signed_in(replay)


def test_a_recovery_code_signs_in_once():
    user = UserFactory()
    with_app(user)
    recovery = second_factor.new_recovery_codes(user)[0]
    client = Client()
    password_step(client, user)
    assert client.post(CODE, {"code": recovery.upper()}).status_code == 302
    assert signed_in(client)
    again = Client()
    password_step(again, user)
    assert "The code is not right" in again.post(CODE, {"code": recovery}).content.decode()
    assert second_factor.recovery_codes_left(user) == 9


def test_the_admin_door_asks_for_the_code_too():
    boss = UserFactory(is_staff=True, is_superuser=True)
    device = with_app(boss)
    client = Client()
    response = password_step(client, boss, url=reverse("admin:login"))
    assert response.status_code == 302 and response.url == CODE
    assert not signed_in(client)
    done = client.post(CODE, {"code": code_for(device)})
    assert done.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    event = AuditEvent.objects.get(action=Action.SIGN_IN, actor=boss)
    assert event.detail["door"] == "django admin"


def test_the_code_step_expires_and_needs_a_password_first(client):
    assert client.get(CODE).url == LOGIN
    user = UserFactory()
    device = with_app(user)
    password_step(client, user)
    session = client.session
    session[second_factor.PENDING]["since"] -= second_factor.PENDING_SECONDS + 1
    session.save()
    assert client.post(CODE, {"code": code_for(device)}).url == LOGIN
    assert not signed_in(client)


def test_a_required_role_must_set_it_up_before_any_workspace_page(settings, workspace):
    settings.TWO_FACTOR_REQUIRED_ROLES = frozenset({"analyst", "staff"})
    analyst = MembershipFactory(workspace=workspace, role=Membership.Role.ANALYST).user
    viewer = MembershipFactory(workspace=workspace, role=Membership.Role.VIEWER).user
    client = Client()
    assert password_step(client, analyst).status_code == 302
    blocked = client.get(f"/workspaces/{workspace.la_code}/")
    assert blocked.status_code == 302 and blocked.url == SETUP
    assert client.get(SETUP).status_code == 200
    assert "requires two-factor sign-in" in client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=analyst, confirmed=False)
    client.post(SETUP, {"action": "set up", "code": code_for(device)})
    assert client.get(f"/workspaces/{workspace.la_code}/").status_code == 200
    # Required: it cannot be turned off.
    client.post(SETUP, {"action": "turn off"})
    assert TOTPDevice.objects.filter(user=analyst, confirmed=True).exists()
    # A session that has not proved the code (signed in before it was required) starts over.
    stale = Client()
    stale.force_login(analyst)
    assert stale.get(f"/workspaces/{workspace.la_code}/").url.startswith(LOGIN)
    # Viewers are not required here.
    viewing = Client()
    password_step(viewing, viewer)
    assert viewing.get(f"/workspaces/{workspace.la_code}/").status_code == 200
    # Nor are public pages held back.
    assert client.get("/healthz").status_code == 200


def test_turning_it_off_needs_a_session_that_proved_it(client):
    user = UserFactory()
    with_app(user)
    client.force_login(user)  # signed in without the code
    client.post(SETUP, {"action": "turn off"})
    assert TOTPDevice.objects.filter(user=user).exists()
    proved = Client()
    password_step(proved, user)
    proved.post(CODE, {"code": code_for(TOTPDevice.objects.get(user=user))})
    proved.post(SETUP, {"action": "turn off"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(target="two-factor sign-in: off", actor=user).exists()


@pytest.mark.parametrize(
    ("value", "roles"),
    [("", set()), ("none", set()), ("all", {"viewer", "analyst", "admin", "staff"}),
     (" Analyst, admin ", {"analyst", "admin"})],
)  # fmt: skip
def test_who_must_use_it_comes_from_the_environment(value, roles):
    assert roles_requiring_totp({"HIGHNEEDS_REQUIRE_TOTP": value}) == roles


def test_an_unknown_role_to_require_is_refused_in_one_sentence():
    with pytest.raises(LimitSettingError, match=r"^HIGHNEEDS_REQUIRE_TOTP .* not “analysts”\.$"):
        roles_requiring_totp({"HIGHNEEDS_REQUIRE_TOTP": "analysts"})
