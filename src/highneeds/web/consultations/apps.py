from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "highneeds.web.consultations"
    label = "consultations"
    verbose_name = "Public consultations"
