"""Decision packs: the officer writes each section's words; highneeds fills the numbers when
the pack is written (in the background) as tagged PDF, DOCX and HTML; after the meeting the
decision is recorded, and shown on the strategy page and the consultation's public page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.errors import HighneedsError
from highneeds.web.accounts import audit
from highneeds.web.accounts.permissions import Role, has_role, workspace_role
from highneeds.web.workspace import decide, services
from highneeds.web.workspace.decide_forms import (
    PACK_SECTIONS,
    DecisionForm,
    PackConsultationForm,
    PackDetailsForm,
    PackOptionsForm,
    PackRisksForm,
)
from highneeds.web.workspace.models import DecisionPack

from .documents import document_links, format_of, prepare


def _pack(workspace, pack_id) -> DecisionPack:
    return get_object_or_404(DecisionPack, pk=pack_id, workspace=workspace)


@workspace_role(Role.VIEWER)
@require_GET
def packs(request, workspace):
    return render(
        request,
        "workspace/packs.html",
        {
            "workspace": workspace,
            "packs": DecisionPack.objects.filter(workspace=workspace),
            "can_edit": has_role(request.user, workspace, Role.ANALYST),
            "active": "strategy",
        },
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def pack_new(request, workspace):
    form = PackDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pack = form.save(commit=False)
        pack.workspace, pack.created_by = workspace, request.user
        pack.save()
        audit.record(
            audit.Action.CREATE,
            actor=request.user,
            workspace=workspace,
            target=f"decision pack {pack.pk}",
        )
        messages.success(request, "The pack was created. Write each section's words.")
        return redirect("workspace:pack", la_code=workspace.la_code, pack_id=pack.pk)
    return render(
        request,
        "workspace/pack_section.html",
        {
            "workspace": workspace,
            "form": form,
            "heading": "Create a decision pack",
            "active": "strategy",
        },
        status=400 if form.errors else 200,
    )


def _sections(pack: DecisionPack) -> list[dict]:
    """Each section with what is written in it so far (for the summary list)."""
    risks = "; ".join(r["risk"] for r in pack.risks) or ""
    written = {
        "details": f"{pack.title} · {pack.meeting}"
        + (f", {pack.meeting_date:%-d %B %Y}" if pack.meeting_date else ""),
        "purpose": pack.purpose,
        "recommendations": pack.recommendations,
        "background": pack.background,
        "consultation": (f"{pack.consultation.title}. " if pack.consultation else "")
        + pack.consultation_text,
        "options": ", ".join(pack.scenarios)
        or "None chosen: the pack compares nothing with the baseline",
        "financial": pack.financial,
        "legal": pack.legal,
        "equality": pack.equality,
        "risks": risks,
    }
    return [
        {"slug": slug, "heading": heading, "text": written[slug]}
        for slug, (heading, _) in PACK_SECTIONS.items()
    ]


@workspace_role(Role.VIEWER)
@require_GET
def pack(request, workspace, pack_id):
    found = _pack(workspace, pack_id)
    try:
        decide.pack_text(found)
        missing = ""
    except HighneedsError as error:
        missing = str(error)
    return render(
        request,
        "workspace/pack.html",
        {
            "workspace": workspace,
            "pack": found,
            "sections": _sections(found),
            "missing": missing,
            "can_edit": has_role(request.user, workspace, Role.ANALYST),
            "active": "strategy",
            **document_links(workspace, decide.PACK, found.pk),
        },
    )


def _section_form(workspace, found, slug, data=None):
    form_class = PACK_SECTIONS[slug][1]
    if form_class is PackOptionsForm:
        names = services.saved_scenarios(workspace)["name"].tolist()
        return form_class(data, names=names, initial={"scenarios": found.scenarios})
    if form_class is PackRisksForm:
        return form_class(data, initial=PackRisksForm.initial_of(found.risks))
    if form_class is PackConsultationForm:
        return form_class(data, instance=found, workspace=workspace)
    return form_class(data, instance=found)


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def pack_section(request, workspace, pack_id, section):
    found = _pack(workspace, pack_id)
    if section not in PACK_SECTIONS:
        raise Http404("A decision pack has no section of that name.")
    form = _section_form(workspace, found, section, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if isinstance(form, PackOptionsForm):
            found.scenarios = form.cleaned_data["scenarios"]
            found.save()
        elif isinstance(form, PackRisksForm):
            found.risks = form.risks()
            found.save()
        else:
            form.save()
        audit.record(
            audit.Action.CHANGE,
            actor=request.user,
            workspace=workspace,
            target=f"decision pack {found.pk}",
            detail={"section": section},
        )
        messages.success(request, f"{PACK_SECTIONS[section][0]} was saved.")
        return redirect("workspace:pack", la_code=workspace.la_code, pack_id=found.pk)
    return render(
        request,
        "workspace/pack_section.html",
        {
            "workspace": workspace,
            "pack": found,
            "form": form,
            "heading": PACK_SECTIONS[section][0],
            "active": "strategy",
        },
        status=400 if form.errors else 200,
    )


@workspace_role(Role.ANALYST)
@require_POST
def pack_write(request, workspace, pack_id):
    """Write the pack (HTML, PDF, DOCX) in the background, every number filled."""
    found = _pack(workspace, pack_id)
    try:
        decide.pack_text(found)
    except HighneedsError as error:
        messages.error(request, f"The pack cannot be written yet: {error}")
        return redirect("workspace:pack", la_code=workspace.la_code, pack_id=found.pk)
    fmt = format_of(request)
    if fmt is None:
        messages.error(request, "Choose PDF, Word or a web page.")
        return redirect("workspace:pack", la_code=workspace.la_code, pack_id=found.pk)
    return prepare(request, workspace, decide.PACK, {"format": fmt, "pack": found.pk}, found)


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def pack_decision(request, workspace, pack_id):
    found = _pack(workspace, pack_id)
    initial = {
        "date": found.decision_date,
        "decision": found.decision,
        "scrutiny_comments": found.scrutiny_comments,
    }
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decide.record_decision(
            found,
            request.user,
            date=data["date"],
            decision=data["decision"],
            comments=data["scrutiny_comments"],
        )
        messages.success(request, "The decision was recorded.")
        return redirect("workspace:pack", la_code=workspace.la_code, pack_id=found.pk)
    return render(
        request,
        "workspace/pack_section.html",
        {
            "workspace": workspace,
            "pack": found,
            "form": form,
            "heading": "Record the decision",
            "active": "strategy",
        },
        status=400 if form.errors else 200,
    )
