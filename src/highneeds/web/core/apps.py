from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "highneeds.web.core"
    label = "highneeds_core"
    verbose_name = "Web plumbing"
