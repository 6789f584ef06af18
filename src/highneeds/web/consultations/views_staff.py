"""Staff pages: build consultations, enter paper responses, moderate, review duplicates,
erase on request, export. Every view declares its role; viewing responses is audit-logged.

Viewers see consultations and counts; analysts build, enter, moderate and export; admins also
erase responses on request.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.consult.analysis.schema import VERSIONS
from highneeds.consult.redaction import KIND_NAMES, redact
from highneeds.web.accounts.permissions import Role, has_role, workspace_role

from . import services
from .forms import (
    AreaForm,
    BackgroundLinkForm,
    ConsultationForm,
    DuplicateDecisionForm,
    EraseForm,
    ProposalForm,
    RedactForm,
    StaffResponseForm,
)
from .models import Answer, Area, Consultation, DuplicateFlag, Proposal, Response


def _consultation(workspace, pk: int) -> Consultation:
    return get_object_or_404(Consultation, workspace=workspace, pk=pk)


def _detail_url(consultation: Consultation) -> str:
    return reverse(
        "consultations:detail",
        kwargs={"la_code": consultation.workspace.la_code, "pk": consultation.pk},
    )


def _page_url(workspace, consultation: Consultation, page: str) -> str:
    """The address of one of a consultation's staff pages (e.g. "enter", "moderation")."""
    return reverse(
        f"consultations:{page}", kwargs={"la_code": workspace.la_code, "pk": consultation.pk}
    )


def _form_page(
    request,
    workspace,
    consultation,
    form,
    *,
    title,
    back_url=None,
    submit="Save",
    note=None,
    status=None,
):
    """The shared staff form page. back_url defaults to the consultation's page; status
    defaults to 400 when the form has errors, else 200."""
    if back_url is None:
        back_url = _detail_url(consultation)
    if status is None:
        status = 400 if form.errors else 200
    return render(
        request,
        "consultations/staff/form.html",
        {
            "workspace": workspace,
            "consultation": consultation,
            "form": form,
            "title": title,
            "back_url": back_url,
            "submit": submit,
            "note": note,
        },
        status=status,
    )


def _saved_part(request, form, save, **parent) -> bool:
    """Save a valid posted form's object through the service ``save``, after setting its
    parent (e.g. ``area=area``). True when saved; False when not posted, invalid or refused
    (the service's refusal is added to the form)."""
    if request.method != "POST" or not form.is_valid():
        return False
    part = form.save(commit=False)
    for name, value in parent.items():
        setattr(part, name, value)
    try:
        save(part, request.user)
    except services.ConsultationError as error:
        form.add_error(None, str(error))
        return False
    return True


def _responses_page(request, workspace, consultation, viewed, template, **context):
    """Record in the audit log that this person viewed responses (``viewed`` says which),
    then render a staff page showing them."""
    services.record_view(request.user, consultation, viewed)
    return render(
        request,
        f"consultations/staff/{template}",
        {"workspace": workspace, "consultation": consultation, **context},
    )


@contextmanager
def _refusal_as_message(request):
    """Show a service's refusal (ConsultationError) as an error message on the next page."""
    try:
        yield
    except services.ConsultationError as error:
        messages.error(request, str(error))


@workspace_role(Role.VIEWER)
@require_GET
def consultation_list(request, workspace):
    consultations = workspace.consultations.annotate(response_count=Count("responses"))
    return render(
        request,
        "consultations/staff/list.html",
        {
            "workspace": workspace,
            "consultations": consultations,
            "can_edit": has_role(request.user, workspace, Role.ANALYST),
        },
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def consultation_create(request, workspace):
    back = reverse("consultations:list", kwargs={"la_code": workspace.la_code})
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consultation = form.save(commit=False)
        consultation.workspace = workspace
        consultation.save()
        services.audit.record(
            services.Action.CREATE,
            actor=request.user,
            workspace=workspace,
            target=f"consultation {consultation.pk}",
        )
        messages.success(request, "Consultation created as a draft. Add areas and proposals next.")
        return redirect(_detail_url(consultation))
    return _form_page(request, workspace, None, form, title="New consultation", back_url=back)


@workspace_role(Role.VIEWER)
@require_GET
def consultation_detail(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    services.flag_pending_duplicates(consultation)  # flags shown here are up to date
    counts = consultation.responses.aggregate(
        # distinct: the join to flags repeats a response once per flag.
        total=Count("id", distinct=True),
        online=Count("id", filter=Q(source="online"), distinct=True),
        flagged=Count("id", filter=Q(duplicate_flags__decision="open"), distinct=True),
    )
    return render(
        request,
        "consultations/staff/detail.html",
        {
            "workspace": workspace,
            "consultation": consultation,
            "areas": consultation.areas.prefetch_related("proposals"),
            "phase": consultation.phase(),
            "Phase": Consultation.Phase,
            "locked": services.structure_locked(consultation),
            "counts": counts,
            "retention": None
            if consultation.personal_data_erased_at
            else services.retention_preview(consultation),
            "can_edit": has_role(request.user, workspace, Role.ANALYST),
            "can_erase": has_role(request.user, workspace, Role.ADMIN),
        },
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def consultation_edit(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    locked = services.structure_locked(consultation)
    form = ConsultationForm(request.POST or None, instance=consultation, locked=locked)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.audit.record(
            services.Action.CHANGE,
            actor=request.user,
            workspace=workspace,
            target=f"consultation {consultation.pk}",
            detail={"fields": form.changed_data},
        )
        messages.success(request, "Consultation details saved.")
        return redirect(_detail_url(consultation))
    note = (
        "It has opened, so its address, versions and optional sections are fixed."
        if locked
        else None
    )
    return _form_page(
        request, workspace, consultation, form, title="Consultation details", note=note
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def link_add(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    form = BackgroundLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = form.instance()
        link.consultation = consultation
        link.position = consultation.links.count() + 1
        link.save()
        return redirect(_detail_url(consultation))
    return _form_page(
        request,
        workspace,
        consultation,
        form,
        title="Add a background document or link",
        submit="Add link",
        status=200,
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def area_edit(request, workspace, pk: int, area_pk: int | None = None):
    consultation = _consultation(workspace, pk)
    area = get_object_or_404(Area, consultation=consultation, pk=area_pk) if area_pk else None
    if area is None and services.structure_locked(consultation):
        messages.error(request, "This consultation has opened: no new areas can be added.")
        return redirect(_detail_url(consultation))
    form = AreaForm(request.POST or None, instance=area)
    if _saved_part(request, form, services.save_area, consultation=consultation):
        return redirect(_detail_url(consultation))
    return _form_page(
        request, workspace, consultation, form, title="Edit area" if area else "Add an area"
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def proposal_edit(request, workspace, pk: int, area_pk: int, proposal_pk: int | None = None):
    consultation = _consultation(workspace, pk)
    area = get_object_or_404(Area, consultation=consultation, pk=area_pk)
    proposal = get_object_or_404(Proposal, area=area, pk=proposal_pk) if proposal_pk else None
    locked = services.structure_locked(consultation)
    if proposal is None and locked:
        messages.error(request, "This consultation has opened: no new proposals can be added.")
        return redirect(_detail_url(consultation))
    form = ProposalForm(request.POST or None, instance=proposal, locked=locked)
    if _saved_part(request, form, services.save_proposal, area=area):
        return redirect(_detail_url(consultation))
    return _form_page(
        request,
        workspace,
        consultation,
        form,
        title="Edit proposal" if proposal else f"Add a proposal to {area.title}",
    )


@workspace_role(Role.ANALYST)
@require_POST
def area_delete(request, workspace, pk: int, area_pk: int):
    consultation = _consultation(workspace, pk)
    area = get_object_or_404(Area, consultation=consultation, pk=area_pk)
    with _refusal_as_message(request):
        services.delete_area(area, request.user)
    return redirect(_detail_url(consultation))


@workspace_role(Role.ANALYST)
@require_POST
def proposal_delete(request, workspace, pk: int, area_pk: int, proposal_pk: int):
    consultation = _consultation(workspace, pk)
    proposal = get_object_or_404(
        Proposal, area__consultation=consultation, area_id=area_pk, pk=proposal_pk
    )
    with _refusal_as_message(request):
        services.delete_proposal(proposal, request.user)
    return redirect(_detail_url(consultation))


@workspace_role(Role.ANALYST)
@require_POST
def publish(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    with _refusal_as_message(request):
        if request.POST.get("action") == "unpublish":
            services.unpublish(consultation, request.user)
            messages.success(request, "Back to draft.")
        else:
            services.publish(consultation, request.user)
            messages.success(request, "Published. It opens to the public at its opening time.")
    return redirect(_detail_url(consultation))


#: Rows on one page of the response list.
RESPONSES_PER_PAGE = 50


@workspace_role(Role.ANALYST)
@require_GET
def responses(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    services.flag_pending_duplicates(consultation)  # flags shown here are up to date
    rows = (
        consultation.responses.select_related("entered_by")
        .annotate(open_flags=Count("duplicate_flags", filter=Q(duplicate_flags__decision="open")))
        .order_by("-received_at")
    )
    if request.GET.get("flagged"):
        rows = rows.filter(open_flags__gt=0)
    version = request.GET.get("version", "")
    if version in consultation.versions():
        rows = rows.filter(version=version)
    search = request.GET.get("q", "").strip()
    if search:  # a reference, typed any way (case, spaces and hyphens do not matter)
        compact = "".join(ch for ch in search.upper() if ch.isalnum())
        rows = rows.filter(reference__iregex="-?".join(compact))
    from django.core.paginator import Paginator

    page = Paginator(rows, RESPONSES_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return _responses_page(
        request,
        workspace,
        consultation,
        "response list",
        "responses.html",
        responses=page.object_list,
        page=page,
        query=kept.urlencode(),
        search=search,
        version=version,
        versions=[(v, VERSIONS[v]) for v in consultation.versions()],
        total=page.paginator.count,
        flagged_only=bool(request.GET.get("flagged")),
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def response_detail(request, workspace, pk: int, reference: str):
    consultation = _consultation(workspace, pk)
    services.flag_pending_duplicates(consultation)  # flags shown here are up to date
    response = get_object_or_404(Response, consultation=consultation, reference=reference)
    if request.method == "POST":
        form = DuplicateDecisionForm(request.POST)
        flag = get_object_or_404(DuplicateFlag, response=response, pk=request.POST.get("flag"))
        if form.is_valid():
            services.decide_duplicate(flag, form.cleaned_data["decision"], request.user)
            messages.success(request, "Decision recorded.")
        return redirect(request.path)
    answers = {a.proposal_id: a for a in response.answers.all()}
    items = [(p, answers.get(p.pk)) for p in services.proposals_of(consultation)]
    return _responses_page(
        request,
        workspace,
        consultation,
        f"response {reference}",
        "response_detail.html",
        response=response,
        items=items,
        flags=response.duplicate_flags.select_related("duplicate_of"),
        equality=getattr(response, "equality", None),
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def response_enter(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    form = StaffResponseForm(
        request.POST or None,
        consultation=consultation,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        about = form.about.cleaned_data
        answers = {}
        for area_form in form.areas:
            for proposal in area_form.proposals:
                answers[proposal.pk] = (
                    area_form.cleaned_data[f"agree_{proposal.pk}"],
                    area_form.cleaned_data[f"why_{proposal.pk}"],
                )
        received = timezone.make_aware(
            dt.datetime.combine(form.cleaned_data["received_on"], dt.time(12, 0))
        )
        data = services.ResponseData(
            version=form.cleaned_data["version"],
            respondent_type=about["respondent_type"],
            area_of_residence=about.get("area_of_residence", "") or "",
            organisation_name=about.get("organisation_name", ""),
            contact_email=about.get("contact_email", ""),
            answers=answers,
            source=form.cleaned_data["source"],
            source_note=form.cleaned_data["source_note"],
            received_at=received,
        )
        try:
            response, _ = services.submit_response(consultation, data, entered_by=request.user)
        except services.SubmissionRefused as error:
            form.add_error(None, str(error))
        else:
            services.audit.record(
                services.Action.CREATE,
                actor=request.user,
                workspace=workspace,
                target=f"consultation {consultation.pk} response {response.reference}",
                detail={"source": response.source},
            )
            messages.success(request, f"Response saved with reference {response.reference}.")
            return redirect(_page_url(workspace, consultation, "enter"))
    return render(
        request,
        "consultations/staff/enter.html",
        {
            "workspace": workspace,
            "consultation": consultation,
            "form": form,
            "forms": form.all_forms,
            "any_errors": any(f.errors for f in form.all_forms),
            "back_url": _detail_url(consultation),
        },
        status=400 if request.method == "POST" else 200,
    )


@workspace_role(Role.ANALYST)
@require_GET
def moderation(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    show = request.GET.get("show", "todo")
    answers = (
        Answer.objects.filter(response__consultation=consultation)
        .exclude(why="")
        .select_related("proposal", "response")
        .order_by("response__received_at", "id")
    )
    if show == "todo":
        answers = answers.filter(why_published__isnull=True)
    return _responses_page(
        request,
        workspace,
        consultation,
        "free text for moderation",
        "moderation.html",
        answers=answers[:200],
        show=show,
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def moderate(request, workspace, pk: int, answer_pk: int):
    consultation = _consultation(workspace, pk)
    answer = get_object_or_404(
        Answer.objects.select_related("response", "proposal"),
        response__consultation=consultation,
        pk=answer_pk,
    )
    suggestion = redact(answer.why)
    initial = answer.why_published if answer.why_published is not None else suggestion.text
    form = RedactForm(request.POST or None, initial={"published_text": initial})
    if request.method == "POST" and form.is_valid():
        services.moderate_answer(answer, form.cleaned_data["published_text"], request.user)
        messages.success(request, "Moderated wording saved.")
        return redirect(_page_url(workspace, consultation, "moderation"))
    return _responses_page(
        request,
        workspace,
        consultation,
        f"response {answer.response.reference}",
        "moderate.html",
        answer=answer,
        form=form,
        found=[KIND_NAMES[kind] for kind in suggestion.kinds],
        to_check=suggestion.to_check(answer.why),
        history=answer.redactions.select_related("moderator"),
        back_url=_page_url(workspace, consultation, "moderation"),
    )


@workspace_role(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def erase(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        if services.erase_response(consultation, reference, request.user):
            messages.success(
                request, f"Response {reference} and everything linked to it has been deleted."
            )
            return redirect(_detail_url(consultation))
        form.add_error("reference", "No response in this consultation has that reference")
    return _form_page(
        request,
        workspace,
        consultation,
        form,
        title="Delete a response on request",
        submit="Delete response",
        note="This deletes the response, its answers and equality answers for good.",
    )


@workspace_role(Role.ANALYST)
@require_GET
def export(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    file_format = request.GET.get("format", "csv")
    headers = request.GET.get("headers", "text")
    free_text = request.GET.get("text", "as_written")
    if (
        file_format not in ("csv", "xlsx")
        or headers not in ("text", "codes")
        or free_text not in services.FREE_TEXT_CHOICES
    ):
        return HttpResponse(
            "Choose format=csv or xlsx, headers=text or codes, text=as_written or moderated.",
            status=400,
            content_type="text/plain",
        )
    body, content_type, name = services.export(
        consultation, request.user, file_format=file_format, headers=headers, free_text=free_text
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
