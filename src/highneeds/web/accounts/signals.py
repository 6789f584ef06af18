"""Every sign-in and every failed one is audited, whichever door it came through (the
workspace's sign-in page, the Django admin, anything Django authenticates)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import audit, ratelimit
from .forms import account_key, known_user


@receiver(user_logged_in, dispatch_uid="highneeds-audit-sign-in")
def audit_sign_in(sender, request, user, **kwargs) -> None:
    # A complete sign-in (password, and the code where there is a second factor) clears the
    # account's failures from every address.
    ratelimit.reset_all(account_key(user.get_username()))
    detail = _door(request)
    if getattr(user, "otp_device", None) is not None:
        detail["second factor"] = "yes"
    audit.record(audit.Action.SIGN_IN, actor=user, detail=detail)


@receiver(user_login_failed, dispatch_uid="highneeds-audit-sign-in-failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already replaced the password with stars; the username is kept only when
    # it names a real account (as the actor), never as typed.
    user = known_user(str(credentials.get("username") or ""))
    audit.record(
        audit.Action.SIGN_IN_FAILED,
        actor=user,
        detail={**_door(request), "account": "known" if user else "unknown"},
    )


def _door(request) -> dict:
    door = getattr(request, "highneeds_door", None)  # the second step names its first
    if door:
        return {"door": door}
    path = getattr(request, "path", "") or ""
    return {"door": "django admin" if path.startswith("/django-admin/") else "workspace"}
