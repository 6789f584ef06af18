"""Every form fed random and hostile input (hypothesis, derandomized): a form answers with
form errors or clean data, never an exception; and the forms people reach through the web
(sign-in, the code step, the public journey, the staff's consultation and scenario pages)
answer hostile posts with a page or a redirect, never a server error, changing nothing when
they refuse.

Hostile: control characters and NUL, right-to-left overrides, 5,000-character strings,
numbers too large for any column (10^30, 1e400), nan and inf, dates that do not exist,
markup and SQL, lists where one value is expected, random files for file fields.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import QueryDict
from django.test import Client, RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from highneeds.web.accounts import forms as account_forms
from highneeds.web.accounts.models import AuditEvent, Membership
from highneeds.web.consult_analysis import forms as analysis_forms
from highneeds.web.consultations import forms as consult_forms
from highneeds.web.consultations.models import Response
from highneeds.web.workspace import decide_forms, scenario_forms
from highneeds.web.workspace import forms as workspace_forms
from web.factories import MembershipFactory, UserFactory

from .mutations import FUZZ, hostile_text

EXAMPLES = 25  # per form and page: the forms together take about 40 s on two cores

pytestmark = pytest.mark.django_db


def field_values(names: list[str]):
    """Values for each named field: hostile text, several of it (as a browser sends a field
    repeated), or left out."""
    value = st.one_of(hostile_text, st.lists(hostile_text, max_size=3))
    return st.fixed_dictionaries(
        {}, optional={name: value for name in [*names, "unexpected_field"]}
    )


def as_post(data: dict) -> QueryDict:
    """The data as Django receives a form post: each field a list of strings."""
    post = QueryDict(mutable=True)
    for name, value in data.items():
        post.setlist(name, value if isinstance(value, list) else [value])
    return post


def _consultation():
    from consultations.conftest import make_consultation
    from web.factories import WorkspaceFactory

    workspace = WorkspaceFactory(la_code="950")
    return make_consultation(workspace, slug="fuzz-review")


def form_makers() -> dict[str, Callable]:
    """Each form by name, made for data (and files): with what its views give it."""
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.99")
    consultation = _consultation()
    area = consultation.areas.first()
    user = UserFactory()
    return {
        "sign in": lambda d, f: account_forms.SignInForm(request, data=d),
        "admin sign in": lambda d, f: account_forms.AdminSignInForm(request, data=d),
        "second factor": lambda d, f: account_forms.SecondFactorForm(d, request=request, user=user),
        "set up second factor": lambda d, f: account_forms.SetUpSecondFactorForm(d),
        "about you": lambda d, f: consult_forms.AboutYouForm(
            d, consultation=consultation, version="standard"
        ),
        "area answers": lambda d, f: consult_forms.AreaAnswersForm(
            d, area=area, version="standard"
        ),
        "equality": lambda d, f: consult_forms.EqualityForm(d),
        "consultation": lambda d, f: consult_forms.ConsultationForm(d),
        "consultation, locked": lambda d, f: consult_forms.ConsultationForm(
            d, instance=consultation, locked=True
        ),
        "background link": lambda d, f: consult_forms.BackgroundLinkForm(d),
        "area": lambda d, f: consult_forms.AreaForm(d),
        "proposal": lambda d, f: consult_forms.ProposalForm(d),
        "staff response": lambda d, f: consult_forms.StaffResponseForm(
            d, consultation=consultation
        ),
        "redact": lambda d, f: consult_forms.RedactForm(d),
        "erase": lambda d, f: consult_forms.EraseForm(d),
        "duplicate decision": lambda d, f: consult_forms.DuplicateDecisionForm(d),
        "save": lambda d, f: consult_forms.SaveForm(d),
        "resume": lambda d, f: consult_forms.ResumeForm(d),
        "codebook": lambda d, f: analysis_forms.CodebookForm(d, f),
        "survey upload": lambda d, f: analysis_forms.SurveyUploadForm(d, f),
        "survey columns": lambda d, f: analysis_forms.SurveyColumnsForm(
            d, columns=["id", "answer", "group"], proposals=list(area.proposals.all())
        ),
        "report text": lambda d, f: analysis_forms.ReportTextForm(
            d, setup=None, proposals=list(area.proposals.all())
        ),
        "upload": lambda d, f: workspace_forms.UploadForm(d, f),
        "forecast": lambda d, f: workspace_forms.ForecastForm(d),
        "scenario details": lambda d, f: scenario_forms.ScenarioDetailsForm(d),
        "places": lambda d, f: scenario_forms.PlacesForm(d),
        "move": lambda d, f: scenario_forms.MoveForm(d),
        "early help": lambda d, f: scenario_forms.EarlyHelpForm(d),
        "unit cost": lambda d, f: scenario_forms.UnitCostForm(d),
        "capital": lambda d, f: scenario_forms.CapitalForm(d),
        "compare": lambda d, f: scenario_forms.CompareForm(d, names=["Baseline", "Places"]),
        "sufficiency": lambda d, f: scenario_forms.SufficiencyForm(d),
        "strategy upload": lambda d, f: decide_forms.StrategyUploadForm(d, f),
        "places upload": lambda d, f: decide_forms.PlacesUploadForm(d, f),
        "capital costs": lambda d, f: decide_forms.CapitalCostsForm(
            d, defaults={}, set_by_la=set()
        ),
        "pack details": lambda d, f: decide_forms.PackDetailsForm(d),
        # the pack's sections written in words share one form shape (purpose stands for them)
        "pack words": lambda d, f: decide_forms.PACK_SECTIONS["purpose"][1](d),
        "pack consultation": lambda d, f: decide_forms.PackConsultationForm(
            d, workspace=consultation.workspace
        ),
        "pack options": lambda d, f: decide_forms.PackOptionsForm(d, names=["Places"]),
        "pack risks": lambda d, f: decide_forms.PackRisksForm(d),
        "decision": lambda d, f: decide_forms.DecisionForm(d),
    }


FORMS = sorted(
    [
        "sign in", "admin sign in", "second factor", "set up second factor", "about you",
        "area answers", "equality", "consultation", "consultation, locked", "background link",
        "area", "proposal", "staff response", "redact", "erase", "duplicate decision",
        "codebook", "report text", "save", "resume", "survey upload", "survey columns",
        "upload", "forecast", "scenario details", "places", "move", "early help", "unit cost",
        "capital", "compare", "sufficiency", "strategy upload", "places upload",
        "capital costs", "pack details", "pack words", "pack consultation", "pack options",
        "pack risks", "decision",
    ]
)  # fmt: skip


def _settle(form) -> None:
    """What a view does with a form: validate, then use the cleaned data."""
    if not form.is_valid():
        assert form.errors, "invalid without a message"
        for messages in form.errors.values():
            assert all(str(m).strip() for m in messages)
        return
    to_item = getattr(form, "to_item", None)
    if callable(to_item):
        to_item()
    if hasattr(form, "save") and hasattr(form, "instance"):
        form.save(commit=False)


def test_every_form_of_the_web_app_is_fuzzed():
    """A new form joins the fuzz test: this fails until it is listed in form_makers."""
    import importlib
    import pkgutil

    from django import forms

    import highneeds.web

    # Every module of the web app, so what is found does not depend on which tests ran first
    # in this process (a form defined beside its views counts too).
    skip = (".migrations", ".management", ".settings", "wsgi", ".manage")
    for module in pkgutil.walk_packages(highneeds.web.__path__, "highneeds.web."):
        if not any(part in module.name for part in skip):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        c.__name__
        for c in [*subclasses(forms.Form), *subclasses(forms.ModelForm)]
        if c.__module__.startswith("highneeds.web")
        and not c.__name__.endswith("Mixin")
        and not c.__name__.startswith("_")  # a private base: its subclasses are listed
    }
    made = {type(make({}, {})).__name__ for make in form_makers().values()}
    assert ours - made == set()


@pytest.mark.parametrize("name", FORMS)
def test_hostile_input_gives_form_errors_never_an_exception(name):
    makers = form_makers()
    make = makers[name]
    fields = list(make({}, {}).fields)

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(data=field_values(fields), upload=st.binary(max_size=2048))
    def run(data, upload):
        files = {"file": SimpleUploadedFile("upload.csv", upload)} if upload else {}
        _settle(make(as_post(data), files))

    run()


# ---------------------------------------------------------------- through the web


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    ignored = {"django_session", "accounts_ratelimithit", "accounts_auditevent"}
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            if table in ignored or table.startswith("hn_"):
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _post_hostile(client: Client, url: str, data: dict) -> None:
    before = _counts()
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400, 403, 404, 405, 413, 429), response.status_code
    if response.status_code != 302:
        assert _counts() == before, f"{url}: refused, but the store changed"


@pytest.fixture
def fuzz_review(db):
    return _consultation()


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=field_values(["username", "password", "next"]))
def test_sign_in_doors_answer_hostile_posts(data):
    for url in ("/accounts/sign-in/", "/django-admin/login/", "/accounts/sign-in/code/"):
        _post_hostile(Client(REMOTE_ADDR="203.0.113.98"), url, data)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()


@settings(FUZZ, max_examples=EXAMPLES)
@given(
    about=field_values(["respondent_type", "area_of_residence", "contact_email", "website"]),
    answers=field_values(["agree_1", "why_1", "agree_2", "why_2"]),
    equality=field_values(["age_band", "disabled", "ethnic_group"]),
)
def test_the_public_journey_answers_hostile_posts(fuzz_review, about, answers, equality):
    consultation = fuzz_review
    ids = list(consultation.areas.first().proposals.values_list("pk", flat=True))
    answers = {
        k.replace("_1", f"_{ids[0]}").replace("_2", f"_{ids[1]}"): v for k, v in answers.items()
    }
    root = f"/consult/{consultation.slug}/standard"
    client = Client(REMOTE_ADDR="203.0.113.97")
    _post_hostile(client, f"{root}/about-you/", about)
    _post_hostile(client, f"{root}/area/1/", answers)
    _post_hostile(client, f"{root}/equality/", equality)
    responses = Response.objects.count()
    client.post(f"{root}/check-your-answers/")
    assert Response.objects.count() - responses <= 1


@settings(FUZZ, max_examples=EXAMPLES)
@given(data=field_values(["title", "slug", "summary", "privacy_notice", "contact",
                          "opens_at", "closes_at", "retention_days"]))  # fmt: skip
def test_the_staff_consultation_form_answers_hostile_posts(fuzz_review, data):
    workspace = fuzz_review.workspace
    analyst = MembershipFactory(workspace=workspace, role=Membership.Role.ANALYST).user
    client = Client()
    client.force_login(analyst)
    _post_hostile(client, f"/workspaces/{workspace.la_code}/consultations/new/", data)
