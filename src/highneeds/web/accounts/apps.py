from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highneeds.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and workspaces"

    def ready(self) -> None:
        from django.contrib import admin

        from . import signals  # noqa: F401 - connects the sign-in audit receivers
        from .forms import AdminSignInForm

        # One door, one throttle: the admin site signs in through the same limited form.
        admin.site.login_form = AdminSignInForm
