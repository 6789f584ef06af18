from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "highneeds.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and workspaces"
