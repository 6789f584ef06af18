from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "highneeds.web.workspace"
    label = "workspace"
    verbose_name = "Planning workspace"

    def ready(self):
        # Registers the workspace's documents with the render jobs (the worker needs them too).
        from . import decide, documents  # noqa: F401
