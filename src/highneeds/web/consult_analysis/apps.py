from django.apps import AppConfig


class ConsultAnalysisConfig(AppConfig):
    name = "highneeds.web.consult_analysis"
    label = "consult_analysis"
    verbose_name = "Consultation analysis"

    def ready(self):
        from highneeds.web.consultations.signals import responses_erased

        from .services import forget_responses

        responses_erased.connect(forget_responses, dispatch_uid="consult_analysis.forget")
