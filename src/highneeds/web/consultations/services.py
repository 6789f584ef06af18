"""What staff and respondents can do with consultations. Views call these; nothing else writes.

Every function that changes data runs in one transaction, so a response is saved whole or not at
all. Staff views of responses and every export are written to the audit log.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone

from highneeds.consult import duplicates, redaction
from highneeds.consult.analysis import schema
from highneeds.consult.export import ExportColumn, responses_frame, to_csv, to_xlsx
from highneeds.consult.reference import new_reference
from highneeds.text import clean_text
from highneeds.web.accounts import audit, ratelimit
from highneeds.web.accounts.models import AuditEvent

from . import signals, structure
from .models import (
    WHY_MAX_CHARS,
    Answer,
    Area,
    Consultation,
    DuplicateFlag,
    EqualityMonitoring,
    Proposal,
    Redaction,
    Response,
)

Action = audit.Action
logger = logging.getLogger(__name__)


class ConsultationError(Exception):
    """A request the rules of consultations refuse; the message is shown to the person."""


class StructureLocked(ConsultationError):
    """Questions cannot be added, removed or re-coded once answers may exist."""


class SubmissionRefused(ConsultationError):
    """A response cannot be accepted (closed, tampered, too long...)."""


# ---------------------------------------------------------------- building


def structure_locked(consultation: Consultation, now: datetime | None = None) -> bool:
    """True once the consultation has opened or holds any response (paper ones included)."""
    if consultation.pk and consultation.responses.exists():
        return True
    return consultation.status == Consultation.Status.PUBLISHED and (
        (now or timezone.now()) >= consultation.opens_at
    )


def _require_unlocked(consultation: Consultation) -> None:
    if structure_locked(consultation):
        raise StructureLocked(
            "This consultation has opened or has responses, so its questions cannot be added, "
            "removed or re-coded. You can still correct wording."
        )


@transaction.atomic
def save_area(area: Area, actor) -> Area:
    """Create or update an area; creating one needs the structure unlocked."""
    if area.pk is None:
        _require_unlocked(area.consultation)
        if area.position is None:
            area.position = area.consultation.areas.count() + 1
    area.save()
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=area.consultation.workspace,
        target=f"consultation {area.consultation.pk} area {area.pk}",
    )
    return area


@transaction.atomic
def save_proposal(proposal: Proposal, actor) -> Proposal:
    """Create or update a proposal. Once locked, only its wording may change, never its code."""
    consultation = proposal.area.consultation
    if proposal.pk is None:
        _require_unlocked(consultation)
        if proposal.position is None:
            proposal.position = proposal.area.proposals.count() + 1
    else:
        stored = Proposal.objects.get(pk=proposal.pk)
        if structure_locked(consultation) and (
            stored.code != proposal.code or stored.area_id != proposal.area_id
        ):
            raise StructureLocked(
                "The proposal's code and area cannot change once the consultation has opened: "
                "answers already collected are filed under them."
            )
    clash = Proposal.objects.filter(area__consultation=consultation, code=proposal.code)
    if clash.exclude(pk=proposal.pk).exists():
        raise ConsultationError(f"Another proposal already uses the code {proposal.code!r}.")
    proposal.save()
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} proposal {proposal.code}",
    )
    return proposal


@transaction.atomic
def delete_area(area: Area, actor) -> None:
    _require_unlocked(area.consultation)
    audit.record(
        Action.DELETE,
        actor=actor,
        workspace=area.consultation.workspace,
        target=f"consultation {area.consultation.pk} area {area.pk}",
    )
    area.delete()


@transaction.atomic
def delete_proposal(proposal: Proposal, actor) -> None:
    consultation = proposal.area.consultation
    _require_unlocked(consultation)
    audit.record(
        Action.DELETE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} proposal {proposal.code}",
    )
    proposal.delete()


def proposals_of(consultation: Consultation) -> list[Proposal]:
    """Every proposal in the consultation's order (area, then position)."""
    return list(Proposal.objects.filter(area__consultation=consultation).select_related("area"))


@transaction.atomic
def publish(consultation: Consultation, actor) -> None:
    """Make the consultation public (it opens at opens_at). Needs at least one proposal."""
    if not proposals_of(consultation):
        raise ConsultationError("Add at least one proposal before publishing.")
    empty = [a.title for a in consultation.areas.all() if not a.proposals.exists()]
    if empty:
        raise ConsultationError(f"These areas have no proposals yet: {', '.join(empty)}.")
    consultation.status = Consultation.Status.PUBLISHED
    consultation.save(update_fields=["status", "updated_at"])
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk}",
        detail={"status": "published"},
    )


@transaction.atomic
def unpublish(consultation: Consultation, actor) -> None:
    """Back to draft; refused once it has opened (people may have seen and answered it)."""
    if structure_locked(consultation):
        raise StructureLocked(
            "An opened consultation cannot go back to draft; change its close time instead."
        )
    consultation.status = Consultation.Status.DRAFT
    consultation.save(update_fields=["status", "updated_at"])
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk}",
        detail={"status": "draft"},
    )


# ---------------------------------------------------------------- responding


def _keyed_hash(message: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()[:32]


def client_fingerprint(remote_addr: str, user_agent: str) -> str:
    """A keyed hash of the client's address and browser (one device), never the address."""
    return _keyed_hash(f"{remote_addr}|{user_agent}")


def address_fingerprint(remote_addr: str) -> str:
    """A keyed hash of the client's address alone: every browser at one address shares it."""
    return _keyed_hash(f"address|{remote_addr}")


def submission_limits() -> dict[str, tuple[int, int]]:
    """(limit, window in seconds) of online submissions per device and per address."""
    window = int(getattr(settings, "CONSULT_SUBMISSION_WINDOW_SECONDS", 3600))
    return {
        "device": (int(getattr(settings, "CONSULT_SUBMISSIONS_PER_CLIENT", 20)), window),
        "address": (int(getattr(settings, "CONSULT_SUBMISSIONS_PER_ADDRESS", 20)), window),
    }


def save_and_return_limits() -> dict[str, tuple[int, int]]:
    """(limit, window in seconds) per address of saves (each may send an email) and of tries
    to come back with a link or a reference code."""
    window = settings.CONSULT_SUBMISSION_WINDOW_SECONDS
    return {
        "save": (settings.CONSULT_SAVES_PER_ADDRESS, window),
        "resume": (settings.CONSULT_RESUME_TRIES_PER_ADDRESS, window),
    }


class RateLimited(SubmissionRefused):
    """Too many online submissions from one device or one address within the window."""


def _take_submission_allowance(device: str, address: str) -> None:
    """Count this submission against its device and its address, or refuse it (atomically).

    The address limit holds however the browser describes itself: changing the User-Agent
    makes a new device, never a new address.
    """
    limits = submission_limits()
    for kind, key in (("device", device), ("address", address)):
        if key and not ratelimit.take(f"consult-submit:{kind}:{key}", *limits[kind]):
            raise RateLimited(f"Too many responses from this {kind} recently.")


@dataclass
class ResponseData:
    """One response as collected, before saving. Keys of ``answers`` are proposal ids."""

    version: str
    respondent_type: str
    answers: Mapping[int, tuple[str, str]]
    area_of_residence: str = ""
    organisation_name: str = ""
    contact_email: str = ""
    equality: Mapping[str, str] = field(default_factory=dict)
    source: str = "online"
    source_note: str = ""
    received_at: datetime | None = None


def _cleaned(data: ResponseData) -> ResponseData:
    """The response with control characters removed from every text (``highneeds.text``)."""
    texts = {
        name: clean_text(getattr(data, name))
        for name in ("area_of_residence", "organisation_name", "contact_email", "source_note")
    }
    answers = {pk: (agree, clean_text(why)) for pk, (agree, why) in data.answers.items()}
    return dataclasses.replace(data, answers=answers, **texts)


def _check(
    consultation: Consultation,
    data: ResponseData,
    proposals: Mapping[int, Proposal] | None = None,
) -> Mapping[int, Proposal]:
    """Refuse anything the public form could not have produced. Returns proposals by id
    (``proposals`` when the caller has them, else read)."""
    if proposals is None:
        proposals = {p.pk: p for p in proposals_of(consultation)}
    unknown = set(data.answers) - set(proposals)
    if unknown:
        raise SubmissionRefused(
            "The answers refer to questions that are not in this "
            "consultation. Start again from the consultation's first page."
        )
    if data.version not in consultation.versions():
        raise SubmissionRefused("Unknown version of the consultation.")
    if data.respondent_type not in schema.RESPONDENT_TYPES:
        raise SubmissionRefused("Choose who you are responding as.")
    if data.source not in schema.SOURCES:
        raise SubmissionRefused("Unknown source.")
    for agreement, why in data.answers.values():
        if agreement and agreement not in schema.AGREEMENT_ANSWERS:
            raise SubmissionRefused("An agreement answer is not one of the choices offered.")
        if len(why) > WHY_MAX_CHARS:
            raise SubmissionRefused(
                f"Each 'tell us why' answer must be {WHY_MAX_CHARS:,} characters or fewer."
            )
    for name in ("area_of_residence", "organisation_name", "contact_email", "source_note"):
        if len(getattr(data, name)) > 200:
            raise SubmissionRefused(f"The {name.replace('_', ' ')} is too long.")
    allowed = {f.name: f for f in EqualityMonitoring._meta.get_fields() if hasattr(f, "choices")}
    for name, value in data.equality.items():
        known = dict(allowed[name].choices) if name in allowed and allowed[name].choices else None
        if known is None or (value and value not in known):
            raise SubmissionRefused("An equality monitoring answer is not one of the choices.")
    return proposals


def _signature(data: ResponseData, proposals: Mapping[int, Proposal]) -> str:
    pairs = [("respondent_type", data.respondent_type)]
    for pk, (agreement, why) in data.answers.items():
        pairs += [(proposals[pk].agree_key, agreement), (proposals[pk].why_key, why)]
    return duplicates.answers_signature(pairs)


def flag_pending_duplicates(consultation: Consultation) -> int:
    """Compare the responses not yet checked with earlier ones from the same address (whatever
    the browser) and flag those that look alike; returns how many were checked.

    The public send leaves this to the staff pages that show flags (and to the daily
    ``prune_sessions_and_limits``): a respondent never waits for it, and a burst of sends from
    one address (people at one event) is compared once, each response's answers read and
    normalised once, not once for every later send. Each response is compared with at most the
    50 latest before it within the window (``duplicates.DEFAULT_WINDOW``). Safe to run at any
    time and from several processes at once: on PostgreSQL a response another process is
    checking is skipped, not waited for.
    """
    window = duplicates.DEFAULT_WINDOW
    unchecked = Response.objects.filter(
        consultation=consultation, duplicates_checked_at__isnull=True
    )
    # Read first, outside a transaction: most staff pages find nothing to check, and on
    # SQLite every transaction here takes the database's write lock at BEGIN.
    if not unchecked.exists():
        return 0
    with transaction.atomic():
        pending = list(
            unchecked.select_for_update(skip_locked=True)
            .order_by("received_at", "pk")
            .values_list("pk", "address_fingerprint", "received_at")
        )
        if not pending:
            return 0
        proposals = {p.pk: p for p in proposals_of(consultation)}
        by_address: dict[str, list[tuple[int, datetime]]] = {}
        for pk, address, received_at in pending:
            if address:
                by_address.setdefault(address, []).append((pk, received_at))
        flags = []
        for address, checking in by_address.items():
            flags += _likely_duplicates_from(consultation, address, checking, proposals, window)
        DuplicateFlag.objects.bulk_create(flags, ignore_conflicts=True)
        Response.objects.filter(pk__in=[pk for pk, *_ in pending]).update(
            duplicates_checked_at=timezone.now()
        )
    return len(pending)


def _likely_duplicates_from(
    consultation: Consultation,
    address: str,
    checking: list[tuple[int, datetime]],
    proposals: Mapping[int, Proposal],
    window,
) -> list[DuplicateFlag]:
    """Flags for the responses ``checking`` (pk, received_at), in order, from one address."""
    # Plain values, not model instances: a burst of responses and their answers is read
    # here at once, and building model objects for them was most of the cost.
    rows = list(
        Response.objects.filter(
            consultation=consultation,
            address_fingerprint=address,
            received_at__gte=checking[0][1] - window,
            received_at__lte=checking[-1][1],
        )
        .order_by("received_at", "pk")
        .values_list("pk", "received_at", "version", "respondent_type")
    )
    answers: dict[int, dict[int, tuple[str, str]]] = {pk: {} for pk, *_ in rows}
    for response_id, proposal_id, agreement, why in Answer.objects.filter(
        response_id__in=list(answers)
    ).values_list("response_id", "proposal_id", "agreement", "why"):
        answers[response_id][proposal_id] = (agreement, why)
    submissions = [
        duplicates.Submission(
            pk,
            address,
            received_at,
            _signature(
                ResponseData(version=version, respondent_type=kind, answers=answers[pk]),
                proposals,
            ),
        )
        for pk, received_at, version, kind in rows
    ]
    position = {submission.id: index for index, submission in enumerate(submissions)}
    flags = []
    for pk, _received_at in checking:
        index = position[pk]
        found = duplicates.likely_duplicates_of(
            submissions[index], submissions[max(0, index - 50) : index], window=window
        )
        flags += [
            DuplicateFlag(
                response_id=pk, duplicate_of_id=item.duplicate_of, similarity=item.similarity
            )
            for item in found
        ]
    return flags


def flag_all_pending_duplicates() -> int:
    """``flag_pending_duplicates`` for every consultation with responses not yet checked."""
    waiting = (
        Response.objects.filter(duplicates_checked_at__isnull=True)
        .values_list("consultation_id", flat=True)
        .distinct()
    )
    return sum(
        flag_pending_duplicates(consultation)
        for consultation in Consultation.objects.filter(pk__in=list(waiting))
    )


def submit_response(
    consultation: Consultation,
    data: ResponseData,
    *,
    token: str | None = None,
    fingerprint: str = "",
    address: str = "",
    entered_by=None,
    imported: bool = False,
) -> tuple[Response, bool]:
    """Save one response whole, or refuse it. Returns (response, created).

    A second submit with the same token (double click, a retry after a timeout) returns the first
    response with created=False, so nothing is stored twice. Online responses are refused unless
    the consultation is open at this second; staff may enter paper, email and event responses
    at any time (they record when it was received), and so may an import (``imported=True``).
    ``fingerprint`` and ``address`` (``client_fingerprint``, ``address_fingerprint``) identify
    the device and the address of an online response: each has a limit, checked and counted in
    the saving transaction (RateLimited when reached).
    """
    data = _cleaned(data)
    online = entered_by is None and not imported
    # Online, the consultation was read by this request: this process's copy of its
    # proposals is checked against it (``structure``). Staff entries and imports read them.
    _check(consultation, data, structure.proposals(consultation) if online else None)
    if token:
        existing = Response.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing, False
    for _attempt in range(5):
        try:
            with transaction.atomic():
                if online:
                    # Checked inside the transaction so the close is enforced to the second.
                    current = structure.by_pk(consultation.pk)
                    phase = current.phase() if current else Consultation.Phase.DRAFT
                    if phase != Consultation.Phase.OPEN:
                        raise SubmissionRefused(_closed_message(consultation, phase))
                response = Response.objects.create(
                    consultation=consultation,
                    reference=new_reference(),
                    submission_token=token or None,
                    version=data.version,
                    source="online" if online else data.source,
                    source_note=data.source_note,
                    entered_by=entered_by,
                    received_at=data.received_at or timezone.now(),
                    respondent_type=data.respondent_type,
                    area_of_residence=data.area_of_residence,
                    organisation_name=data.organisation_name,
                    contact_email=data.contact_email,
                    client_fingerprint=fingerprint,
                    address_fingerprint=address,
                    # Nothing to compare without an address: checked already.
                    duplicates_checked_at=None if address else timezone.now(),
                )
                Answer.objects.bulk_create(
                    Answer(response=response, proposal_id=pk, agreement=agreement, why=why)
                    for pk, (agreement, why) in data.answers.items()
                    if agreement or why
                )
                if any(data.equality.values()):
                    EqualityMonitoring.objects.create(response=response, **data.equality)
                if online:
                    # Counted last: on PostgreSQL each limit locks its key until the commit,
                    # and every send from one address (people at one event) waits for that
                    # lock, so it is held for the count and the commit only. A refusal rolls
                    # the response back with the rest.
                    _take_submission_allowance(fingerprint, address)
        except IntegrityError:
            if token:
                existing = Response.objects.filter(submission_token=token).first()
                if existing is not None:
                    return existing, False
            # Otherwise a reference clash (about 1 in 10^10): try a new reference.
            continue
        return response, True
    raise SubmissionRefused("We could not save your response. Please try again.")


def _closed_message(consultation: Consultation, phase: str) -> str:
    local = timezone.localtime
    if phase == Consultation.Phase.NOT_YET_OPEN:
        return f"This consultation opens on {local(consultation.opens_at):%-d %B %Y at %-I:%M%p}."
    if phase == Consultation.Phase.CLOSED:
        return f"This consultation closed on {local(consultation.closes_at):%-d %B %Y at %-I:%M%p}."
    return "This consultation is not open."


# ---------------------------------------------------------------- staff views and exports


def record_view(actor, consultation: Consultation, what: str) -> None:
    """Log that a person looked at responses (personal data)."""
    audit.record(
        Action.VIEW,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} {what}",
    )


def export_columns(consultation: Consultation) -> list[ExportColumn]:
    """The export's columns: fixed ones, then each proposal's two questions in order."""
    columns = [
        ExportColumn("response_id", "Reference"),
        ExportColumn("version", "Version answered"),
        ExportColumn("source", "How the response came in"),
        ExportColumn("received_at", "Received (Europe/London)"),
        ExportColumn("respondent_type", "Are you responding as"),
    ]
    if consultation.asks_area_of_residence:
        columns.append(ExportColumn("area_of_residence", "Area where you live"))
    columns.append(ExportColumn("organisation_name", "Organisation name"))
    for proposal in proposals_of(consultation):
        columns.append(
            ExportColumn(
                proposal.agree_key,
                f"{proposal.code}: {proposal.text} — {proposal.agreement_question}",
            )
        )
        columns.append(ExportColumn(proposal.why_key, f"{proposal.code}: {proposal.why_question}"))
    columns.append(ExportColumn("likely_duplicate", "Flagged as a likely duplicate"))
    return columns


FREE_TEXT_CHOICES = ("as_written", "moderated")


def export_rows(
    consultation: Consultation, *, labels: bool, free_text: str = "as_written"
) -> Iterable[dict[str, object]]:
    """One dict per response keyed like export_columns. labels=True spells answers in words.

    free_text="moderated" gives only moderated wording (blank where not yet moderated), no
    organisation names and no free-text area of residence: the export to quote from in
    anything published.
    """
    moderated = free_text == "moderated"
    listed_areas = set(consultation.residence_area_list())
    by_id = {p.pk: p for p in proposals_of(consultation)}
    flag_pending_duplicates(consultation)
    flagged = set(
        DuplicateFlag.objects.filter(response__consultation=consultation)
        .exclude(decision=DuplicateFlag.Decision.NOT_DUPLICATE)
        .values_list("response_id", flat=True)
    )

    def word(codes: Mapping[str, str], code: str) -> str:
        return codes.get(code, code) if labels else code

    responses = consultation.responses.prefetch_related("answers").order_by("received_at", "id")
    for response in responses:
        row: dict[str, object] = {
            "response_id": response.reference,
            "version": word(schema.VERSIONS, response.version),
            "source": word(schema.SOURCES, response.source),
            "received_at": timezone.localtime(response.received_at).strftime("%Y-%m-%d %H:%M:%S"),
            "respondent_type": word(schema.RESPONDENT_TYPES, response.respondent_type),
            "organisation_name": "" if moderated else response.organisation_name,
            "likely_duplicate": ("Yes" if labels else "yes") if response.pk in flagged else "",
        }
        if consultation.asks_area_of_residence:
            row["area_of_residence"] = response.area_of_residence
            if moderated and response.area_of_residence not in listed_areas:
                row["area_of_residence"] = ""  # free text (it may be an address): not published
        for answer in response.answers.all():
            proposal = by_id[answer.proposal_id]
            row[proposal.agree_key] = word(schema.AGREEMENT_LABELS, answer.agreement)
            row[proposal.why_key] = (answer.why_published or "") if moderated else answer.why
        yield row


def export(
    consultation: Consultation,
    actor,
    *,
    file_format: str,
    headers: str = "text",
    free_text: str = "as_written",
):
    """(bytes, content type, file name) of all responses; the export is audit-logged."""
    if free_text not in FREE_TEXT_CHOICES:
        raise ConsultationError("Choose free text as written or moderated.")
    columns = export_columns(consultation)
    rows = export_rows(consultation, labels=headers == "text", free_text=free_text)
    frame = responses_frame(columns, rows)
    stem = f"{consultation.slug}-responses" + ("-moderated" if free_text == "moderated" else "")
    if file_format == "csv":
        body, content_type, name = (
            to_csv(frame, columns, headers=headers),
            "text/csv",
            f"{stem}.csv",
        )
    elif file_format == "xlsx":
        body = to_xlsx(frame, columns, headers=headers)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"{stem}.xlsx"
    else:
        raise ConsultationError("Choose CSV or XLSX.")
    audit.record(
        Action.EXPORT,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} responses",
        detail={
            "format": file_format,
            "headers": headers,
            "rows": len(frame),
            "free_text": free_text,
        },
    )
    return body, content_type, name


# ---------------------------------------------------------------- moderation


@transaction.atomic
def moderate_answer(answer: Answer, published_text: str, moderator) -> Redaction:
    """Set the wording that may be quoted and record who removed what (kinds, not the text)."""
    suggestion = redaction.redact(answer.why)
    removed = [
        f.kind
        for f in redaction.find_personal_details(answer.why)
        if answer.why[f.start : f.end] not in published_text
    ]
    answer.why_published = published_text
    answer.save(update_fields=["why_published"])
    consultation = answer.response.consultation
    audit.record(
        Action.CHANGE,
        actor=moderator,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} response {answer.response.reference}",
        detail={"moderated": answer.proposal.code, "removed": sorted(set(removed))},
    )
    return Redaction.objects.create(
        answer=answer,
        moderator=moderator,
        removed_kinds=sorted(set(removed)),
        characters_removed=max(0, len(answer.why) - len(published_text)),
        automatic_suggestion_used=published_text == suggestion.text,
    )


def publishable_quotes(consultation: Consultation):
    """Moderated free-text answers only: nothing unreviewed is ever offered for quoting."""
    return (
        Answer.objects.filter(response__consultation=consultation, why_published__isnull=False)
        .exclude(why_published="")
        .select_related("proposal", "response")
    )


# ---------------------------------------------------------------- duplicates


@transaction.atomic
def decide_duplicate(flag: DuplicateFlag, decision: str, actor) -> None:
    flag.decision = DuplicateFlag.Decision(decision)
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    flag.save(update_fields=["decision", "decided_by", "decided_at"])
    consultation = flag.response.consultation
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} response {flag.response.reference}",
        detail={"duplicate_decision": decision},
    )


# ---------------------------------------------------------------- data protection


def _erase_personal_fields(response: Response, now: datetime, listed_areas: set[str]) -> None:
    """Clear personal fields and every free text a person has not reviewed.

    Moderated answers keep their moderated wording (the staff review of what is kept); answers
    nobody moderated lose their free text; an area of residence is kept only when it is one of
    the consultation's listed areas (typed text may be an address).
    """
    for name in Response.PERSONAL_FIELDS:
        setattr(response, name, "")
    if response.area_of_residence not in listed_areas:
        response.area_of_residence = ""
    response.personal_data_erased_at = now
    response.save(
        update_fields=[*Response.PERSONAL_FIELDS, "area_of_residence", "personal_data_erased_at"]
    )
    EqualityMonitoring.objects.filter(response=response).delete()
    for answer in response.answers.all():
        if answer.why or answer.why_published:
            answer.why = answer.why_published or ""
            answer.save(update_fields=["why"])


def retention_preview(consultation: Consultation) -> dict[str, int]:
    """What retention erasure will do to a consultation, for staff to review beforehand.

    Counts of free-text answers whose moderated wording will be kept, of answers whose text
    will be erased because nobody moderated them, and of typed (unlisted) areas of residence.
    """
    answers = Answer.objects.filter(response__consultation=consultation).exclude(why="")
    moderated = answers.filter(why_published__isnull=False).exclude(why_published="").count()
    listed = consultation.residence_area_list()
    typed_areas = (
        consultation.responses.exclude(area_of_residence="")
        .exclude(area_of_residence__in=listed)
        .count()
    )
    return {
        "kept_moderated": moderated,
        "erased_unmoderated": answers.count() - moderated,
        "erased_typed_areas": typed_areas,
    }


def erase_expired_personal_data(now: datetime | None = None) -> dict[str, int]:
    """Erase personal fields and unreviewed free text of responses past their retention period.

    Agreement answers and moderated wording stay (anonymously) for the record of the decision;
    see ``_erase_personal_fields``. Safe to run repeatedly: a
    consultation is done once. Returns counts of consultations and responses erased.
    """
    now = now or timezone.now()
    consultations = 0
    responses = 0
    for consultation in Consultation.objects.filter(personal_data_erased_at__isnull=True):
        if consultation.erase_personal_data_after > now:
            continue
        # Compared while their addresses' fingerprints are still there to compare.
        flag_pending_duplicates(consultation)
        with transaction.atomic():
            listed = set(consultation.residence_area_list())
            erased = []
            for response in consultation.responses.filter(personal_data_erased_at__isnull=True):
                _erase_personal_fields(response, now, listed)
                erased.append(response.reference)
            responses += len(erased)
            # Saved, unsent responses expire at closing; none outlives its consultation's data.
            consultation.saved_drafts.all().delete()
            signals.responses_erased.send(
                sender=Response, consultation=consultation, references=erased, text_only=True
            )
            consultation.personal_data_erased_at = now
            consultation.save(update_fields=["personal_data_erased_at"])
            audit.record(
                Action.DELETE,
                workspace=consultation.workspace,
                target=f"consultation {consultation.pk} personal data",
                detail={"reason": "retention period ended"},
            )
        consultations += 1
    return {"consultations": consultations, "responses": responses}


ERASED_REFERENCE = "(an erased response)"


def _forget_reference(consultation: Consultation, reference: str) -> None:
    """Remove a deleted response's reference from the audit log and from journey sessions.

    The audit log keeps that a response was erased, by whom and when, but a reference left
    behind would still point at a person's response in every earlier entry.
    """
    AuditEvent.objects.filter(workspace=consultation.workspace, target__contains=reference).update(
        target=Replace("target", Value(reference), Value(ERASED_REFERENCE))
    )
    # Only a finished journey's confirmation page keeps a reference in its session.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if reference in str(session.get_decoded()):
            session.delete()


@transaction.atomic
def erase_response(consultation: Consultation, reference: str, actor) -> bool:
    """Delete a response (or a response saved to finish later) and everything linked to it or
    copied from it, on request.

    Answers, equality answers, moderation records and duplicate flags go with it; receivers of
    ``signals.responses_erased`` remove derived copies (the analysis app's theme review state);
    the reference is removed from the audit log and from the respondent's session.
    """
    from . import drafts  # drafts builds on this module's keyed hash

    response = consultation.responses.filter(reference=reference).first()
    if response is not None:
        DuplicateFlag.objects.filter(duplicate_of=response).delete()
        response.delete()
        signals.responses_erased.send(
            sender=Response, consultation=consultation, references=[reference], text_only=False
        )
        _forget_reference(consultation, reference)
        erased = f"response {ERASED_REFERENCE}"
    elif drafts.erase(consultation, reference):
        # A response saved to finish later carries a reference of the same shape; the page
        # that showed it once may not have been opened yet.
        _forget_reference(consultation, reference)
        erased = "saved response"
    else:
        return False
    audit.record(
        Action.DELETE,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} {erased}",
        detail={"reason": "erasure request"},
    )
    return True


# ---------------------------------------------------------------- importing


def import_responses(
    consultation: Consultation,
    responses,
    *,
    note: str,
    actor=None,
    file: str | None = None,
    saved: list | None = None,
) -> int:
    """Add responses from a coded table (the analysis's layout: response_id, version,
    respondent_type, source, P1__agree, P1__why, ...) - e.g. another system's export or
    synthetic demo data. All rows or none are saved; ``note`` marks them (e.g. "synthetic").

    Raises InputFileError / UnknownLabelError naming the row and column of the first problem.
    Returns the number of responses added; ``saved``, if given, gets each row's reference.
    """
    from highneeds.errors import InputFileError

    found = schema.validate_responses(responses, file=file)
    by_code = {p.code: p for p in proposals_of(consultation)}
    for code in found.proposals:
        if code not in by_code:
            raise InputFileError(
                f"proposal {code!r} is not in the consultation {consultation.slug!r}",
                file=file,
                column=schema.agree_column(code),
                hint="its proposal codes are " + ", ".join(by_code),
            )

    def cell(row, column: str) -> str:
        value = row.get(column, "")
        return "" if value is None or value != value else str(value).strip()  # NaN != NaN

    with transaction.atomic():
        for position, row in enumerate(responses.to_dict("records"), start=2):
            answers = {
                by_code[code].pk: (
                    cell(row, schema.agree_column(code)),
                    cell(row, schema.why_column(code)),
                )
                for code in found.proposals
            }
            data = ResponseData(
                version=cell(row, "version"),
                respondent_type=cell(row, "respondent_type"),
                answers=answers,
                source=cell(row, "source"),
                source_note=f"{note} (row {position}, id {cell(row, 'response_id')})"[:200],
            )
            try:
                response, _ = submit_response(consultation, data, entered_by=actor, imported=True)
            except SubmissionRefused as refusal:
                raise InputFileError(str(refusal), file=file, row=position) from refusal
            if saved is not None:
                saved.append(response.reference)
    audit.record(
        Action.IMPORT,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} responses",
        detail={"rows": len(responses), "note": note, "file": file or ""},
    )
    return len(responses)
