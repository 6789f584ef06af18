"""Operations behind the analysis pages; views stay thin and call these.

The responses table is built from the collection app's own export (column codes), so the
analysis, the report and a downloaded CSV all see the same rows; the report's hash is of that
CSV's bytes.
"""

from __future__ import annotations

import io
import re
import shutil
import time
import uuid
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils.text import get_valid_filename

from highneeds.consult.analysis import schema
from highneeds.consult.analysis.agreement import (
    PUBLICATION_HEADINGS,
    group_differences,
    publication_table,
)
from highneeds.consult.analysis.codebook import codebook_from_frame
from highneeds.consult.analysis.coding import (
    BY_QUESTION,
    codebook_method,
    codebook_run,
    discovery_method,
    discovery_run,
)
from highneeds.consult.analysis.embedding import ENCODERS
from highneeds.consult.analysis.review import ThemeSet
from highneeds.consult.analysis.survey import (
    SurveyColumns,
    read_survey,
    responses_from_survey,
    survey_answers,
)
from highneeds.consult.analysis.themes import mixed_stance, themes_by_stance
from highneeds.consult.analysis.transformer import model_installed
from highneeds.consult.export import neutralise_cell, responses_frame, to_csv
from highneeds.consult.report import ProposalOutcome, WeDid, build_report, render
from highneeds.errors import HighneedsError
from highneeds.private_files import private_file, private_folder
from highneeds.text import clean_text
from highneeds.web.accounts import audit
from highneeds.web.accounts.models import AuditEvent
from highneeds.web.accounts.permissions import Role
from highneeds.web.consultations import services as collection
from highneeds.web.consultations.models import Consultation
from highneeds.web.workspace import renders

from .models import ConsultationAnalysis, ThemeReview

Action = AuditEvent.Action
FILE_TYPES = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


#: The outcome report's formats in words.
REPORT_FORMATS = {"pdf": "PDF", "html": "HTML", "docx": "Word"}


class AnalysisError(Exception):
    """Something the analyst can fix (no responses yet, a bad codebook); the message says what."""


def responses_table(
    consultation: Consultation, free_text: str = "as_written"
) -> tuple[pd.DataFrame, bytes]:
    """The responses in the analysis's layout, and the export CSV (column codes) they came from.

    ``free_text="moderated"`` gives the quotable table: moderated wording only, blank elsewhere.
    """
    columns = collection.export_columns(consultation)
    rows = collection.export_rows(consultation, labels=False, free_text=free_text)
    frame = responses_frame(columns, rows)
    export = to_csv(frame, columns, headers="codes")
    keep = ["response_id", "version", "respondent_type", "source"]
    for proposal in collection.proposals_of(consultation):
        keep += [proposal.agree_key, proposal.why_key]
    table = frame.reindex(columns=keep)
    for column in keep:
        if column.endswith(schema.WHY_SUFFIX):
            table[column] = table[column].fillna("").astype(str)
        elif column.endswith(schema.AGREE_SUFFIX):
            table[column] = table[column].map(lambda v: v if isinstance(v, str) and v else None)
    return table.reset_index(drop=True), export


def setup_for(consultation: Consultation) -> ConsultationAnalysis:
    setup, _ = ConsultationAnalysis.objects.get_or_create(
        consultation=consultation, defaults={"report_title": f"{consultation.title}: outcome"}
    )
    return setup


def agreement_view(consultation: Consultation, by: str) -> dict:
    """Suppressed tables per proposal by ``by`` and the notable differences, for the page."""
    table, _ = responses_table(consultation)
    if table.empty:
        return {"tables": [], "differences": [], "responses": 0}
    proposals = collection.proposals_of(consultation)
    tables = []
    for proposal in proposals:
        published = publication_table(table, proposal.code, by)
        names = {**schema.GROUPINGS[by], "all": "All respondents"}
        tables.append(
            {
                "proposal": proposal,
                "header": [
                    schema.AGREEMENT_LABELS.get(c) or PUBLICATION_HEADINGS.get(c, c)
                    for c in published.columns
                ],
                "rows": [
                    (names.get(group, group), list(values))
                    for group, values in zip(
                        published.index, published.to_numpy().tolist(), strict=True
                    )
                ],
            }
        )
    differences = group_differences(table, by=by)
    return {
        "tables": tables,
        # .loc with a boolean mask: an empty mask must not be read as a list of columns.
        "differences": differences.loc[differences["notable"].astype(bool), "statement"].tolist(),
        "responses": len(table),
    }


def review_for(consultation: Consultation, question: str) -> ThemeReview:
    codes = [p.code for p in collection.proposals_of(consultation)]
    if question not in codes:
        raise AnalysisError(f"No proposal {question!r} in this consultation.")
    review, _ = ThemeReview.objects.get_or_create(consultation=consultation, question=question)
    return review


def mixed_stance_themes(theme_set: ThemeSet, table: pd.DataFrame, question: str) -> set[str]:
    """Themes whose answers both support and oppose the proposal (by respondents' own
    agreement answers; none when nobody gave one)."""
    frame = theme_set.assignments_frame()
    if frame.empty or table.empty or schema.agree_column(question) not in table.columns:
        return set()
    by_stance = themes_by_stance(frame, table, question).set_index("theme_id")
    return set(by_stance.index[mixed_stance(by_stance)])


def theme_set_of(review: ThemeReview) -> ThemeSet | None:
    return ThemeSet.from_dict(review.state) if review.state else None


def backends_offered() -> dict[str, bool]:
    """Each sentence encoder a themes run may use, and whether this server can run it: the
    shipped table always; the contextual model only when its optional package is installed."""
    return {name: name != "minilm" or model_installed() for name in ENCODERS}


#: Seconds of CPU the contextual model takes per answer, beyond the quick reading (about 9 s
#: per 1,000 answers measured; BENCHMARKS.md), rounded up for a page that promises a time.
THOROUGH_SECONDS_PER_ANSWER = 0.01
#: Reading and checking the model's files once per run (1-3 s measured).
THOROUGH_START_SECONDS = 3


def thorough_cost(answers: int) -> str:
    """The thorough reading's extra time for ``answers`` answers, in words."""
    seconds = THOROUGH_START_SECONDS + answers * THOROUGH_SECONDS_PER_ANSWER
    if seconds < 60:
        count, unit = max(1, round(seconds)), "second"
    else:
        count, unit = round(seconds / 60), "minute"
    return f"about {count:,} {unit}{'s' if count != 1 else ''}"


def start_run(review: ThemeReview, mode: str, actor, backend: str = "static") -> ThemeReview:
    """Queue a machine run (discovery or codebook coding) for one question, reading the
    answers with the sentence encoder ``backend`` (``backends_offered``)."""
    if mode == ThemeReview.Mode.CODEBOOK and not setup_for(review.consultation).codebook_text:
        raise AnalysisError("Upload a codebook first.")
    if not backends_offered().get(backend, False):
        raise AnalysisError(
            "The slower, more thorough model is not installed on this server: "
            "choose the quick reading."
            if backend in ENCODERS
            else "Choose how the machine reads the answers."
        )
    review.mode, review.backend = mode, backend
    review.status, review.message = ThemeReview.Status.QUEUED, ""
    review.save(update_fields=["mode", "backend", "status", "message", "updated_at"])
    audit.record(
        Action.RUN,
        actor=actor,
        workspace=review.consultation.workspace,
        target=f"consultation {review.consultation.pk} themes {review.question}",
        detail={"mode": mode, "backend": backend},
    )
    from .tasks import run_themes

    transaction.on_commit(lambda: run_themes.enqueue(review.pk))
    return review


def _codebook(setup: ConsultationAnalysis):
    frame = pd.read_csv(io.StringIO(setup.codebook_text), dtype=str, keep_default_na=False)
    return codebook_from_frame(frame, file=setup.codebook_name or "codebook")


def run_themes(review_id: int) -> None:
    """The background job: fold a machine run into the stored themes, keeping people's work."""
    review = ThemeReview.objects.get(pk=review_id)
    review.status = ThemeReview.Status.RUNNING
    review.save(update_fields=["status", "updated_at"])
    try:
        with transaction.atomic():
            locked = ThemeReview.objects.select_for_update().get(pk=review_id)
            # Read the answers under the lock, so a response erased meanwhile (whose erasure
            # waits for this lock) cannot be folded back in from an earlier read.
            table, _ = responses_table(review.consultation)
            texts = schema.free_text(table, review.question) if not table.empty else pd.Series()
            if len(texts) < 2:
                raise AnalysisError(
                    "Fewer than two people answered this question in their own words."
                )
            current = theme_set_of(locked)
            if locked.mode == ThemeReview.Mode.CODEBOOK:
                book = _codebook(setup_for(locked.consultation))
                theme_set, landing = codebook_run(
                    texts,
                    locked.question,
                    book,
                    current,
                    locked.landing or None,
                    backend=locked.backend,
                )
                locked.landing = landing
            else:
                theme_set = discovery_run(texts, locked.question, current, backend=locked.backend)
            locked.state = theme_set.to_dict()
            locked.status, locked.message = ThemeReview.Status.DONE, ""
            locked.save()
    except Exception as error:  # the page shows why; nothing stored changes
        ThemeReview.objects.filter(pk=review_id).update(
            status=ThemeReview.Status.FAILED, message=str(error)[:500]
        )
        if not isinstance(error, AnalysisError | ValueError):
            raise


def forget_responses(sender, *, consultation, references, text_only, **kwargs) -> None:
    """Receiver of ``responses_erased``: remove erased responses from every theme review."""
    reviews = ThemeReview.objects.select_for_update().filter(consultation=consultation)
    for review in reviews.exclude(state={}):
        theme_set = ThemeSet.from_dict(review.state)
        theme_set.forget(references, text_only=text_only)
        review.state = theme_set.to_dict()
        review.save(update_fields=["state", "updated_at"])


OPERATIONS = ("rename", "add", "delete", "merge", "split", "assign", "unassign", "reviewed")


@transaction.atomic
def apply(review: ThemeReview, operation: str, actor, **arguments) -> ThemeSet:
    """Apply one person's operation to the stored themes (all recorded as human decisions)."""
    locked = ThemeReview.objects.select_for_update().get(pk=review.pk)
    theme_set = theme_set_of(locked)
    if theme_set is None:
        raise AnalysisError("Run theme discovery or codebook coding first.")
    try:
        if operation == "rename":
            theme_set.rename(
                arguments["theme_id"], arguments["label"], arguments.get("description")
            )
        elif operation == "add":
            theme_set.add_theme(arguments["label"], arguments.get("description", ""))
        elif operation == "delete":
            theme_set.delete_theme(arguments["theme_id"])
        elif operation == "merge":
            theme_set.merge(arguments["theme_ids"], label=arguments.get("label") or None)
        elif operation == "split":
            theme_set.split(arguments["theme_id"], arguments["labels"], arguments["placement"])
        elif operation == "assign":
            theme_set.assign(arguments["response_id"], arguments["theme_id"])
        elif operation == "unassign":
            theme_set.unassign(arguments["response_id"], arguments["theme_id"])
        elif operation == "reviewed":
            theme_set.mark_reviewed(arguments["response_ids"])
        else:
            raise AnalysisError(f"Unknown operation {operation!r}.")
    except (KeyError, ValueError) as error:
        raise AnalysisError(f"Could not {operation}: {error}") from error
    locked.state = theme_set.to_dict()
    locked.save(update_fields=["state", "updated_at"])
    audit.record(
        Action.CHANGE,
        actor=actor,
        workspace=locked.consultation.workspace,
        target=f"consultation {locked.consultation.pk} themes {locked.question}",
        detail={"operation": operation},
    )
    review.state = locked.state
    return theme_set


def save_codebook(consultation: Consultation, name: str, content: bytes) -> int:
    """Check and store an uploaded codebook (CSV). Returns the number of themes."""
    try:
        # A NUL cannot be stored on PostgreSQL, and no control character belongs in a codebook.
        text = clean_text(content.decode("utf-8-sig"))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        book = codebook_from_frame(frame, file=name)
    except Exception as error:
        raise AnalysisError(f"The codebook could not be read: {error}") from error
    setup = setup_for(consultation)
    setup.codebook_text, setup.codebook_name = text, name[:200]
    setup.save(update_fields=["codebook_text", "codebook_name", "updated_at"])
    return len(book.themes)


def we_did_of(consultation: Consultation) -> WeDid:
    setup = setup_for(consultation)
    proposals = {
        p.code: ProposalOutcome(
            title=p.area.title, we_asked=p.text, we_did=str(setup.we_did.get(p.code, ""))
        )
        for p in collection.proposals_of(consultation)
    }
    return WeDid(
        title=setup.report_title or f"{consultation.title}: outcome",
        council=setup.council or consultation.workspace.name,
        period=setup.period,
        notice=setup.notice,
        introduction=setup.introduction or consultation.summary,
        proposals=proposals,
    )


def _quiet(percent: int, words: str) -> None:
    """Progress nobody is watching."""


def themes_progress(progress: renders.Progress, start: int, end: int):
    """The core's progress (``highneeds.progress``) as a job's percentage from ``start`` to
    ``end``: one step per question whose themes are found (each is a few seconds on thousands
    of answers; the steps within a question are not worth a database write each)."""

    def report(step: str, done: int, total: int) -> None:
        if step == BY_QUESTION and total:
            words = f"Finding themes in the free text: {done:,} of {total:,} questions done."
            progress(start + (end - start) * done // total, words)

    return report


def report_method(reviews) -> str | None:
    """The report's words for how the reviewed questions' themes were found: each way they
    were run (mode and sentence encoder); the report adds the default discovery's words for
    questions nobody ran."""
    ways = {
        codebook_method(r.backend)
        if r.mode == ThemeReview.Mode.CODEBOOK
        else discovery_method(r.backend)
        for r in reviews
    }
    return "; and ".join(sorted(ways)) or None


def report_file(
    consultation: Consultation, file_format: str, actor, progress: renders.Progress = _quiet
) -> tuple[bytes, str, str]:
    """(bytes, content type, file name) of the outcome report; the export is audit-logged.
    ``progress(percent, words)`` hears how far it has got (the report job's page shows it)."""
    if file_format not in FILE_TYPES:
        raise AnalysisError("Choose HTML, PDF or Word.")
    progress(10, "Reading the responses.")
    table, export = responses_table(consultation)
    if table.empty:
        raise AnalysisError("There are no responses to report on yet.")
    progress(25, "Counting agreement and finding themes in the free text.")
    reviews = ThemeReview.objects.filter(consultation=consultation).exclude(state={})
    theme_sets = {r.question: ThemeSet.from_dict(r.state) for r in reviews}
    method = report_method(reviews)
    built = build_report(
        table,
        we_did=we_did_of(consultation),
        theme_sets=theme_sets,
        quotable=responses_table(consultation, free_text="moderated")[0],
        source=f"{consultation.slug}-responses.csv",
        source_bytes=export,
        theme_method=method,
        progress=themes_progress(progress, 25, 60),
    )
    progress(60, f"Laying out the {REPORT_FORMATS[file_format]} document.")
    body = render(built, file_format)
    content_type, suffix = FILE_TYPES[file_format]
    audit.record(
        Action.EXPORT,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} outcome report",
        detail={"format": file_format, "rows": len(table)},
    )
    return body, content_type, f"{consultation.slug}-outcome-report.{suffix}"


@renders.renderer("outcome-report", role=Role.ANALYST, section="consultations")
def render_outcome_report(job, workspace, options: dict, progress) -> renders.Rendered:
    """The outcome report as a background job (building it takes seconds: themes are found
    for questions not yet reviewed, and a PDF is laid out page by page)."""
    from django.urls import reverse

    consultation = Consultation.objects.filter(
        workspace=workspace, pk=options.get("consultation")
    ).first()
    if consultation is None:
        raise HighneedsError("This consultation no longer exists.")
    try:
        body, content_type, name = report_file(
            consultation, options.get("format", ""), job.created_by, progress
        )
    except AnalysisError as error:
        raise HighneedsError(str(error)) from error
    back = reverse("consult_analysis:index", args=[workspace.la_code, consultation.pk])
    return renders.Rendered(
        body, name, content_type, back=renders.Back(back, "Back to the analysis of responses")
    )


def recent_reports(consultation: Consultation, limit: int = 5):
    """The consultation's newest outcome report jobs (any format), for its analysis page."""
    from highneeds.web.workspace.models import Job

    return (
        Job.objects.filter(
            workspace=consultation.workspace,
            kind=Job.Kind.RENDER,
            options__renderer="outcome-report",
            options__document__consultation=consultation.pk,
        )
        .defer("file")
        .order_by("-created_at")[:limit]
    )


def start_report(request, consultation: Consultation, file_format: str):
    """Queue the outcome report in ``file_format`` and send the person to its job page."""
    if file_format not in FILE_TYPES:
        raise AnalysisError("Choose HTML, PDF or Word.")
    return renders.start_and_show(
        request,
        consultation.workspace,
        "outcome-report",
        {"consultation": consultation.pk, "format": file_format},
        title=f"Outcome report of {consultation.title} ({REPORT_FORMATS[file_format]})",
    )


# --- Importing any survey export (upload, map columns with a preview, import) --------------

PREVIEW_ROWS = 5
ABANDONED_AFTER_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _survey_root(consultation: Consultation) -> Path:
    """Exports waiting for their columns to be chosen: one private folder per upload."""
    root = private_folder(Path(settings.MEDIA_ROOT) / "survey_exports")
    return private_folder(root / consultation.workspace.la_code)


def save_survey_upload(consultation: Consultation, upload, actor) -> str:
    """Keep an uploaded export (readable by this account only) until its columns are chosen;
    returns the token naming it. The file is read once here, so a file that cannot be read
    is refused at once (InputFileError) and nothing is kept."""
    root = _survey_root(consultation)
    forget_before = time.time() - ABANDONED_AFTER_SECONDS
    for old in root.iterdir():  # uploads whose columns nobody chose: not kept for ever
        if old.is_dir() and old.stat().st_mtime < forget_before:
            shutil.rmtree(old, ignore_errors=True)
    token = uuid.uuid4().hex
    folder = private_folder(root / token)
    path = folder / (get_valid_filename(Path(upload.name).name) or "export.csv")
    with private_file(path) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        read_survey(path, name=Path(upload.name).name)
    except HighneedsError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    audit.record(
        Action.UPLOAD,
        actor=actor,
        workspace=consultation.workspace,
        target=f"consultation {consultation.pk} survey export",
        detail={"bytes": upload.size},
    )
    return token


def survey_upload(consultation: Consultation, token: str) -> Path:
    """The export saved under ``token`` (AnalysisError if there is none any more)."""
    if _TOKEN.match(token or ""):
        folder = _survey_root(consultation) / token
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        if files:
            return files[0]
    raise AnalysisError("That upload is no longer here; upload the survey export again.")


def survey_preview(path: Path) -> tuple[list[str], list[list[str]]]:
    """The export's column names and its first rows, as text."""
    frame = read_survey(path)
    rows = frame.head(PREVIEW_ROWS).astype(str).to_numpy().tolist()
    return list(frame.columns), [[clean_text(v)[:200] for v in row] for row in rows]


def import_survey(
    consultation: Consultation, path: Path, chosen: dict, question: str, actor
) -> int:
    """Import an export's answers to ``question`` as responses, all or none; the export's
    own ids are kept for downloads. The uploaded file is deleted either way."""
    try:
        columns = SurveyColumns(**chosen)
        answers = survey_answers(read_survey(path), columns, file=path.name)
        table = responses_from_survey(answers, question)
        with transaction.atomic():
            saved: list[str] = []
            count = collection.import_responses(
                consultation,
                table,
                note=f"survey export {path.name}"[:100],
                actor=actor,
                file=path.name,
                saved=saved,
            )
            setup = setup_for(consultation)
            setup.imported_ids = {
                **setup.imported_ids,
                **dict(zip(saved, answers["id"].astype(str), strict=True)),
            }
            setup.save(update_fields=["imported_ids", "updated_at"])
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    return count


def assignments_csv(consultation: Consultation, question: str) -> bytes:
    """The question's themes, one row per answer and theme (id, theme_id, theme_label,
    assigned_by, confidence), answers known by their export's id where they came from one."""
    theme_set = theme_set_of(review_for(consultation, question))
    if theme_set is None:
        raise AnalysisError("Run theme discovery or codebook coding first.")
    table = theme_set.export_table(setup_for(consultation).imported_ids)
    # The same columns as `highneeds consult code --assignments`; text that a spreadsheet
    # would run as a formula is made inert.
    for column in ("id", "theme_label"):
        table[column] = table[column].map(lambda v: neutralise_cell(clean_text(str(v))))
    return table.to_csv(index=False).encode("utf-8")
