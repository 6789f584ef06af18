"""The public journey: start, about you, one page per area, equality, check answers, confirmation.

No login. Works without JavaScript: every step is a plain form POST followed by a redirect.
Before opening and after closing, pages say so and POSTs are refused; drafts are invisible to the
public, and staff who may edit a consultation can preview it (nothing is saved in a preview).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from highneeds.consult.analysis import schema
from highneeds.web.accounts import ratelimit
from highneeds.web.accounts.permissions import Role, has_role, public

from . import drafts, services, structure
from .forms import (
    HONEYPOT,
    AboutYouForm,
    AreaAnswersForm,
    EqualityForm,
    ResumeForm,
    SaveForm,
    agreement_words,
    unexpected_question_fields,
)
from .journey import SLUG_OF_VERSION, VERSION_SLUGS, Journey
from .models import Consultation

logger = logging.getLogger(__name__)
MAX_POST_BYTES = 1024 * 1024  # far above any honest page of answers (5,000 characters each)


class _Gate:
    """Whether this request may use the journey, and whether it is a staff preview."""

    def __init__(self, request, slug: str, version_slug: str = "standard"):
        self.consultation = structure.by_slug(slug)
        if self.consultation is None:
            raise Http404("No such consultation.")
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

    def area(self, position: int):
        """The area at ``position`` (from the journey's areas, read once per request)."""
        for candidate in self.journey.areas:
            if candidate.position == position:
                return candidate
        raise Http404("No such part of this consultation.")

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

    def part(self, name: str, position: int | None = None) -> dict[str, int]:
        """ "Part n of m" of a step, for its page's caption."""
        return {
            "step_number": self.journey.step_index(name, position) + 1,
            "step_count": len(self.journey.steps()),
        }

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


def _unless_usable(request, gate: _Gate):
    """The page to answer with when the journey cannot be used now (not open, not a preview),
    or None when it can."""
    if gate.usable:
        return None
    return _not_open(request, gate) if request.method == "GET" else _guard_post(request, gate)


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
            areas=gate.journey.areas,
            links=structure.of(gate.consultation).links,
        ),
    )


def _summary_for(consultation: Consultation, version: str) -> str:
    own = getattr(consultation, f"{version}_summary", "") if version != "standard" else ""
    return own or consultation.summary


JOURNEY_SECONDS = 24 * 60 * 60


def _keep_a_day(request) -> None:
    if not request.user.is_authenticated:
        # Unfinished answers are personal data: an abandoned journey expires after a day
        # (Django's clearsessions removes it) instead of the default two weeks.
        request.session.set_expiry(JOURNEY_SECONDS)


#: The name and value of the "Save and come back later" button on every question page.
SAVE_FOR_LATER = ("action", "save")


def _after_save(request, gate: _Gate, forward: str):
    _keep_a_day(request)
    if request.POST.get(SAVE_FOR_LATER[0]) == SAVE_FOR_LATER[1]:
        return redirect(gate.url("save"))
    return redirect(gate.url("check") if request.GET.get("change") else forward)


@public
@require_http_methods(["GET", "POST"])
def about(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if closed := _unless_usable(request, gate):
        return closed
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
        gate.context(form=form, back_url=back, honeypot=form[HONEYPOT], **gate.part("about")),
    )


@public
@require_http_methods(["GET", "POST"])
def area(request, slug: str, version_slug: str, position: int):
    gate = _Gate(request, slug, version_slug)
    if closed := _unless_usable(request, gate):
        return closed
    the_area = gate.area(position)
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
    return render(
        request,
        "consultations/public/area.html",
        gate.context(
            form=form,
            area=the_area,
            back_url=back,
            introduction=the_area.introduction_for(gate.version),
            **gate.part("area", position),
        ),
    )


@public
@require_http_methods(["GET", "POST"])
def equality(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if not gate.consultation.asks_equality:
        raise Http404("This consultation does not ask equality questions.")
    if closed := _unless_usable(request, gate):
        return closed
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
        request,
        "consultations/public/equality.html",
        gate.context(form=form, back_url=back, **gate.part("equality")),
    )


def _answer_rows(gate: _Gate):
    """Check-your-answers rows: (area, change url, [(question, answer)...])."""
    data = gate.journey.response_data()
    words = agreement_words(gate.version)  # as the respondent was shown them
    for area_obj in gate.journey.areas:
        rows = []
        for proposal in area_obj.proposals.all():
            agreement, why = data.answers.get(proposal.pk, ("", ""))
            rows.append(
                (
                    proposal.code,
                    proposal.text_for(gate.version),
                    words.get(agreement, "Not answered") if agreement else "Not answered",
                    why,
                )
            )
        yield area_obj, gate.url("area", position=area_obj.position) + "?change=1", rows


@public
@require_http_methods(["GET", "POST"])
def check(request, slug: str, version_slug: str):
    gate = _Gate(request, slug, version_slug)
    if closed := _unless_usable(request, gate):
        return closed
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
            save_url=gate.url("save"),
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


# ---------------------------------------------------------------- save and return later


def _limited(request, kind: str) -> bool:
    """Count one use of a save-and-return page by this address; True when over its limit."""
    limit, window = services.save_and_return_limits()[kind]
    address = services.address_fingerprint(request.META.get("REMOTE_ADDR", ""))
    with transaction.atomic():
        return not ratelimit.take(f"consult-{kind}:address:{address}", limit, window)


def _resume_url(gate: _Gate) -> str:
    step = gate.journey.next_step()
    return gate.step_url(step) if step else gate.url("check")


SAVED_FLASH = "consult:saved"


@public
@require_http_methods(["GET", "POST"])
def save(request, slug: str, version_slug: str):
    """Save and come back later: choose an emailed link or a reference code and word."""
    gate = _Gate(request, slug, version_slug)
    if closed := _unless_usable(request, gate):
        return closed
    if not gate.journey.has_answers():
        return redirect(gate.url("about"))
    form = SaveForm(request.POST if request.method == "POST" else None)
    status, error = 200, None
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        if not form.is_valid():
            pass
        elif gate.preview:
            error, status = "This is a preview: answers are not saved.", 409
        elif _limited(request, "save"):
            error, status = _LIMITED.format(contact=gate.consultation.contact), 429
        else:
            by_email = form.cleaned_data["how"] == "email"
            saved = drafts.save(
                gate.consultation,
                gate.version,
                gate.journey.state,
                word="" if by_email else form.cleaned_data["word"],
                link=by_email,
            )
            if by_email:
                url = request.build_absolute_uri(
                    reverse(
                        "consultations:resume_link",
                        kwargs={"slug": gate.consultation.slug, "token": saved.link_token},
                    )
                )
                try:
                    drafts.send_link(saved, to=form.cleaned_data["email"], url=url)
                except Exception:
                    saved.draft.delete()
                    logger.exception("The save-and-return email could not be sent")
                    form.add_error(
                        "email",
                        "We could not send the email just now. Try again later, or choose "
                        "a reference code instead",
                    )
                    status = 503
            if status == 200:
                gate.journey.forget()
                request.session[SAVED_FLASH] = {
                    "reference": saved.reference,
                    "email": form.cleaned_data["email"] if by_email else "",
                    "expires_at": saved.draft.expires_at.isoformat(),
                }
                return redirect(gate.url("saved"))
    return render(
        request,
        "consultations/public/save.html",
        gate.context(
            form=form, back_url=_resume_url(gate), submit_error=error, days=drafts.DRAFT_DAYS
        ),
        status=status,
    )


_LIMITED = (
    "Many people have used this page from this network recently. Wait an hour and try again, "
    "or contact {contact}."
)


@public
@require_GET
def saved(request, slug: str, version_slug: str):
    """Your answers are saved: the reference code (shown this once) or where the link went."""
    gate = _Gate(request, slug, version_slug)
    flash = request.session.pop(SAVED_FLASH, None)
    if not flash:
        return redirect(gate.url("start"))
    return render(
        request,
        "consultations/public/saved.html",
        gate.context(
            reference=flash["reference"],
            email=flash["email"],
            expires_at=datetime.fromisoformat(flash["expires_at"]),
            days=drafts.DRAFT_DAYS,
            resume_url=reverse("consultations:resume", kwargs={"slug": slug}),
        ),
    )


def _continue(request, draft) -> HttpResponse:
    """Put a saved draft's answers back in this browser and go to the first unanswered page."""
    gate = _Gate(request, draft.consultation.slug, SLUG_OF_VERSION[draft.version])
    gate.journey.restore(draft.answers)
    _keep_a_day(request)
    return redirect(_resume_url(gate))


@public
@require_http_methods(["GET", "POST"])
def resume(request, slug: str):
    """Come back with a reference code and memorable word."""
    gate = _Gate(request, slug)
    if closed := _unless_usable(request, gate):
        return closed
    form = ResumeForm(request.POST if request.method == "POST" else None)
    status, error = 200, None
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        if _limited(request, "resume"):
            error, status = _LIMITED.format(contact=gate.consultation.contact), 429
        elif form.is_valid():
            result = drafts.take_by_code(
                gate.consultation, form.cleaned_data["reference"], form.cleaned_data["word"]
            )
            if result.draft is not None:
                return _continue(request, result.draft)
            status = 400
            if result.deleted_after_failures:
                error = (
                    "The memorable word was wrong too many times, so we deleted these saved "
                    "answers to keep them safe. Start again, or contact "
                    f"{gate.consultation.contact}."
                )
            else:
                form.add_error(
                    "reference",
                    "The reference code or memorable word is not right. Check both and try again",
                )
    return render(
        request,
        "consultations/public/resume.html",
        gate.context(form=form, back_url=gate.url("start"), submit_error=error),
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def resume_link(request, slug: str, token: str):
    """An emailed link. Opening it uses nothing (mail scanners open links); the button does."""
    gate = _Gate(request, slug)
    if closed := _unless_usable(request, gate):
        return closed
    if _limited(request, "resume"):
        return render(
            request,
            "consultations/public/resume_link.html",
            gate.context(limited=_LIMITED.format(contact=gate.consultation.contact)),
            status=429,
        )
    if request.method == "POST":
        refused = _guard_post(request, gate)
        if refused:
            return refused
        draft = drafts.take_by_link(token)
    else:
        draft = drafts.link_is_live(token)
    if draft is None or draft.consultation_id != gate.consultation.pk:
        return render(
            request,
            "consultations/public/resume_link.html",
            gate.context(resume_url=reverse("consultations:resume", kwargs={"slug": slug})),
            status=404,
        )
    if request.method == "POST":
        return _continue(request, draft)
    return render(
        request,
        "consultations/public/resume_link.html",
        gate.context(draft=draft, expires_at=draft.expires_at),
    )
