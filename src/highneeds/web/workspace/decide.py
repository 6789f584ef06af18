"""Decide and track in the workspace: the LA's strategy and KPIs, its places register, the
Investment Position Statement and decision packs. Views call these; these call
:mod:`highneeds.strategy` (which decides everything) and render no pages.

The strategy and the places register live in the core's store (one current one of each per LA,
as ``highneeds strategy import`` keeps them); decision packs are the workspace's own
(:class:`~highneeds.web.workspace.models.DecisionPack`). Documents are prepared as render jobs
(:mod:`highneeds.web.workspace.renders`): the IPS and the pack forecast with simulations, which
takes tens of seconds, and the job page shows its progress.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.text import get_valid_filename

from highneeds.errors import HighneedsError, NotFoundError
from highneeds.strategy.definition import Strategy, template_text
from highneeds.tables import TitledTable
from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import Role
from highneeds.web.core.store import get_store

from . import figures, renders, services
from .models import DecisionPack, Job

#: Simulated futures behind the IPS and the pack (the CLI's default).
DEFAULT_SIMULATIONS = 500


def simulations() -> int:
    return int(getattr(settings, "HIGHNEEDS_DOCUMENT_SIMULATIONS", DEFAULT_SIMULATIONS))


# -- Strategy and KPIs ----------------------------------------------------------------------


def strategy_of(workspace) -> Strategy | None:
    from highneeds.strategy.stored import stored_strategy

    return stored_strategy(get_store(), workspace.la_code)


def strategy_toml(workspace) -> str | None:
    """The stored strategy's text exactly as it was written (for download)."""
    import sqlalchemy as sa

    from highneeds.strategy.schema import strategy_files

    store = get_store()
    store.create_all()
    query = (
        sa.select(strategy_files.c.toml)
        .where(strategy_files.c.la_code == workspace.la_code)
        .order_by(strategy_files.c.id.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        return conn.execute(query).scalar()


def _import_text(workspace, user, text: bytes, name: str, importer) -> object:
    """Write ``text`` to a private temporary file named ``name`` (so errors name the person's
    file) and import it; nothing is stored unless it is sound."""
    name = get_valid_filename(Path(name).name) or "upload"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text)
        result = importer(get_store(), path, la_code=workspace.la_code, imported_by=user.username)
    audit.record(
        audit.Action.UPLOAD,
        actor=user,
        workspace=workspace,
        target=name,
        detail={"import": result.import_id, "already_imported": result.already_imported},
    )
    return result


def save_strategy(workspace, user, text: bytes, name: str):
    """Store an uploaded strategy file as this LA's current strategy (checked first; a file
    for another LA is refused)."""
    from highneeds.importers.strategy import import_strategy

    return _import_text(workspace, user, text, name, import_strategy)


def strategy_from_template(workspace, user):
    """Start this LA's strategy from the shipped worked example, made out for its LA."""
    text = template_text(workspace.la_code).encode("utf-8")
    return save_strategy(workspace, user, text, f"{workspace.la_code}_send_strategy.toml")


def tracking(workspace):
    """The stored strategy's KPIs filled from the store, or None without a strategy. Cached
    until the store changes (a new release or register changes the actuals)."""
    from highneeds.strategy.data import kpi_data
    from highneeds.strategy.stored import stored_register
    from highneeds.strategy.track import track

    key = f"strategy-tracking:{workspace.la_code}:{services.store_fingerprint()}"
    found = cache.get(key)
    if found is None:
        strategy = strategy_of(workspace)
        if strategy is None:
            return None
        store = get_store()
        register = stored_register(store, workspace.la_code)
        found = track(strategy, kpi_data(store, strategy.la, strategy.neighbours, register))
        cache.set(key, found, services.OVERVIEW_CACHE_SECONDS)
    return found


def kpi_tables(workspace) -> dict[str, TitledTable]:
    from highneeds.strategy.report import kpi_titled_table

    found = tracking(workspace)
    if found is None:
        return {}
    return {k.code: kpi_titled_table(found, k.code) for k in found.strategy.kpis}


def kpi_panels(workspace, found) -> list[dict]:
    from highneeds.strategy.report import kpi_titled_table

    la = workspace.la_code
    fingerprint = services.store_fingerprint()
    panels = []
    for kpi in found.strategy.kpis:
        panel = figures.panel(
            kpi.code,
            kpi_titled_table(found, kpi.code),
            chart_src=reverse("workspace:strategy_kpi_chart", args=[la, kpi.code])
            + f"?v={fingerprint}",
            download_url=lambda fmt, code=kpi.code: reverse(
                "workspace:strategy_kpi_download", args=[la, code, fmt]
            ),
        )
        panels.append(panel)
    return panels


def kpi_summary(found) -> dict:
    """The KPIs at a glance in words (:func:`summary_for_display`)."""
    from highneeds.strategy.track import summary_for_display

    table = summary_for_display(found)
    return {
        "columns": [str(c) for c in table.columns if c != "Priority"],
        "rows": table.drop(columns=["Priority"]).astype(str).to_numpy().tolist(),
    }


# -- Places register ------------------------------------------------------------------------


def register_of(workspace) -> pd.DataFrame | None:
    from highneeds.strategy.stored import stored_register

    return stored_register(get_store(), workspace.la_code)


def save_register(workspace, user, text: bytes, name: str):
    from highneeds.importers.strategy import import_places

    return _import_text(workspace, user, text, name, import_places)


#: Where "added since" counts from: the academic year 2020/21 (its January is 2021), as
#: councils report "places added since 2020".
SINCE = 2021


def places_table(register: pd.DataFrame) -> TitledTable:
    from highneeds.strategy.places import delivered_table

    return delivered_table(register, since=min(SINCE, int(register["year"].min())))


# -- Documents (render jobs) -----------------------------------------------------------------
# The progress report, the IPS and the pack are prepared by the background worker as render
# jobs (highneeds.web.workspace.renders), one format a job: the page shows the newest of each.

#: Formats a document is prepared in: code -> words.
FORMATS = {"pdf": "PDF", "docx": "Word document", "html": "web page"}
#: Renderer names, by document.
PROGRESS, IPS, PACK = "strategy-progress", "ips", "decision-pack"


def document_title(document: str, fmt: str, pack: DecisionPack | None = None) -> str:
    words = {
        PROGRESS: "Strategy progress report",
        IPS: "Investment Position Statement",
        PACK: f"Decision pack: {pack.title}" if pack else "Decision pack",
    }[document]
    return f"{words} ({FORMATS[fmt]})"


def document_jobs(workspace, document: str, pack: int | None = None):
    """This document's render jobs, newest first (files left out)."""
    jobs = Job.objects.filter(workspace=workspace, kind=Job.Kind.RENDER).filter(
        options__renderer=document
    )
    if pack is not None:
        jobs = jobs.filter(options__document__pack=pack)
    return jobs.defer("file").select_related("created_by").order_by("-created_at", "-pk")


def latest_documents(workspace, document: str, pack: int | None = None) -> list[dict]:
    """Per format, the newest prepared file (its job), or None."""
    done = document_jobs(workspace, document, pack).filter(status=Job.Status.SUCCEEDED)
    out = []
    for fmt, words in FORMATS.items():
        job = done.filter(options__document__format=fmt).first()
        out.append({"format": fmt, "words": words, "job": job})
    return out


def _rendered(document, fmt: str, name: str, back) -> renders.Rendered:
    from highneeds.strategy.document import FORMATS as TYPES
    from highneeds.strategy.document import render

    return renders.Rendered(render(document, fmt), f"{name}.{fmt}", TYPES[fmt], back=back)


def _format(options: dict) -> str:
    fmt = options.get("format")
    if fmt not in FORMATS:
        raise HighneedsError("Documents are prepared as PDF, Word or a web page.")
    return fmt


@renders.renderer(PROGRESS, role=Role.VIEWER, section="strategy")
def render_progress(job, workspace, options: dict, progress) -> renders.Rendered:
    """The strategy's progress report: every KPI's path from baseline to target."""
    from highneeds.strategy.report import progress_document

    fmt = _format(options)
    found = tracking(workspace)
    if found is None:
        raise NotFoundError("This workspace has no strategy yet: create one first.")
    progress(30, "Drawing each KPI's chart and table.")
    back = renders.Back(
        reverse("workspace:strategy", args=[workspace.la_code]), "Back to the strategy"
    )
    progress(60, f"Laying out the {FORMATS[fmt]}.")
    return _rendered(progress_document(found), fmt, f"{workspace.la_code}-progress-report", back)


def _position(workspace, inputs, capital_costs: dict, progress):
    from highneeds.strategy.ips import investment_position

    strategy = strategy_of(workspace)
    costs = {**(strategy.capital_costs if strategy else {}), **capital_costs}
    progress(20, "Forecasting demand and setting it against the places.")
    return investment_position(
        inputs, register_of(workspace), capital_costs=costs, simulations=simulations()
    )


@renders.renderer(IPS, role=Role.VIEWER, section="strategy")
def render_ips(job, workspace, options: dict, progress) -> renders.Rendered:
    """The Investment Position Statement, with the capital costs the person set."""
    from highneeds.plan.inputs import resolve
    from highneeds.strategy.definition import checked_capital_costs
    from highneeds.strategy.ips import ips_document

    fmt = _format(options)
    costs = checked_capital_costs(options.get("capital_costs") or {}, file="the IPS page")
    progress(10, "Reading the LA's plan inputs.")
    inputs = resolve(get_store(), workspace.la_code)
    position = _position(workspace, inputs, costs, progress)
    progress(70, f"Laying out the {FORMATS[fmt]}.")
    back = renders.Back(
        reverse("workspace:ips", args=[workspace.la_code]),
        "Back to the Investment Position Statement",
    )
    return _rendered(ips_document(position), fmt, f"{workspace.la_code}-ips", back)


@renders.renderer(PACK, role=Role.VIEWER, section="strategy")
def render_pack(job, workspace, options: dict, progress) -> renders.Rendered:
    """A decision pack: the officer's words with every number, chart and table filled."""
    from highneeds.plan.inputs import resolve
    from highneeds.reference.bundled import DEFAULT_MODEL
    from highneeds.strategy.data import kpi_data
    from highneeds.strategy.pack import gather, pack_document

    fmt = _format(options)
    pack = DecisionPack.objects.filter(pk=options.get("pack"), workspace=workspace).first()
    if pack is None:
        raise NotFoundError("This decision pack no longer exists.")
    words = pack_text(pack)
    scenarios = [services.find_scenario(workspace, name) for name in pack.scenarios]
    gone = [name for name, found in zip(pack.scenarios, scenarios, strict=True) if found is None]
    if gone:
        raise NotFoundError(
            f"The options considered name scenarios no longer saved ({', '.join(gone)}): "
            "choose the options again."
        )
    progress(10, "Reading the LA's plan inputs and statistics.")
    store = get_store()
    inputs = resolve(store, workspace.la_code)
    strategy = strategy_of(workspace)
    neighbours = strategy.neighbours if strategy else DEFAULT_MODEL
    data = kpi_data(store, inputs.la_code, neighbours, register_of(workspace))
    position = _position(workspace, inputs, {}, progress)
    progress(45, "Comparing the options on the same simulated futures.")
    evidence = gather(
        inputs,
        data,
        scenarios,
        position=position,
        tracking=tracking(workspace),
        neighbours=neighbours,
        simulations=simulations(),
        respondent_profile=respondent_profile(pack.consultation),
    )
    progress(75, f"Laying out the {FORMATS[fmt]}.")
    back = renders.Back(
        reverse("workspace:pack", args=[workspace.la_code, pack.pk]), "Back to the decision pack"
    )
    name = f"{workspace.la_code}-decision-pack-{pack.pk}"
    return _rendered(pack_document(words, evidence), fmt, name, back)


# -- Decision packs -------------------------------------------------------------------------


def pack_text(pack: DecisionPack):
    """The officer's words as the core's PackText; a missing section names itself."""
    from highneeds.strategy.pack import pack_text_from_dict

    data = {
        "title": pack.title,
        "meeting": pack.meeting,
        "meeting_date": pack.meeting_date,
        "report_of": pack.report_of,
        "purpose": pack.purpose,
        "recommendations": [r for r in pack.recommendations.splitlines() if r.strip()],
        "background": pack.background,
        "consultation": pack.consultation_text,
        "financial": pack.financial,
        "legal": pack.legal,
        "equality": pack.equality,
        "risks": pack.risks,
    }
    if pack.has_decision:
        data["decision"] = {
            "date": pack.decision_date,
            "decision": pack.decision,
            "scrutiny_comments": pack.scrutiny_comments,
        }
    return pack_text_from_dict(data, file=pack.title)


#: Equality monitoring questions as the pack names them.
EQUALITY_QUESTIONS = {
    "age_band": "age",
    "disabled": "disability",
    "ethnic_group": "ethnic group",
}
NOT_ANSWERED = "Not answered"


def respondent_profile(consultation) -> dict[str, pd.DataFrame]:
    """Who answered ``consultation``, by each equality monitoring question, as published
    (small counts suppressed by :mod:`highneeds.suppression`). Empty without a consultation
    or responses."""
    from highneeds.consult.analysis.report_data import profile_tables
    from highneeds.suppression import DEFAULT_THRESHOLD
    from highneeds.web.consultations.models import EqualityMonitoring, Response

    if consultation is None:
        return {}
    responses = Response.objects.filter(consultation=consultation)
    answers = {
        row["response_id"]: row
        for row in EqualityMonitoring.objects.filter(response__in=responses).values()
    }
    ids = list(responses.values_list("pk", flat=True))
    if not ids:
        return {}
    frame = pd.DataFrame(
        {
            field: [(answers.get(pk) or {}).get(field) or "" for pk in ids]
            for field in EQUALITY_QUESTIONS
        }
    )
    groupings = {
        field: {
            **dict(EqualityMonitoring._meta.get_field(field).choices),
            "": NOT_ANSWERED,
        }
        for field in EQUALITY_QUESTIONS
    }
    tables = profile_tables(frame, groupings, DEFAULT_THRESHOLD)
    out = {}
    for field, question in EQUALITY_QUESTIONS.items():
        table = tables[field].rename(columns={"respondents": "Respondents"})
        table.index.name = question.capitalize()
        out[question] = table
    return out


def record_decision(pack: DecisionPack, user, *, date, decision: str, comments: str) -> None:
    pack.decision_date = date
    pack.decision = decision
    pack.scrutiny_comments = comments
    pack.decision_recorded_by = user
    pack.save()
    audit.record(
        audit.Action.CHANGE,
        actor=user,
        workspace=pack.workspace,
        target=f"decision pack {pack.pk}",
        detail={"decision_recorded": True},
    )


def recorded_decisions(workspace=None, consultation=None):
    """Packs whose decision is recorded, newest meeting first: a workspace's (the strategy
    page) or a consultation's (its public page, the "we did")."""
    packs = DecisionPack.objects.filter(decision_date__isnull=False).exclude(decision="")
    if workspace is not None:
        packs = packs.filter(workspace=workspace)
    if consultation is not None:
        packs = packs.filter(consultation=consultation)
    return packs.order_by("-decision_date", "-pk")
