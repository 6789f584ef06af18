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

    def clean(self):
        refuse_if_locked(self._username(), self.request, self.error_messages["too_many"])
        try:
            # The account's failures are forgotten only when the sign-in is complete (the
            # user_logged_in receiver): a right password alone does not reset the count of
            # wrong second-factor codes.
            return super().clean()
        except forms.ValidationError:
            count_failure(self._username(), self.request)
            raise


def failure_keys(username: str, request) -> list[tuple[str, int]]:
    """The rate-limit keys a failed sign-in of ``username`` counts under, with their limits."""
    limit = settings.LOGIN_MAX_FAILURES
    account = account_key(username)
    return [(f"{account}|{client_address(request)}", limit), (account, limit * ACCOUNT_FACTOR)]


def refuse_if_locked(username: str, request, message: str) -> None:
    """Refuse (and audit) any sign-in step for an account locked from this address."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    keys = failure_keys(username, request)
    if any(ratelimit.is_limited(key, limit, window) for key, limit in keys):
        audit.record(
            audit.Action.SIGN_IN_REFUSED,
            actor=known_user(username),
            detail={"reason": "too many failed attempts"},
        )
        raise forms.ValidationError(
            message, code="too_many", params={"minutes": max(1, window // 60)}
        )


def count_failure(username: str, request) -> None:
    """Count one failed sign-in step (a wrong password or a wrong code)."""
    for key, _ in failure_keys(username, request):
        ratelimit.hit(key)


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


def code_field(*, max_length: int, help_text: str, required: str, **attrs) -> forms.CharField:
    """A box for a code from an authenticator app (browsers and password managers offer the
    code they know for this site: autocomplete one-time-code)."""
    return forms.CharField(
        label="Code from your authenticator app",
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": required},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
                **attrs,
            }
        ),
    )


class SecondFactorForm(GovukFormMixin, forms.Form):
    """The sign-in's second step: a code from the authenticator app, or a recovery code.

    Through the same throttle as the password: a locked account is refused, and each wrong
    code counts as a failed sign-in of the account from this address and is audited."""

    code = code_field(
        max_length=40,
        help_text="The 6-digit code the app shows now. Lost your phone? Enter one of your "
        "recovery codes instead.",
        required="Enter the code from your authenticator app",
    )

    error_messages = {
        "wrong": "The code is not right, or it has been used already. Enter the code the app "
        "shows now, or an unused recovery code",
        "too_many": SignInForm.error_messages["too_many"],
    }

    def __init__(self, *args, request=None, user=None, door: str = "workspace", **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user, self.door, self.device = request, user, door, None

    def clean_code(self):
        from . import second_factor

        username = self.user.get_username().lower()
        refuse_if_locked(username, self.request, self.error_messages["too_many"])
        self.device = second_factor.verify(self.user, self.cleaned_data["code"])
        if self.device is None:
            count_failure(username, self.request)
            audit.record(
                audit.Action.SIGN_IN_FAILED,
                actor=self.user,
                detail={"door": self.door, "account": "known", "step": "second factor"},
            )
            raise forms.ValidationError(self.error_messages["wrong"], code="wrong")
        return self.cleaned_data["code"]


class SetUpSecondFactorForm(GovukFormMixin, forms.Form):
    """Confirm a newly added authenticator app with the code it shows."""

    code = code_field(
        max_length=20,
        help_text="After adding the key, the app shows a 6-digit code. Enter it here.",
        required="Enter the 6-digit code from your authenticator app",
        inputmode="numeric",
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(
                "Enter the 6 digits the app shows, like 123456", code="format"
            )
        return code
