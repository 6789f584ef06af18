"""Workspace operations: start and run jobs, check uploaded files, read provenance.

Views call these; these call the core. Nothing here renders HTML.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import shutil
import uuid
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from highneeds.analysis.overview_tables import overview_tables as core_overview_tables
from highneeds.errors import HighneedsError, InputFileError
from highneeds.forecast.la_forecast import TITLES as FORECAST_TITLES
from highneeds.forecast.la_forecast import la_forecast
from highneeds.importers.registry import import_file
from highneeds.importers.sen2 import ImportNeedsConfirmation
from highneeds.plan import report_tables
from highneeds.private_files import private_file, private_folder
from highneeds.readers.excel import read_excel
from highneeds.readers.text import read_text_csv
from highneeds.tables import TitledTable
from highneeds.web.accounts import audit
from highneeds.web.accounts.models import Workspace
from highneeds.web.core.store import get_store

from . import figures
from .models import Job
from .recovery import heartbeat

log = logging.getLogger(__name__)


def incoming_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "incoming"


def upload_folder(workspace: Workspace) -> Path:
    """The LA's folder of uploads waiting for their job: it and incoming/ are 0700."""
    private_folder(incoming_root())
    return private_folder(incoming_root() / workspace.la_code)


def start_import(
    workspace: Workspace,
    user,
    upload,
    year: int | None = None,
    *,
    replace: bool = False,
    accept_errors: bool = False,
) -> Job:
    """Save the uploaded file (readable by this account only) where the worker can read it
    and queue its import. ``year`` is the collection year, which only SEN2 module CSVs (m1–m5)
    need to be told; ``replace`` and ``accept_errors`` are the person's answers given up
    front (otherwise the job stops and asks when the import needs them)."""
    name = get_valid_filename(Path(upload.name).name) or "upload"
    folder = upload_folder(workspace) / uuid.uuid4().hex
    private_folder(folder)
    path = folder / name  # the user's file name, so messages from the core name their file
    with private_file(path) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    options = {"year": year} if year else {}
    options.update(
        {k: True for k, v in (("replace", replace), ("accept_errors", accept_errors)) if v}
    )
    job = Job.objects.create(
        workspace=workspace,
        created_by=user,
        kind=Job.Kind.IMPORT,
        input_name=Path(upload.name).name[:255],
        input_path=str(path),
        options=options,
        message="Waiting for a worker to start the import.",
    )
    audit.record(
        audit.Action.UPLOAD,
        actor=user,
        workspace=workspace,
        target=job.input_name,
        detail={"job": job.number, "bytes": upload.size},
    )
    return enqueue(job)


def confirm_import(job: Job, user, *, replace: bool, accept_errors: bool) -> Job:
    """Queue again an import that stopped to ask (Job.Status.AWAITING), with the person's
    answers. Raises HighneedsError when the job is not waiting or its upload is gone."""
    if job.status != Job.Status.AWAITING or not Path(job.input_path).is_file():
        raise HighneedsError("This import is no longer waiting for confirmation: upload it again.")
    job.options = {**(job.options or {}), "replace": replace, "accept_errors": accept_errors}
    job.status = Job.Status.QUEUED
    job.message = "Confirmed. Waiting for a worker to start the import."
    job.save(update_fields=["options", "status", "message", "updated_at"])
    audit.record(
        audit.Action.CHANGE,
        actor=user,
        workspace=job.workspace,
        target=job.input_name,
        detail={
            "job": job.number,
            "confirmed": True,
            "replace": replace,
            "errors_accepted": accept_errors,
        },
    )
    return enqueue(job)


def enqueue(job: Job) -> Job:
    from .tasks import run_job

    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
    job.refresh_from_db()
    return job


def report_progress(job: Job, percent: int, message: str) -> None:
    """Record how far a job has got; the job page shows it (percent 0–100)."""
    job.progress = max(0, min(100, percent))
    job.message = message[:300]
    job.save(update_fields=["progress", "message", "updated_at"])


def run_job(job_id: int) -> None:
    """Run one job to the end, recording success or a user-facing failure. Never raises for
    problems in the input: they become the job's validation report."""
    job = Job.objects.select_related("workspace", "created_by").get(pk=job_id)
    job.status = Job.Status.RUNNING
    job.save(update_fields=["status", "updated_at"])
    keep_upload = False
    try:
        with heartbeat(job.pk):
            _run_kind(job)
    except ImportNeedsConfirmation as asked:
        keep_upload = True  # the person's answer re-runs the import from the same file
        job.status = Job.Status.AWAITING
        job.message = "Nothing was imported yet: confirm below to go ahead."
        job.result = {"confirm": confirmation_of(asked)}
    except HighneedsError as error:
        job.status = Job.Status.FAILED
        job.message = {
            Job.Kind.IMPORT: "The file was not imported: see the problems below.",
            Job.Kind.RENDER: "The document could not be prepared: see the problems below.",
        }.get(job.kind, "This could not run: see the problems below.")
        job.result = {"problems": [problem_of(error)]}
    except Exception:
        # A bug, not a user error: keep the traceback in the server log (it holds no personal
        # data: we log the job id, not the file's contents) and tell the user to report it.
        log.exception("job %s (number %s) failed unexpectedly", job.pk, job.number)
        job.status = Job.Status.FAILED
        job.message = f"Something went wrong on our side. Report job number {job.number}."
        job.result = {"problems": [{"message": job.message}]}
    finally:
        if job.input_path and not keep_upload:
            # The upload may hold personal data: keep no copy once it has been read.
            shutil.rmtree(Path(job.input_path).parent, ignore_errors=True)
    if job.status != Job.Status.AWAITING:
        job.finished_at = timezone.now()
    job.save()
    if job.kind == Job.Kind.IMPORT:
        _audit_import(job)


def _audit_import(job: Job) -> None:
    """The import's outcome in the audit log, as it happened: imported, already there,
    waiting for confirmation, or failed (with the first problem)."""
    result = job.result or {}
    if job.status == Job.Status.SUCCEEDED:
        action = audit.Action.IMPORT
        detail = {"rows": result.get("rows_imported", 0)}
        if result.get("already_imported"):
            detail["outcome"] = "already imported: nothing changed"
        options = job.options or {}
        detail.update({k: True for k in ("replace", "accept_errors") if options.get(k)})
    elif job.status == Job.Status.AWAITING:
        action = audit.Action.IMPORT_HELD
        detail = {
            "needs": [k for k in ("replace", "accept_errors") if result["confirm"][f"needs_{k}"]]
        }
    else:
        # How many problems, not what they say: a message may quote a cell of the file.
        action = audit.Action.IMPORT_FAILED
        detail = {"outcome": "not imported", "problems": len(result.get("problems") or [1])}
    audit.record(
        action,
        actor=job.created_by,
        workspace=job.workspace,
        target=job.input_name,
        detail={"job": job.number, **detail},
    )


def confirmation_of(asked) -> dict:
    """What an import that stopped to ask would change, JSON-safe for Job.result."""
    return {
        "needs_replace": asked.needs_replace,
        "needs_accept_errors": asked.needs_accept_errors,
        "message": str(asked),
        "changes": [
            {
                "year": c.year,
                "la_code": c.la_code,
                "children_before": c.children_before,
                "children_after": c.children_after,
                "errors": c.errors,
                "warnings": c.warnings,
                "summary": c.describe(),
            }
            for c in asked.changes
        ],
    }


def _run_kind(job: Job) -> None:
    """Run the job's work and set its outcome (status, progress, message)."""
    if job.kind == Job.Kind.IMPORT:
        job.result = _run_import(job)
    elif job.kind == Job.Kind.FORECAST:
        job.result = _run_forecast(job)
    elif job.kind == Job.Kind.SCENARIOS:
        job.result = _run_scenarios(job)
    elif job.kind == Job.Kind.SUFFICIENCY:
        job.result = _run_sufficiency(job)
    elif job.kind == Job.Kind.RENDER:
        from .renders import run_render

        job.result = run_render(job)
    else:
        raise HighneedsError(f"{job.get_kind_display()} cannot run in the background yet.")
    job.progress = 100
    if job.kind == Job.Kind.IMPORT and not job.result.get("imported", True):
        # Read but not loaded (a table of no kind the core imports): not a success.
        job.status = Job.Status.FAILED
        job.message = "The file was not imported: see below."
    else:
        job.status = Job.Status.SUCCEEDED
        job.message = (
            "Finished: this file was already imported, nothing changed."
            if job.result.get("already_imported")
            else "The document is ready to download."
            if job.kind == Job.Kind.RENDER
            else "Finished."
        )


def problem_of(error: HighneedsError) -> dict:
    """A validation problem in the shape the job page shows (message, file, sheet, row, column)."""
    if isinstance(error, InputFileError):
        where = error.location
        return {
            "message": error.message + (f" ({error.hint})" if error.hint else ""),
            "file": where.file,
            "sheet": where.sheet,
            "row": where.row,
            "column": where.column,
        }
    return {"message": str(error)}


#: Table files the data page opens and describes (sheets, rows, columns) before importing.
DESCRIBED = (".csv", ".xlsx", ".xls", ".ods", ".xml")


def _unrecognised(error: InputFileError) -> bool:
    from highneeds.importers import UnrecognisedFileError

    return isinstance(error, UnrecognisedFileError)


def _run_import(job: Job) -> dict:
    report_progress(job, 10, "Reading the file.")
    path = Path(job.input_path)
    described = path.suffix.lower() in DESCRIBED
    summary = check_file(path, job.input_name) if described else {}
    report_progress(job, 40, "The file can be read. Checking and importing it.")
    options = job.options or {}
    try:
        outcome = import_summary(
            get_store(),
            path,
            la_code=job.workspace.la_code,
            imported_by=job.created_by.get_username() if job.created_by else None,
            year=options.get("year"),
            replace=bool(options.get("replace")),
            accept_errors=bool(options.get("accept_errors")),
        )
    except InputFileError as error:
        # A readable table that is none of the kinds the core imports: describe it and say
        # what it would have to be, rather than fail (nothing was loaded either way).
        if not (described and summary and _unrecognised(error)):
            raise
        return {**summary, "imported": False, "note": problem_of(error)["message"]}
    return {**summary, **outcome, "imported": not outcome["already_imported"]}


MAX_ISSUES_SHOWN = 200


def import_summary(store, path, *, la_code, imported_by, year=None, **confirmed) -> dict:
    """Import any file the core reads, told apart by its content (highneeds.importers.registry):
    a summary for the job page (kind, rows_imported, already_imported, children, issue_count,
    issues: the first MAX_ISSUES_SHOWN). ``confirmed``: the person's ``replace`` and
    ``accept_errors`` answers."""
    done = import_file(
        store, path, la_code=la_code, imported_by=imported_by, year=year, **confirmed
    )
    summary = {
        "kind": done.label,
        "rows_imported": done.rows,
        "already_imported": done.already_imported,
        "issues": [],
    }
    if done.children is not None:
        summary["children"] = done.children
    if done.issues is not None:
        summary["issue_count"] = len(done.issues)
        summary["issues"] = done.issues.head(MAX_ISSUES_SHOWN).astype(str).to_dict("records")
    return summary


def saved_tables(tables: dict[str, TitledTable]) -> dict:
    """Titled tables as a job keeps them (code-named columns; labels applied when shown)."""
    return {"tables": {name: table.to_json() for name, table in tables.items()}}


def start_forecast(workspace: Workspace, user, options: dict) -> Job:
    """Queue a forecast of the workspace's LA with the chosen options (ForecastForm's fields)."""
    return start_job(workspace, user, Job.Kind.FORECAST, options, "the forecast")


def child_level_forecast(workspace: Workspace) -> bool:
    """Whether the LA's forecast is the child-level model's (it has SEN2 transitions in the
    store), whose simulation options the forecast page then offers; else the public-data
    model's, which takes none."""
    from highneeds.sen2.stored import has_transitions

    return has_transitions(get_store(), workspace.la_code)


def _run_forecast(job: Job) -> dict:
    from highneeds.web.workspace.forms import ForecastForm

    report_progress(job, 10, "Reading the LA's data and fitting the model.")
    options = {**ForecastForm.defaults(), **job.options}
    return saved_tables(la_forecast(get_store(), job.workspace.la_code, **options))


def start_job(workspace: Workspace, user, kind: str, options: dict, what: str) -> Job:
    """Record a job of ``kind`` (its run is audit-logged) and queue it; ``what`` names the work
    in the waiting message ("the comparison")."""
    job = Job.objects.create(
        workspace=workspace,
        created_by=user,
        kind=kind,
        options=options,
        message=f"Waiting for a worker to start {what}.",
    )
    audit.record(
        audit.Action.RUN,
        actor=user,
        workspace=workspace,
        target=f"job {job.number}: {job.label}"[:200],
        detail={"job": job.number, **options},
    )
    return enqueue(job)


def start_scenarios(workspace: Workspace, user, options: dict) -> Job:
    """Queue a comparison of the baseline and scenarios: ``options["scenarios"]`` names saved
    scenarios of this LA (without it, the examples shipped with highneeds)."""
    return start_job(workspace, user, Job.Kind.SCENARIOS, options, "the comparison")


def start_sufficiency(workspace: Workspace, user, options: dict) -> Job:
    """Queue the places-against-demand check (simulations, seed)."""
    return start_job(workspace, user, Job.Kind.SUFFICIENCY, options, "the sufficiency check")


def _run_scenarios(job: Job) -> dict:
    report_progress(job, 10, "Forecasting the baseline and every scenario with the same draws.")
    options = dict(job.options)
    names = options.pop("scenarios", None)
    scenarios = None
    if names is not None:
        scenarios = [load_scenario(job.workspace, name) for name in names]
    kept = {}
    tables = report_tables.scenario_tables(
        get_store(),
        job.workspace.la_code,
        **options,
        scenarios=scenarios,
        workbook_to=lambda data: kept.update(workbook=base64.b64encode(data).decode("ascii")),
    )
    return {**saved_tables(tables), **kept}


def job_workbook(job: Job) -> bytes | None:
    """The DSG management plan workbook a finished comparison wrote (None if it has none)."""
    stored = (job.result or {}).get("workbook")
    return base64.b64decode(stored) if stored else None


def _run_sufficiency(job: Job) -> dict:
    report_progress(job, 10, "Forecasting demand and setting it against the places.")
    return saved_tables(
        report_tables.sufficiency_tables(get_store(), job.workspace.la_code, **job.options)
    )


# Saved scenarios live in the core's store, per LA (owner = LA code).


def saved_scenarios(workspace: Workspace) -> pd.DataFrame:
    from highneeds.finance.scenario_store import list_scenarios

    return list_scenarios(get_store(), workspace.la_code)


def load_scenario(workspace: Workspace, name: str):
    from highneeds.finance.scenario_store import load_scenario as load

    return load(get_store(), workspace.la_code, name)


def find_scenario(workspace: Workspace, name: str):
    """The saved scenario, or None when this LA has none of that name."""
    if name not in set(saved_scenarios(workspace)["name"]):
        return None
    return load_scenario(workspace, name)


def save_scenario(workspace: Workspace, user, scenario, *, action=None, replacing=None) -> None:
    """Save (or replace) a scenario; ``replacing`` names the one it renames."""
    from highneeds.finance.scenario_store import delete_scenario
    from highneeds.finance.scenario_store import save_scenario as save

    store = get_store()
    save(store, workspace.la_code, scenario, saved_by=user.get_username())
    if replacing and replacing != scenario.name:
        delete_scenario(store, workspace.la_code, replacing)
    audit.record(
        action or audit.Action.CHANGE,
        actor=user,
        workspace=workspace,
        target=f"scenario {scenario.name}",
        detail={"interventions": len(scenario.interventions)},
    )


def delete_scenario(workspace: Workspace, user, name: str) -> bool:
    from highneeds.finance.scenario_store import delete_scenario as delete

    deleted = delete(get_store(), workspace.la_code, name)
    if deleted:
        audit.record(
            audit.Action.DELETE, actor=user, workspace=workspace, target=f"scenario {name}"
        )
    return deleted


def scenario_toml(workspace: Workspace, name: str) -> str:
    from highneeds.finance.scenario_store import scenario_toml as toml

    return toml(get_store(), workspace.la_code, name)


def copy_example_scenarios(workspace: Workspace, user) -> list[str]:
    """Save the scenarios shipped with highneeds into this LA's store (a starting point)."""
    from highneeds.finance.demo import example_scenarios
    from highneeds.finance.scenarios import read_scenario

    examples = [read_scenario(path) for path in example_scenarios()]
    for scenario in examples:
        save_scenario(workspace, user, scenario, action=audit.Action.CREATE)
    return [s.name for s in examples]


FINANCE_CACHE_SECONDS = 3600


def finance_tables(workspace: Workspace) -> dict[str, TitledTable]:
    """The published money data beside comparators as titled tables (static: cached an hour);
    for an LA not in the published data, a note saying so."""
    key = f"finance:{workspace.la_code}"
    found = cache.get(key)
    if found is None:
        found = report_tables.benchmark_tables(workspace.la_code, workspace.name)
        cache.set(key, found, FINANCE_CACHE_SECONDS)
    return found


def own_finance(workspace: Workspace):
    """The LA's own budget and outturn tables (report_tables.OwnFinance), None when it has
    imported none; cached until the store changes (they rest on the LA's imports)."""
    key = f"own-finance:{workspace.la_code}:{store_fingerprint()}"
    found = cache.get(key)
    if found is None:
        found = report_tables.own_finance(get_store(), workspace.la_code)
        # None is what the cache returns for a miss: keep "nothing imported" as False.
        cache.set(key, False if found is None else found, OVERVIEW_CACHE_SECONDS)
    return found or None


#: Titles of results saved before each table kept its own title.
_SAVED_TITLES = {
    Job.Kind.FORECAST: FORECAST_TITLES,
    Job.Kind.SCENARIOS: report_tables.SCENARIO_TITLES,
    Job.Kind.SUFFICIENCY: report_tables.SUFFICIENCY_TITLES,
}


def job_tables(job: Job) -> dict[str, TitledTable]:
    """The titled tables a finished job produced (e.g. a forecast's)."""
    stored = (job.result or {}).get("tables", {})
    titles = _SAVED_TITLES.get(job.kind, {})
    tables = {}
    for name, saved in stored.items():
        table = TitledTable.from_json(saved)
        if not table.title:
            table = dataclasses.replace(table, title=titles.get(name, figures.title_of(name)))
        tables[name] = table
    return tables


def job_panels(job: Job) -> list[dict]:
    la = job.workspace.la_code
    return [
        figures.panel(
            name,
            table,
            chart_src=reverse("workspace:job_chart", args=[la, job.number, name]),
            download_url=lambda fmt, name=name: reverse(
                "workspace:job_download", args=[la, job.number, name, fmt]
            ),
        )
        for name, table in job_tables(job).items()
    ]


def check_file(path: Path, name: str) -> dict:
    """Open a table file and describe it (sheets, rows, columns). Raises InputFileError when
    it cannot be read as the kind of file its name says."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            sheets = {"": read_text_csv(path, dtype=str, keep_default_na=False)}
        elif suffix in (".xlsx", ".xls", ".ods"):
            sheets = read_excel(path, sheet_name=None, dtype=str)
        elif suffix == ".xml":
            from defusedxml import ElementTree

            root = ElementTree.parse(path).getroot()
            return {"sheets": [{"name": root.tag, "rows": len(root), "columns": []}]}
        else:
            raise InputFileError(f"cannot read {suffix} files", file=name)
    except InputFileError:
        raise
    except pd.errors.EmptyDataError as error:
        raise InputFileError(
            "the file is empty", file=name, hint="check you exported the right file"
        ) from error
    except Exception as error:  # each reader raises its own types for malformed input
        raise InputFileError(
            f"cannot be read as a {suffix.lstrip('.').upper()} file ({type(error).__name__})",
            file=name,
            hint="open it in a spreadsheet program and save it again in that format",
        ) from error
    described = []
    for sheet, frame in sheets.items():
        if frame.shape[1] == 0:
            raise InputFileError("has no columns", file=name, sheet=sheet or None)
        described.append(
            {"name": sheet, "rows": len(frame), "columns": [str(c) for c in frame.columns]}
        )
    return {"sheets": described}


def provenance(workspace: Workspace) -> pd.DataFrame:
    """What is loaded for this LA and nationally: one row per import, newest first."""
    imports = get_store().imports()
    if imports.empty:
        return imports
    mine = imports[imports["owner"].isin(["", workspace.la_code])]
    columns = ["kind", "owner", "file_name", "release", "rows", "imported_at", "imported_by"]
    return mine.sort_values("imported_at", ascending=False)[columns].reset_index(drop=True)


OVERVIEW_CACHE_SECONDS = 600


def store_fingerprint() -> str:
    """Changes whenever anything is imported or replaced in the store (one small query)."""
    import sqlalchemy as sa

    from highneeds.store import schema

    table = schema.imports
    query = sa.select(sa.func.max(table.c.id), sa.func.count(), sa.func.sum(table.c.rows))
    with get_store().engine.connect() as conn:
        newest, count, rows = conn.execute(query).one()
    return f"{newest}-{count}-{rows}"


def overview_tables(workspace: Workspace) -> dict[str, TitledTable]:
    """The LA overview's titled tables, cached until the store changes.

    Computing them reads tens of thousands of published figures; the page is opened far more
    often than data is imported. The cache is only an accelerator: any process can rebuild it.
    """
    key = f"overview:{workspace.la_code}:{store_fingerprint()}"
    tables = cache.get(key)
    if tables is None:
        tables = core_overview_tables(get_store(), workspace.la_code, workspace.name)
        cache.set(key, tables, OVERVIEW_CACHE_SECONDS)
    return tables


def overview_html(workspace: Workspace) -> tuple[str, str | None]:
    """(the overview's tables, charts and downloads as HTML, a message if it is unavailable),
    cached with the tables: most requests then cost one cache read and one small query."""
    from django.template.loader import render_to_string

    key = f"overview-html:{workspace.la_code}:{store_fingerprint()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        tables = overview_tables(workspace)
    except HighneedsError as error:
        return "", str(error)  # not cached: the next import may fix it
    la = workspace.la_code
    panels = [
        figures.panel(
            name,
            table,
            chart_src=reverse("workspace:overview_chart", args=[la, name]),
            download_url=lambda fmt, name=name: reverse(
                "workspace:overview_download", args=[la, name, fmt]
            ),
        )
        for name, table in tables.items()
    ]
    html = render_to_string("workspace/partials/panels.html", {"panels": panels})
    cache.set(key, (html, None), OVERVIEW_CACHE_SECONDS)
    return html, None


def recent_jobs(workspace: Workspace, limit: int = 20):
    """The workspace's newest uploads (import jobs)."""
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.IMPORT)
    return jobs.select_related("created_by").defer("file")[:limit]
