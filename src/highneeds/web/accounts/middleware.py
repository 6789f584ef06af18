"""Where the installation requires a second factor (HIGHNEEDS_REQUIRE_TOTP), a person it
applies to reaches no page but public ones, sign-out and the set-up page until their
session has proved one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from . import second_factor
from .permissions import access_rule


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _exempt(view_func):
            return None
        if user.is_verified() or not second_factor.required_for(user):
            return None
        if second_factor.has_second_factor(user):
            # Signed in before this was required, or without the code: sign in again.
            logout(request)
            return redirect_to_login(request.get_full_path())
        messages.info(
            request,
            "Your council requires two-factor sign-in for your account. Set it up to continue.",
        )
        return redirect("accounts:two_factor")


def _exempt(view_func) -> bool:
    view_class = getattr(view_func, "view_class", None)
    return access_rule(view_func) == "public" or getattr(view_class, "second_factor_exempt", False)
