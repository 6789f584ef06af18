from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from . import audit, second_factor
from .forms import AdminSignInForm, SecondFactorForm, SetUpSecondFactorForm, SignInForm
from .permissions import PublicMixin, SignedInMixin


class SignInView(PublicMixin, auth_views.LoginView):
    """The sign-in's first step. Someone with a second factor is not signed in yet: the
    right password takes them to the code step (SecondFactorView)."""

    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True
    door = "workspace"

    def form_valid(self, form):
        user = form.get_user()
        if not second_factor.has_second_factor(user):
            return super().form_valid(form)
        second_factor.remember_pending(
            self.request, user, door=self.door, next_url=self.get_success_url()
        )
        return redirect("accounts:second_factor")


class AdminSignInView(SignInView):
    """The Django admin's sign-in (served at its own address): the same door, staff only."""

    form_class = AdminSignInForm
    door = "django admin"

    def get_default_redirect_url(self):
        return reverse("admin:index")


class SecondFactorView(PublicMixin, View):
    """The sign-in's second step: the code from the app (or a recovery code)."""

    template_name = "accounts/second_factor.html"

    def _pending_user(self):
        from django.contrib.auth import get_user_model

        state = second_factor.pending(self.request)
        user = state and get_user_model().objects.filter(pk=state["user"], is_active=True).first()
        return state, user

    def get(self, request):
        _, user = self._pending_user()
        if user is None:
            return redirect("accounts:login")
        return render(request, self.template_name, {"form": SecondFactorForm()})

    def post(self, request):
        state, user = self._pending_user()
        if user is None:
            messages.info(request, "Your sign-in took too long. Enter your password again.")
            return redirect("accounts:login")
        form = SecondFactorForm(request.POST, request=request, user=user, door=state["door"])
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        second_factor.forget_pending(request)
        user.backend = state["backend"]
        user.otp_device = form.device  # django-otp records it in the session at login
        request.highneeds_door = state["door"]
        login(request, user)
        next_url = state.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("workspace:index")
        return redirect(next_url)


class TwoFactorView(SignedInMixin, View):
    """Your two-factor sign-in: set it up (secret as text and QR code, confirmed with a code),
    make new recovery codes, or turn it off where it is not required."""

    template_name = "accounts/two_factor.html"
    #: Reachable before the second factor is set up, when the installation requires one.
    second_factor_exempt = True

    def _context(self, **extra):
        user = self.request.user
        context = {
            "on": second_factor.has_second_factor(user),
            "required": second_factor.required_for(user),
            "codes_left": second_factor.recovery_codes_left(user),
        }
        if not context["on"]:
            device = second_factor.start_setup(user)
            context.update(
                secret=second_factor.secret_text(device),
                qr_svg=second_factor.qr_svg(device),
                form=extra.pop("form", None) or SetUpSecondFactorForm(),
            )
        return {**context, **extra}

    def get(self, request):
        return render(request, self.template_name, self._context())

    def post(self, request):
        user = request.user
        action = request.POST.get("action", "set up")
        if action == "set up" and not second_factor.has_second_factor(user):
            form = SetUpSecondFactorForm(request.POST)
            codes = None
            if form.is_valid():
                device = second_factor.start_setup(user)
                codes = second_factor.confirm_setup(user, device, form.cleaned_data["code"])
                if codes is None:
                    form.add_error(
                        "code",
                        "The code is not right. Check the key in the app and enter the "
                        "code it shows now",
                    )
            if codes is None:
                return render(request, self.template_name, self._context(form=form))
            audit.record(audit.Action.CHANGE, actor=user, target="two-factor sign-in: on")
            second_factor_login(request, user)
            return render(request, self.template_name, self._context(new_codes=codes))
        if not _verified(request):
            # Changing a second factor needs a session that proved the one there is.
            messages.info(request, "Sign in again with your code to change two-factor sign-in.")
            return redirect("accounts:two_factor")
        if action == "new codes":
            codes = second_factor.new_recovery_codes(user)
            audit.record(
                audit.Action.CHANGE, actor=user, target="two-factor sign-in: new recovery codes"
            )
            return render(request, self.template_name, self._context(new_codes=codes))
        if action == "turn off" and not second_factor.required_for(user):
            second_factor.turn_off(user)
            audit.record(audit.Action.CHANGE, actor=user, target="two-factor sign-in: off")
            messages.success(request, "Two-factor sign-in is off.")
        return redirect("accounts:two_factor")


def second_factor_login(request, user) -> None:
    """Mark this session as having proved the person's (new) second factor."""
    from django_otp import login as otp_login

    device = second_factor.app_device(user)
    request.user.otp_device = device
    otp_login(request, device)


def _verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


class SignOutView(SignedInMixin, auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link cannot sign someone out."""

    second_factor_exempt = True
