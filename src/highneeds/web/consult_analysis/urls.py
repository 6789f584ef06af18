"""Analysis pages under a consultation: /workspaces/<la>/consultations/<pk>/analysis/..."""

from django.urls import path

from . import views

app_name = "consult_analysis"

_A = "workspaces/<str:la_code>/consultations/<int:pk>/analysis"
_Q = f"{_A}/themes/<slug:question>"

urlpatterns = [
    path(f"{_A}/", views.index, name="index"),
    path(f"{_A}/codebook/", views.codebook, name="codebook"),
    path(f"{_A}/import/", views.survey_import, name="survey_import"),
    path(f"{_A}/import/<str:token>/", views.survey_columns, name="survey_columns"),
    path(f"{_A}/report-text/", views.report_text, name="report_text"),
    path(f"{_A}/report.<str:file_format>", views.report, name="report"),
    path(f"{_Q}/", views.themes, name="themes"),
    path(f"{_Q}/run/", views.run, name="run"),
    path(f"{_Q}/change/", views.operate, name="operate"),
    path(f"{_Q}/answers/", views.answers, name="answers"),
    path(f"{_Q}/assignments.csv", views.assignments, name="assignments"),
    path(f"{_Q}/theme/<str:theme_id>/", views.theme_detail, name="theme"),
]
