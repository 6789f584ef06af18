from django.urls import path, register_converter

from . import views


class DownloadFormat:
    regex = "csv|xlsx|svg|png"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DownloadFormat, "fmt")

app_name = "workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:la_code>/", views.overview, name="overview"),
    path(
        "<str:la_code>/overview/<slug:key>.<fmt:fmt>",
        views.overview_download,
        name="overview_download",
    ),
    path(
        "<str:la_code>/overview/<slug:key>/chart.svg", views.overview_chart, name="overview_chart"
    ),
    path("<str:la_code>/data/", views.data, name="data"),
    path(
        "<str:la_code>/data/templates/<slug:kind>.<fmt:fmt>",
        views.data_template,
        name="data_template",
    ),
    path("<str:la_code>/data/jsna-<int:year>.xlsx", views.data_jsna, name="data_jsna"),
    path("<str:la_code>/jobs/<int:job_id>/", views.job, name="job"),
    path("<str:la_code>/jobs/<int:job_id>/status.json", views.job_status, name="job_status"),
    path("<str:la_code>/jobs/<int:job_id>/workbook.xlsx", views.job_workbook, name="job_workbook"),
    path(
        "<str:la_code>/jobs/<int:job_id>/<slug:key>.<fmt:fmt>",
        views.job_download,
        name="job_download",
    ),
    path("<str:la_code>/jobs/<int:job_id>/<slug:key>/chart.svg", views.job_chart, name="job_chart"),
    path("<str:la_code>/forecast/", views.forecast, name="forecast"),
    path("<str:la_code>/finance/", views.finance, name="finance"),
    path(
        "<str:la_code>/finance/<slug:key>.<fmt:fmt>",
        views.finance_download,
        name="finance_download",
    ),
    path("<str:la_code>/finance/<slug:key>/chart.svg", views.finance_chart, name="finance_chart"),
    path("<str:la_code>/scenarios/", views.scenarios, name="scenarios"),
    path("<str:la_code>/scenarios/new/", views.scenario_new, name="scenario_new"),
    path("<str:la_code>/scenarios/saved/<str:name>/", views.scenario, name="scenario"),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/details/",
        views.scenario_edit,
        name="scenario_edit",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/scenario.toml",
        views.scenario_download,
        name="scenario_download",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/delete/",
        views.scenario_delete,
        name="scenario_delete",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/add/<slug:kind>/",
        views.scenario_intervention,
        name="intervention_add",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/interventions/<int:number>/",
        views.scenario_intervention,
        name="intervention_edit",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/interventions/<int:number>/remove/",
        views.scenario_intervention_delete,
        name="intervention_remove",
    ),
    path("<str:la_code>/audit/", views.audit_log, name="audit"),
    *[
        path(f"<str:la_code>/{page}/", views.coming, {"page": page}, name=page)
        for page in views.COMING
    ],
]
