from __future__ import annotations

from django.contrib.auth import views as auth_views

from .forms import SignInForm
from .permissions import PublicMixin, SignedInMixin


class SignInView(PublicMixin, auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(SignedInMixin, auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link cannot sign someone out."""
