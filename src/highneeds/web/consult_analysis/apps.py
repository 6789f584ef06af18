from django.apps import AppConfig


class ConsultAnalysisConfig(AppConfig):
    name = "highneeds.web.consult_analysis"
    label = "consult_analysis"
    verbose_name = "Consultation analysis"
