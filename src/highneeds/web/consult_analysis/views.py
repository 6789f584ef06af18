"""Analysis pages for a consultation (analysts): agreement by group, themes and their review,
the report's "we did" text, and the outcome report download. Work without JavaScript: every
action is a plain form post that redirects back (post/redirect/get).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from highneeds.consult.analysis import schema
from highneeds.consult.analysis.transformer import INSTALL_HINT
from highneeds.errors import HighneedsError
from highneeds.web.accounts.permissions import Role, workspace_role
from highneeds.web.consultations import services as collection
from highneeds.web.consultations.models import Consultation

from . import services
from .forms import CodebookForm, ReportTextForm, SurveyColumnsForm, SurveyUploadForm
from .models import ThemeReview

GROUPINGS = {"respondent_type": "Type of respondent", "version": "Version", "source": "Source"}


def _consultation(workspace, pk: int) -> Consultation:
    return get_object_or_404(Consultation, workspace=workspace, pk=pk)


def _page(request, template, workspace, consultation, status=200, **context):
    return render(
        request,
        f"consult_analysis/{template}",
        {"workspace": workspace, "consultation": consultation, **context},
        status=status,
    )


def _themes_url(consultation, question: str) -> str:
    return reverse(
        "consult_analysis:themes",
        kwargs={
            "la_code": consultation.workspace.la_code,
            "pk": consultation.pk,
            "question": question,
        },
    )


@workspace_role(Role.ANALYST)
@require_GET
def index(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    by = request.GET.get("by", "respondent_type")
    if by not in GROUPINGS:
        by = "respondent_type"
    reviews = {r.question: r for r in consultation.theme_reviews.all()}
    questions = [
        (
            p,
            reviews.get(p.code),
            services.theme_set_of(reviews[p.code])
            if p.code in reviews and reviews[p.code].state
            else None,
        )
        for p in collection.proposals_of(consultation)
    ]
    return _page(
        request,
        "index.html",
        workspace,
        consultation,
        by=by,
        by_label=GROUPINGS[by],
        groupings=GROUPINGS,
        agreement=services.agreement_view(consultation, by),
        questions=[
            {
                "proposal": p,
                "review": review,
                "summary": theme_set.summary() if theme_set else None,
            }
            for p, review, theme_set in questions
        ],
        setup=services.setup_for(consultation),
        report_formats=services.REPORT_FORMATS.items(),
        reports=services.recent_reports(consultation),
    )


@workspace_role(Role.ANALYST)
@require_GET
def themes(request, workspace, pk: int, question: str):
    consultation = _consultation(workspace, pk)
    try:
        review = services.review_for(consultation, question)
    except services.AnalysisError as error:
        return _page(
            request, "problem.html", workspace, consultation, message=str(error), status=404
        )
    theme_set = services.theme_set_of(review)
    rows = []
    if theme_set is not None:
        frame = theme_set.assignments_frame()
        counts = frame.groupby("theme_id").size().to_dict() if len(frame) else {}
        human = (
            frame[frame["origin"] == "human"].groupby("theme_id").size().to_dict()
            if len(frame)
            else {}
        )
        for theme_id in theme_set.active_theme_ids():
            theme = theme_set.themes[theme_id]
            rows.append(
                {
                    "theme": theme,
                    "answers": counts.get(theme_id, 0),
                    "by_people": human.get(theme_id, 0),
                }
            )
        rows.sort(key=lambda r: -r["answers"])
    table, _ = services.responses_table(consultation)
    answers = len(schema.free_text(table, question)) if not table.empty else 0
    mixed = services.mixed_stance_themes(theme_set, table, question) if rows else set()
    for row in rows:
        row["mixed"] = row["theme"].theme_id in mixed
    certainty = None
    if theme_set is not None and review.mode == ThemeReview.Mode.CODEBOOK:
        order, sure = theme_set.least_sure()
        if order:
            certainty = {"answers": len(order), "sure": sure, "unsure": len(order) - sure}
    return _page(
        request,
        "themes.html",
        workspace,
        consultation,
        question=question,
        review=review,
        theme_set=theme_set,
        rows=rows,
        summary=theme_set.summary(answers=answers) if theme_set else None,
        answers=answers,
        answers_shown=f"{answers:,}",
        has_codebook=bool(services.setup_for(consultation).codebook_text),
        modes=ThemeReview.Mode,
        certainty=certainty,
        thorough_installed=services.backends_offered()["minilm"],
        thorough_cost=services.thorough_cost(answers),
        install_hint=INSTALL_HINT,
    )


@workspace_role(Role.ANALYST)
@require_POST
def run(request, workspace, pk: int, question: str):
    consultation = _consultation(workspace, pk)
    mode = request.POST.get("mode", ThemeReview.Mode.DISCOVERY)
    backend = request.POST.get("backend", "static")
    try:
        review = services.review_for(consultation, question)
        if mode not in ThemeReview.Mode.values:
            raise services.AnalysisError("Choose discovery or codebook coding.")
        services.start_run(review, mode, request.user, backend)
        messages.success(
            request,
            "The run has started. People's renames, merges, assignments and reviewed answers "
            "are kept. Refresh this page to see when it has finished.",
        )
    except services.AnalysisError as error:
        messages.error(request, str(error))
    return redirect(_themes_url(consultation, question))


def _operation_arguments(post, operation: str) -> dict:
    """Read one operation's fields from a form post."""
    if operation == "rename":
        return {
            "theme_id": post["theme_id"],
            "label": post["label"].strip(),
            "description": post.get("description", "").strip() or None,
        }
    if operation == "add":
        return {"label": post["label"].strip(), "description": post.get("description", "").strip()}
    if operation == "delete":
        return {"theme_id": post["theme_id"]}
    if operation == "merge":
        return {"theme_ids": post.getlist("theme_ids"), "label": post.get("label", "").strip()}
    if operation == "split":
        labels = [post.get("first_label", "").strip(), post.get("second_label", "").strip()]
        moved = set(post.getlist("to_first"))
        return {
            "theme_id": post["theme_id"],
            "labels": labels,
            "placement": {r: 0 if r in moved else 1 for r in post.getlist("members")},
        }
    if operation in ("assign", "unassign"):
        return {"response_id": post["response_id"], "theme_id": post["theme_id"]}
    if operation == "reviewed":
        return {"response_ids": post.getlist("response_ids")}
    return {}


def _check(operation: str, arguments: dict) -> str | None:
    """A message for a form the analyst must correct, or None."""
    if operation in ("rename", "add") and not arguments["label"]:
        return "Enter a name for the theme."
    if operation == "merge" and len(arguments["theme_ids"]) < 2:
        return "Select at least two themes to merge."
    if operation == "split" and not all(arguments["labels"]):
        return "Enter names for both new themes."
    if operation == "reviewed" and not arguments["response_ids"]:
        return "No answers to mark as reviewed."
    for value in (arguments.get("label") or "", *(arguments.get("labels") or [])):
        if len(value) > 120:
            return "Theme names must be 120 characters or fewer."
    return None


@workspace_role(Role.ANALYST)
@require_POST
def operate(request, workspace, pk: int, question: str):
    consultation = _consultation(workspace, pk)
    operation = request.POST.get("operation", "")
    back = request.POST.get("next", "")
    if not back.startswith(_themes_url(consultation, question)):
        back = _themes_url(consultation, question)  # only ever back to this question's pages
    try:
        if operation not in services.OPERATIONS:
            raise services.AnalysisError("Unknown action.")
        arguments = _operation_arguments(request.POST, operation)
        problem = _check(operation, arguments)
        if problem:
            raise services.AnalysisError(problem)
        review = services.review_for(consultation, question)
        services.apply(review, operation, request.user, **arguments)
        messages.success(request, "Saved.")
    except KeyError:
        messages.error(request, "Something was missing from the form. Try again.")
    except services.AnalysisError as error:
        messages.error(request, str(error))
    return redirect(back)


@workspace_role(Role.ANALYST)
@require_GET
def theme_detail(request, workspace, pk: int, question: str, theme_id: str):
    consultation = _consultation(workspace, pk)
    review = get_object_or_404(ThemeReview, consultation=consultation, question=question)
    theme_set = services.theme_set_of(review)
    if theme_set is None or theme_id not in theme_set.active_theme_ids():
        return _page(
            request,
            "problem.html",
            workspace,
            consultation,
            message="That theme does not exist or has been merged or deleted.",
            status=404,
        )
    table, _ = services.responses_table(consultation)
    texts = schema.free_text(table, question)
    frame = theme_set.assignments_frame()
    members = frame[frame["theme_id"] == theme_id]
    collection.record_view(request.user, consultation, f"themes {question}")
    return _page(
        request,
        "theme.html",
        workspace,
        consultation,
        question=question,
        theme=theme_set.themes[theme_id],
        members=[
            {"response_id": r.response_id, "origin": r.origin, "text": texts.get(r.response_id, "")}
            for r in members.itertuples()
        ],
        themes_url=_themes_url(consultation, question),
    )


@workspace_role(Role.ANALYST)
@require_GET
def answers(request, workspace, pk: int, question: str):
    consultation = _consultation(workspace, pk)
    review = get_object_or_404(ThemeReview, consultation=consultation, question=question)
    theme_set = services.theme_set_of(review)
    if theme_set is None:
        return redirect(_themes_url(consultation, question))
    table, _ = services.responses_table(consultation)
    texts = schema.free_text(table, question)
    show = request.GET.get("show", "unreviewed")
    if show == "unsure":  # active learning: the answers the machine is least sure of first
        ids = [r for r in theme_set.least_sure()[0] if r in texts.index]
    else:
        ids = [r for r in texts.index if show == "all" or r not in theme_set.reviewed]
    page = Paginator(ids, 25).get_page(request.GET.get("page"))
    frame = theme_set.assignments_frame()
    carried = {r: [] for r in page.object_list}
    for row in frame[frame["response_id"].isin(page.object_list)].itertuples():
        carried[row.response_id].append(
            {"theme": theme_set.themes[row.theme_id], "origin": row.origin}
        )
    active = [theme_set.themes[t] for t in theme_set.active_theme_ids()]
    collection.record_view(request.user, consultation, f"answers {question}")
    return _page(
        request,
        "answers.html",
        workspace,
        consultation,
        question=question,
        page=page,
        show=show,
        items=[
            {
                "response_id": r,
                "text": texts[r],
                "themes": carried[r],
                "reviewed": r in theme_set.reviewed,
            }
            for r in page.object_list
        ],
        active=active,
        themes_url=_themes_url(consultation, question),
        here=request.get_full_path(),
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def codebook(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    setup = services.setup_for(consultation)
    form = CodebookForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.save_codebook(consultation, upload.name, upload.read())
        except services.AnalysisError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"Codebook saved: {count} themes.")
            return redirect("consult_analysis:index", la_code=workspace.la_code, pk=pk)
    return _page(
        request,
        "codebook.html",
        workspace,
        consultation,
        form=form,
        setup=setup,
        status=400 if form.errors else 200,
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def report_text(request, workspace, pk: int):
    consultation = _consultation(workspace, pk)
    setup = services.setup_for(consultation)
    proposals = collection.proposals_of(consultation)
    form = ReportTextForm(request.POST or None, setup=setup, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The report text has been saved.")
        return redirect("consult_analysis:index", la_code=workspace.la_code, pk=pk)
    return _page(
        request,
        "report_text.html",
        workspace,
        consultation,
        form=form,
        status=400 if form.errors else 200,
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def report(request, workspace, pk: int, file_format: str):
    """Prepare the outcome report (POST): a background job, whose page shows its progress and
    then the download. A GET (an old link) goes to the page with the buttons."""
    consultation = _consultation(workspace, pk)
    if request.method == "POST":
        try:
            return services.start_report(request, consultation, file_format)
        except services.AnalysisError as error:
            messages.error(request, str(error))
    return redirect(
        reverse("consult_analysis:index", args=[workspace.la_code, pk]) + "#outcome-report"
    )


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def survey_import(request, workspace, pk: int):
    """Import a survey export, step 1: upload the file (CSV or Excel)."""
    consultation = _consultation(workspace, pk)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            token = services.save_survey_upload(
                consultation, form.cleaned_data["file"], request.user
            )
        except HighneedsError as error:
            form.add_error("file", _sentence(error))
        else:
            return redirect(
                "consult_analysis:survey_columns", la_code=workspace.la_code, pk=pk, token=token
            )
    return _page(
        request,
        "survey_import.html",
        workspace,
        consultation,
        form=form,
        status=400 if form.errors else 200,
    )


def _sentence(error: Exception) -> str:
    """An input error as one sentence for the page."""
    text = str(error).strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."


@workspace_role(Role.ANALYST)
@require_http_methods(["GET", "POST"])
def survey_columns(request, workspace, pk: int, token: str):
    """Step 2: choose which column holds what, with the file's first rows beside; import."""
    consultation = _consultation(workspace, pk)
    try:
        path = services.survey_upload(consultation, token)
        columns, preview = services.survey_preview(path)
    except (services.AnalysisError, HighneedsError) as error:
        messages.error(request, _sentence(error))
        return redirect("consult_analysis:survey_import", la_code=workspace.la_code, pk=pk)
    proposals = collection.proposals_of(consultation)
    form = SurveyColumnsForm(request.POST or None, columns=columns, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        question = form.cleaned_data["question"]
        try:
            count = services.import_survey(
                consultation, path, form.chosen(), question, request.user
            )
        except HighneedsError as error:
            messages.error(request, _sentence(error))
            return redirect("consult_analysis:survey_import", la_code=workspace.la_code, pk=pk)
        messages.success(request, f"Imported {count:,} answers to {question}.")
        return redirect(_themes_url(consultation, question))
    return _page(
        request,
        "survey_columns.html",
        workspace,
        consultation,
        form=form,
        columns=columns,
        preview=preview,
        file_name=path.name,
        status=400 if form.errors else 200,
    )


@workspace_role(Role.ANALYST)
@require_GET
def assignments(request, workspace, pk: int, question: str):
    """Download the question's themes: one row per answer and theme, who assigned it."""
    consultation = _consultation(workspace, pk)
    try:
        content = services.assignments_csv(consultation, question)
    except services.AnalysisError as error:
        return _page(
            request, "problem.html", workspace, consultation, message=str(error), status=404
        )
    collection.record_view(request.user, consultation, f"assignments {question}")
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="themes-{question}.csv"'
    return response
