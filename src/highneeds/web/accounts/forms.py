from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from highneeds.web.core.forms import GovukFormMixin

from . import audit, ratelimit

# A council's office may share one address: allow more failures per client than per username.
CLIENT_FACTOR = 4


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

    def _keys(self) -> list[tuple[str, int]]:
        limit = settings.LOGIN_MAX_FAILURES
        username = (self.data.get("username") or "").strip().lower()
        return [
            (f"sign-in:user:{username}", limit),
            (f"sign-in:client:{client_address(self.request)}", limit * CLIENT_FACTOR),
        ]

    def clean(self):
        window = settings.LOGIN_LOCKOUT_SECONDS
        if any(ratelimit.is_limited(key, limit, window) for key, limit in self._keys()):
            audit.record(audit.Action.SIGN_IN_REFUSED, detail={"reason": "rate limited"})
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
        ratelimit.reset(self._keys()[0][0])
        return cleaned
