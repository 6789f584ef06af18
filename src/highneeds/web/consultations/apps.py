from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "highneeds.web.consultations"
    label = "consultations"
    verbose_name = "Public consultations"

    def ready(self):
        from highneeds.web.core import pruning

        from . import drafts, structure  # noqa: F401 - structure registers its receivers

        pruning.register("expired saved responses", drafts.prune_expired)
