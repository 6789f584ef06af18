from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from highneeds.web.core.forms import GovukFormMixin

from . import audit, ratelimit

# Failures are counted per account and address: one address (a council office shares one)
# cannot lock anyone else out. Across all addresses an account takes ACCOUNT_FACTOR times
# more failures before it is locked too, so guessing from many addresses is still limited.
ACCOUNT_FACTOR = 4


def client_address(request) -> str:
    """The connecting address. Behind a proxy, configure it to set REMOTE_ADDR (e.g. gunicorn
    --forwarded-allow-ips) rather than trusting a header anyone can send."""
    return request.META.get("REMOTE_ADDR", "unknown") if request else "unknown"


class SignInForm(GovukFormMixin, AuthenticationForm):
    """Django's sign-in form with GOV.UK styling and a limit on failed attempts."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "too_many": "Too many failed sign-in attempts. Wait %(minutes)d minutes and try again, "
        "or ask your administrator to reset your password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def _username(self) -> str:
        return (self.data.get("username") or "").strip().lower()

    def _keys(self) -> list[tuple[str, int]]:
        limit = settings.LOGIN_MAX_FAILURES
        account = account_key(self._username())
        return [
            (f"{account}|{client_address(self.request)}", limit),
            (account, limit * ACCOUNT_FACTOR),
        ]

    def clean(self):
        window = settings.LOGIN_LOCKOUT_SECONDS
        if any(ratelimit.is_limited(key, limit, window) for key, limit in self._keys()):
            audit.record(
                audit.Action.SIGN_IN_REFUSED,
                actor=known_user(self._username()),
                detail={"reason": "too many failed attempts"},
            )
            raise forms.ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"minutes": max(1, window // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for key, _ in self._keys():
                ratelimit.hit(key)
            raise
        ratelimit.reset_all(account_key(self._username()))
        return cleaned


def account_key(username: str) -> str:
    """The rate-limit key of an account's failed sign-ins (add "|address" for one address)."""
    return f"sign-in|{username.strip().lower()}"


def known_user(username: str):
    """The account of that username (any case), or None: audit rows name only real accounts,
    never what someone typed (it may be a password typed in the wrong box)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    return model.objects.filter(**{f"{model.USERNAME_FIELD}__iexact": username}).first()


class AdminSignInForm(SignInForm):
    """The Django admin's sign-in: the same limits and audit as the workspace's, and staff
    only (as Django's AdminAuthenticationForm)."""

    error_messages = {
        **SignInForm.error_messages,
        "invalid_login": "Enter the username and password of a staff account. Both are "
        "case-sensitive.",
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
