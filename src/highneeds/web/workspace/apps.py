from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "highneeds.web.workspace"
    label = "workspace"
    verbose_name = "Planning workspace"
