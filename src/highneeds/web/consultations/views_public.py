"""The public journey: start, about you, one page per area, equality, check answers, confirmation.

No login. Works without JavaScript: every step is a plain form POST followed by a redirect.
Before opening and after closing, pages say so and POSTs are refused; drafts are invisible to the
public, and staff who may edit a consultation can preview it (nothing is saved in a preview).
"""

from __future__ import annotations

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from highneeds.consult.analysis import schema
from highneeds.web.accounts.permissions import Role, has_role, public

from . import services
from .forms import (
    HONEYPOT,
    AboutYouForm,
    AreaAnswersForm,
    EqualityForm,
    unexpected_question_fields,
)
from .journey import SLUG_OF_VERSION, VERSION_SLUGS, Journey
from .models import Consultation

MAX_POST_BYTES = 1024 * 1024  # far above any honest page of answers (5,000 characters each)


class _Gate:
    """Whether this request may use the journey, and whether it is a staff preview."""

    def __init__(self, request, slug: str, version_slug: str = "standard"):
        self.consultation = get_object_or_404(
            Consultation.objects.select_related("workspace"), slug=slug
        )
        version = VERSION_SLUGS.get(version_slug)
        if version is None or version not in self.consultation.versions():
            raise Http404("No such version of this consultation.")
        self.version = version
        self.phase = self.consultation.phase()
        self.is_staff = has_role(request.user, self.consultation.workspace, Role.ANALYST)
        if self.phase == Consultation.Phase.DRAFT and not self.is_staff:
            raise Http404("No such consultation.")
        self.open = self.phase == Consultation.Phase.OPEN
        self.preview = not self.open and self.is_staff
        self.journey = Journey(request.session, self.consultation, version)

    @property
    def usable(self) -> bool:
        return self.open or self.preview

    def context(self, **extra):
        return {
            "consultation": self.consultation,
            "version": self.version,
            "version_slug": SLUG_OF_VERSION[self.version],
            "phase": self.phase,
            "preview": self.preview,
            "Phase": Consultation.Phase,
            **extra,
        }

    def url(self, name: str, **kwargs) -> str:
        return reverse(
            f"consultations:{name}",
            kwargs={
                "slug": self.consultation.slug,
                "version_slug": SLUG_OF_VERSION[self.version],
                **kwargs,
            },
        )

    def step_url(self, step) -> str:
        if step.name == "area":
            return self.url("area", position=step.position)
        return self.url(step.name)

    def neighbours(self, name: str, position: int | None = None) -> tuple[str, str]:
        """(back link, next page) around a step."""
        steps = self.journey.steps()
        index = self.journey.step_index(name, position)
        back = self.step_url(steps[index - 1]) if index > 0 else self.url("start")
        forward = self.step_url(steps[index + 1]) if index + 1 < len(steps) else self.url("check")
        return back, forward


def _not_open(request, gate: _Gate, status: int = 200):
    message = services._closed_message(gate.consultation, gate.phase)
    return render(
        request, "consultations/public/not_open.html", gate.context(message=message), status=status
    )


def _guard_post(request, gate: _Gate):
    """A response to return instead of handling a POST, or None when the POST may proceed."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_POST_BYTES:
        return render(request, "consultations/public/too_long.html", gate.context(), status=413)
    if not gate.usable:
        return _not_open(request, gate, status=403)
    return None


@public
@require_GET
def start(request, slug: str, version_slug: str = "standard"):
    gate = _Gate(request, slug, version_slug)
    other_versions = [
        (SLUG_OF_VERSION[v], schema.VERSIONS[v])
        for v in gate.consultation.versions()
        if v != gate.version
    ]
    return render(
        request,
        "consultations/public/start.html",
        gate.context(
            first_url=gate.url("about"),
            other_versions=other_versions,
            summary=_summary_for(gate.consultation, gate.version),
            areas=gate.consultation.areas.all(),
        ),
    )


def _summary_for(consultation: Consultation, version: str) -> str:
    own = getattr(consultation, f"{version}_summary", "") if version != "standard" else ""
    return own or consultation.summary


JOURNEY_SECONDS = 24 * 60 * 60


def _after_save(request, gate: _Gate, forward: str):
    if not request.user.is_authenticated:
        # Unfinished answers are personal data: an abandoned journey expires after a day
        # (Django's clearsessions removes it) instead of the default two weeks.
        request.session.set_expiry(JOURNEY_SECONDS)
    return redirect(gate.url("check") if request.GET.get("change") else forward)


@public
@require_http_methods(["GET", "POST"])
def about(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if not gate.usable:
        return _not_open(request, gate) if request.method == "GET" else _guard_post(request, gate)
    back, forward = gate.neighbours("about")
    kwargs = {"consultation": gate.consultation, "version": gate.version}
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        form = AboutYouForm(request.POST, **kwargs)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != HONEYPOT}
            gate.journey.save("about", data)
            return _after_save(request, gate, forward)
    else:
        form = AboutYouForm(initial=gate.journey.stored("about"), **kwargs)
    return render(
        request,
        "consultations/public/about.html",
        gate.context(form=form, back_url=back, honeypot=form[HONEYPOT]),
    )


@public
@require_http_methods(["GET", "POST"])
def area(request, slug: str, version_slug: str, position: int):
    gate = _Gate(request, slug, version_slug)
    if not gate.usable:
        return _not_open(request, gate) if request.method == "GET" else _guard_post(request, gate)
    the_area = get_object_or_404(gate.consultation.areas, position=position)
    back, forward = gate.neighbours("area", position)
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        form = AreaAnswersForm(request.POST, area=the_area, version=gate.version)
        if unexpected_question_fields(request.POST.keys(), form):
            return HttpResponseBadRequest(
                "This page sent answers to questions it does not ask. Go back to the "
                "consultation's start page and try again.",
                content_type="text/plain",
            )
        if form.is_valid():
            gate.journey.save("areas", form.cleaned_data, position=position)
            return _after_save(request, gate, forward)
    else:
        form = AreaAnswersForm(
            initial=gate.journey.stored("areas", position), area=the_area, version=gate.version
        )
    steps = gate.journey.steps()
    return render(
        request,
        "consultations/public/area.html",
        gate.context(
            form=form,
            area=the_area,
            back_url=back,
            introduction=the_area.introduction_for(gate.version),
            step_number=gate.journey.step_index("area", position) + 1,
            step_count=len(steps),
        ),
    )


@public
@require_http_methods(["GET", "POST"])
def equality(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if not gate.consultation.asks_equality:
        raise Http404("This consultation does not ask equality questions.")
    if not gate.usable:
        return _not_open(request, gate) if request.method == "GET" else _guard_post(request, gate)
    back, forward = gate.neighbours("equality")
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        form = EqualityForm(request.POST)
        if form.is_valid():
            gate.journey.save("equality", form.cleaned_data)
            return _after_save(request, gate, forward)
    else:
        form = EqualityForm(initial=gate.journey.stored("equality"))
    return render(
        request, "consultations/public/equality.html", gate.context(form=form, back_url=back)
    )


def _answer_rows(gate: _Gate):
    """Check-your-answers rows: (area, change url, [(question, answer)...])."""
    data = gate.journey.response_data()
    agreement_words = schema.AGREEMENT_LABELS
    for area_obj in gate.consultation.areas.prefetch_related("proposals"):
        rows = []
        for proposal in area_obj.proposals.all():
            agreement, why = data.answers.get(proposal.pk, ("", ""))
            rows.append(
                (
                    proposal.code,
                    proposal.text_for(gate.version),
                    agreement_words.get(agreement, "Not answered") if agreement else "Not answered",
                    why,
                )
            )
        yield area_obj, gate.url("area", position=area_obj.position) + "?change=1", rows


@public
@require_http_methods(["GET", "POST"])
def check(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if not gate.usable:
        return _not_open(request, gate) if request.method == "GET" else _guard_post(request, gate)
    journey = gate.journey
    if journey.stored("about") is None:
        if journey.reference:
            # A repeated submit after success (a retry or a double click): show the result.
            return redirect(gate.url("confirmation"))
        return redirect(gate.url("about"))
    data = journey.response_data()
    error = None
    status = 200
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        if gate.preview:
            error = "This is a preview: answers are not saved."
            status = 409
        else:
            remote_addr = request.META.get("REMOTE_ADDR", "")
            try:
                response, _ = services.submit_response(
                    gate.consultation,
                    data,
                    token=journey.state["token"],
                    fingerprint=services.client_fingerprint(
                        remote_addr, request.META.get("HTTP_USER_AGENT", "")
                    ),
                    address=services.address_fingerprint(remote_addr),
                )
            except services.RateLimited:
                error = (
                    "Many responses have been sent from this device or network recently. Wait "
                    f"an hour and submit again, or send your response to "
                    f"{gate.consultation.contact}. Your answers are kept on this page until you do."
                )
                status = 429
            except services.SubmissionRefused as refusal:
                if gate.consultation.phase() != Consultation.Phase.OPEN:
                    gate.phase = gate.consultation.phase()
                    return _not_open(request, gate, status=403)
                error, status = str(refusal), 400
            else:
                journey.finish(response.reference)
                return redirect(gate.url("confirmation"))
    about = journey.stored("about")
    return render(
        request,
        "consultations/public/check.html",
        gate.context(
            about=about,
            respondent_label=schema.RESPONDENT_TYPES.get(about.get("respondent_type"), ""),
            areas=list(_answer_rows(gate)),
            submit_error=error,
            about_url=gate.url("about") + "?change=1",
            equality_url=gate.url("equality") + "?change=1",
            equality_given=bool(data.equality),
        ),
        status=status,
    )


@public
@require_GET
def confirmation(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    reference = gate.journey.reference
    if not reference:
        return redirect(gate.url("start"))
    return render(
        request, "consultations/public/confirmation.html", gate.context(reference=reference)
    )


@public
@require_GET
def privacy(request, slug: str):
    gate = _Gate(request, slug)
    return render(request, "consultations/public/privacy.html", gate.context())
