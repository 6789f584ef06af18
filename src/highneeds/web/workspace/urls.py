from django.urls import path, register_converter

from .views import data, finance, forecast, home, jobs, overview, scenarios


class DownloadFormat:
    regex = "csv|xlsx|svg|png"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DownloadFormat, "fmt")

app_name = "workspace"

urlpatterns = [
    path("", home.index, name="index"),
    path("<str:la_code>/", overview.overview, name="overview"),
    path(
        "<str:la_code>/overview/<slug:key>.<fmt:fmt>",
        overview.overview_download,
        name="overview_download",
    ),
    path(
        "<str:la_code>/overview/<slug:key>/chart.svg",
        overview.overview_chart,
        name="overview_chart",
    ),
    path("<str:la_code>/data/", data.data, name="data"),
    path(
        "<str:la_code>/data/templates/<slug:kind>.<fmt:fmt>",
        data.data_template,
        name="data_template",
    ),
    path("<str:la_code>/data/jsna-<int:year>.xlsx", data.data_jsna, name="data_jsna"),
    path("<str:la_code>/data/jsna-<int:year>/pdf/", data.data_jsna_pdf, name="data_jsna_pdf"),
    path("<str:la_code>/jobs/<int:number>/", jobs.job, name="job"),
    path("<str:la_code>/jobs/<int:number>/status.json", jobs.job_status, name="job_status"),
    path("<str:la_code>/jobs/<int:number>/confirm/", jobs.job_confirm, name="job_confirm"),
    path("<str:la_code>/jobs/<int:number>/workbook.xlsx", jobs.job_workbook, name="job_workbook"),
    path("<str:la_code>/jobs/<int:number>/document/", jobs.job_file, name="job_file"),
    path(
        "<str:la_code>/jobs/<int:number>/<slug:key>.<fmt:fmt>",
        jobs.job_download,
        name="job_download",
    ),
    path("<str:la_code>/jobs/<int:number>/<slug:key>/chart.svg", jobs.job_chart, name="job_chart"),
    path("<str:la_code>/forecast/", forecast.forecast, name="forecast"),
    path("<str:la_code>/finance/", finance.finance, name="finance"),
    path(
        "<str:la_code>/finance/<slug:key>.<fmt:fmt>",
        finance.finance_download,
        name="finance_download",
    ),
    path("<str:la_code>/finance/<slug:key>/chart.svg", finance.finance_chart, name="finance_chart"),
    path("<str:la_code>/scenarios/", scenarios.scenarios, name="scenarios"),
    path("<str:la_code>/scenarios/new/", scenarios.scenario_new, name="scenario_new"),
    path("<str:la_code>/scenarios/saved/<str:name>/", scenarios.scenario, name="scenario"),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/details/",
        scenarios.scenario_edit,
        name="scenario_edit",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/scenario.toml",
        scenarios.scenario_download,
        name="scenario_download",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/delete/",
        scenarios.scenario_delete,
        name="scenario_delete",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/add/<slug:kind>/",
        scenarios.scenario_intervention,
        name="intervention_add",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/interventions/<int:number>/",
        scenarios.scenario_intervention,
        name="intervention_edit",
    ),
    path(
        "<str:la_code>/scenarios/saved/<str:name>/interventions/<int:number>/remove/",
        scenarios.scenario_intervention_delete,
        name="intervention_remove",
    ),
    path("<str:la_code>/audit/", home.audit_log, name="audit"),
    *[
        path(f"<str:la_code>/{page}/", home.coming, {"page": page}, name=page)
        for page in home.COMING
    ],
]
