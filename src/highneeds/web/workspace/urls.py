from django.urls import path, register_converter

from .views import (
    data,
    finance,
    forecast,
    home,
    ips,
    jobs,
    overview,
    packs,
    places,
    scenarios,
    strategy,
)


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
    path("<str:la_code>/strategy/", strategy.strategy, name="strategy"),
    path(
        "<str:la_code>/strategy/from-template/",
        strategy.strategy_from_template,
        name="strategy_from_template",
    ),
    path("<str:la_code>/strategy/strategy.toml", strategy.strategy_file, name="strategy_file"),
    path(
        "<str:la_code>/strategy/progress-report/",
        strategy.progress_report,
        name="strategy_progress_report",
    ),
    path(
        "<str:la_code>/strategy/kpi/<str:code>.<fmt:fmt>",
        strategy.kpi_download,
        name="strategy_kpi_download",
    ),
    path(
        "<str:la_code>/strategy/kpi/<str:code>/chart.svg",
        strategy.kpi_chart,
        name="strategy_kpi_chart",
    ),
    path("<str:la_code>/places/", places.places, name="places"),
    path("<str:la_code>/places/by-year.<fmt:fmt>", places.places_table, name="places_table"),
    path("<str:la_code>/places/chart.svg", places.places_chart, name="places_chart"),
    path("<str:la_code>/places/register.<fmt:fmt>", places.places_register, name="places_register"),
    path("<str:la_code>/ips/", ips.ips, name="ips"),
    path("<str:la_code>/packs/", packs.packs, name="packs"),
    path("<str:la_code>/packs/new/", packs.pack_new, name="pack_new"),
    path("<str:la_code>/packs/<int:pack_id>/", packs.pack, name="pack"),
    path(
        "<str:la_code>/packs/<int:pack_id>/sections/<slug:section>/",
        packs.pack_section,
        name="pack_section",
    ),
    path("<str:la_code>/packs/<int:pack_id>/write/", packs.pack_write, name="pack_write"),
    path("<str:la_code>/packs/<int:pack_id>/decision/", packs.pack_decision, name="pack_decision"),
    path("<str:la_code>/audit/", home.audit_log, name="audit"),
    *[
        path(f"<str:la_code>/{page}/", home.coming, {"page": page}, name=page)
        for page in home.COMING
    ],
]
