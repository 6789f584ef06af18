"""The optional second factor at sign-in: a time-based code (TOTP) from an authenticator app,
with recovery codes for a lost phone (django-otp's TOTP and static devices).

Who must use it is the installation's choice (``TWO_FACTOR_REQUIRED_ROLES``, from
``HIGHNEEDS_REQUIRE_TOTP``): workspace roles, ``staff`` (the Django admin's users), or all.
Anyone may turn it on for themselves. Codes are checked through the same door and throttle as
passwords (``accounts.forms``): a wrong code counts as a failed sign-in of that account from
that address, and is audited. A code already used is refused (django-otp keeps the last time
step each app's code was accepted for; a recovery code is deleted when used).
"""

from __future__ import annotations

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership

APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODES = 10
#: Seconds between the password and the code before the person must start again.
PENDING_SECONDS = 300
PENDING = "highneeds_second_factor"


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    """The person's authenticator app (confirmed, or the one being set up)."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def has_second_factor(user) -> bool:
    return user.is_authenticated and app_device(user) is not None


def required_for(user) -> bool:
    """True when this installation requires a second factor of this person."""
    roles = set(getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", ()))
    if not roles or not user.is_authenticated:
        return False
    if "staff" in roles and (user.is_staff or user.is_superuser):
        return True
    if "admin" in roles and user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=roles).exists()


def start_setup(user) -> TOTPDevice:
    """The unconfirmed app device to set up: a new secret each time setup starts afresh."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The setup address as an inline SVG QR code (no image request, no script)."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", svgclass="hn-qr"
    )
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


@transaction.atomic
def confirm_setup(user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows: the new recovery codes, or None if wrong."""
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones, each usable once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def verify(user, code: str):
    """The device that accepts ``code`` (app code or recovery code), or None. A code is good
    once: the app's time step is remembered, a recovery code is deleted."""
    code = (code or "").strip()
    if code.replace(" ", "").isdigit():
        device = app_device(user)
        if device is not None and device.verify_token(_digits(code)):
            return device
        return None
    token = code.replace(" ", "").replace("-", "").lower()
    for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
        if token and device.verify_token(token):
            return device
    return None


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())


# ---------------------------------------------------------------- between password and code


def remember_pending(request, user, *, door: str, next_url: str) -> None:
    """After the right password: who is half signed in, through which door, going where."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "since": time.time(),
        "door": door,
        "next": next_url,
    }


def pending(request) -> dict | None:
    """The half-finished sign-in of this browser, if it is recent enough."""
    state = request.session.get(PENDING)
    if not isinstance(state, dict) or time.time() - state.get("since", 0) > PENDING_SECONDS:
        return None
    return state


def forget_pending(request) -> None:
    request.session.pop(PENDING, None)
