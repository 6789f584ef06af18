"""Any survey export into the workspace: upload, choose columns with a preview, import; code
against a plain codebook by hand, rerun, download the assignments."""

import csv
import io

import pandas as pd
import pytest
from django.urls import reverse

from highneeds.web.consult_analysis import services
from highneeds.web.consult_analysis.models import ThemeReview
from highneeds.web.consultations.models import Consultation, Response
from web.factories import SURVEY_ANSWERS as ANSWERS
from web.factories import SURVEY_CODEBOOK as CODEBOOK

pytestmark = pytest.mark.django_db

Q = "P2"


@pytest.fixture
def demo():
    from highneeds.web.consult_analysis.demo import seed_demo_responses

    seed_demo_responses(2, seed=5)
    return Consultation.objects.get(slug="high-needs-review")


def _url(name, consultation, **kwargs):
    return reverse(
        f"consult_analysis:{name}",
        kwargs={"la_code": consultation.workspace.la_code, "pk": consultation.pk, **kwargs},
    )


def _export(tmp_path, name="export.csv", **extra):
    frame = pd.DataFrame(
        {
            "Respondent ID": [f"R{i:03d}" for i in range(len(ANSWERS))],
            "Your views": ANSWERS,
            "I am a": ["Parent or carer", "Teacher"] * (len(ANSWERS) // 2),
            "Do you agree?": ["Strongly agree", "Disagree", ""] * (len(ANSWERS) // 3),
            **extra,
        }
    )
    path = tmp_path / name
    if name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def _upload(client, consultation, path):
    with path.open("rb") as upload:
        return client.post(_url("survey_import", consultation), {"file": upload})


MAPPING = {
    "text": "Your views",
    "id": "Respondent ID",
    "group": "I am a",
    "agreement": "Do you agree?",
    "question": Q,
}


@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_upload_shows_a_preview_then_imports_the_mapped_columns(client_as, demo, tmp_path, name):
    client = client_as("analyst", demo.workspace)
    before = Response.objects.filter(consultation=demo).count()
    uploaded = _upload(client, demo, _export(tmp_path, name))
    assert uploaded.status_code == 302
    mapping = client.get(uploaded["Location"])
    html = mapping.content.decode()
    assert mapping.status_code == 200
    assert "Respondent ID" in html and "R000" in html and "The buses to school" in html
    assert "R005" not in html  # the preview shows the first five rows only
    imported = client.post(uploaded["Location"], MAPPING)
    assert imported.status_code == 302
    added = Response.objects.filter(consultation=demo).order_by("id")[before:]
    assert len(added) == len(ANSWERS)
    assert [r.respondent_type for r in added[:2]] == ["parent_carer", "other"]
    agreements = [r.answers.get(proposal__code=Q).agreement for r in added[:3]]
    assert agreements == ["strongly_agree", "disagree", ""]
    # The analysis page works with answers that have no agreement and one group (no
    # differences to state).
    assert client.get(_url("index", demo)).status_code == 200
    ids = services.setup_for(demo).imported_ids
    assert sorted(ids[r.reference] for r in added) == [f"R{i:03d}" for i in range(12)]
    # The file is gone once imported: the same step cannot import it twice.
    again = client.post(uploaded["Location"], MAPPING)
    assert again.status_code == 302 and again["Location"].endswith("/import/")
    assert Response.objects.filter(consultation=demo).count() == before + len(ANSWERS)


def test_bad_exports_get_one_clear_sentence_and_nothing_is_imported(client_as, demo, tmp_path):
    client = client_as("analyst", demo.workspace)
    before = Response.objects.count()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    html = _upload(client, demo, empty).content.decode()
    assert "file is empty" in html
    header = tmp_path / "header.csv"
    header.write_text("id,comment\n")
    assert "has a header but no answers" in _upload(client, demo, header).content.decode()
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    assert "neither UTF-8 nor Windows-1252" in _upload(client, demo, binary).content.decode()
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")
    assert "must be a CSV or Excel" in _upload(client, demo, wrong).content.decode()
    # A duplicated id: one sentence naming the row and column, nothing imported.
    path = _export(tmp_path, **{"Respondent ID": ["R1"] * len(ANSWERS)})
    uploaded = _upload(client, demo, path)
    refused = client.post(uploaded["Location"], MAPPING, follow=True).content.decode()
    assert "appears more than once" in refused and "Traceback" not in refused
    assert Response.objects.count() == before
    # An unknown or expired upload sends the person back to upload again.
    gone = client.get(_url("survey_columns", demo, token="0" * 32), follow=True)
    assert "upload the survey export again" in gone.content.decode()


def test_hand_codes_teach_the_machine_are_kept_and_download(
    client_as, demo, tmp_path, django_capture_on_commit_callbacks
):
    client = client_as("analyst", demo.workspace)
    uploaded = _upload(client, demo, _export(tmp_path))
    client.post(uploaded["Location"], MAPPING)
    codebook = tmp_path / "codebook.csv"
    codebook.write_text(CODEBOOK)
    with codebook.open("rb") as upload:
        response = client.post(_url("codebook", demo), {"file": upload})
    assert response.status_code == 302

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_url("run", demo, question=Q), {"mode": "codebook"})
        review = ThemeReview.objects.get(consultation=demo, question=Q)
        assert review.status == ThemeReview.Status.DONE, review.message
        return services.theme_set_of(review)

    first = run()
    labels = {first.themes[t].label for t in first.active_theme_ids()}
    assert {"Transport", "Specialist places", "Staff training", "Money", "Communication"} <= labels
    by_label = {first.themes[t].label: t for t in first.active_theme_ids()}
    ids = services.setup_for(demo).imported_ids
    reference = {v: k for k, v in ids.items()}
    # A person codes five answers, one with a theme they added themselves.
    client.post(_url("operate", demo, question=Q), {"operation": "add", "label": "Phone lines"})
    added = services.theme_set_of(ThemeReview.objects.get(consultation=demo, question=Q))
    phone = next(t for t in added.active_theme_ids() if added.themes[t].label == "Phone lines")
    codes = {
        "R000": by_label["Money"],
        "R001": by_label["Transport"],
        "R006": by_label["Communication"],
        "R010": phone,
        "R011": by_label["Communication"],
    }
    for answer, theme in codes.items():
        client.post(
            _url("operate", demo, question=Q),
            {"operation": "assign", "response_id": reference[answer], "theme_id": theme},
        )
    second = run()
    # Hand codes kept; the theme a person added is still there and now proposed by the machine.
    for answer, theme in codes.items():
        assert theme in second.labels_by_response()[reference[answer]]
    assert second.themes[phone].status == "active"
    assert second.active_theme_ids() == added.active_theme_ids()  # no theme lost or doubled
    proposed = {
        (d.response_id, d.theme_id)
        for d in second.decisions.values()
        if d.origin == "machine" and d.assigned
    }
    before = {
        (d.response_id, d.theme_id)
        for d in first.decisions.values()
        if d.origin == "machine" and d.assigned
    }
    assert proposed != before
    assert second.hand_coded().keys() >= {reference[a] for a in codes}

    page = client.get(_url("themes", demo, question=Q)).content.decode()
    assert "People coded 5 of them" in page and "How sure the machine is" in page
    unsure = client.get(_url("answers", demo, question=Q) + "?show=unsure").content.decode()
    assert reference["R000"] not in unsure  # coded answers are not asked for again

    download = client.get(_url("assignments", demo, question=Q))
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert list(rows[0]) == ["id", "theme_id", "theme_label", "assigned_by", "confidence"]
    people = {(r["id"], r["theme_id"]) for r in rows if r["assigned_by"] == "person"}
    assert people >= set(codes.items())
    assert all(float(r["confidence"]) == 1 for r in rows if r["assigned_by"] == "person")
    machine = [r for r in rows if r["assigned_by"] == "machine" and r["id"].startswith("R")]
    assert machine and all(0.5 <= float(r["confidence"]) <= 1 for r in machine)


def test_viewers_and_other_workspaces_cannot_import_or_download(
    client_as, demo, other_workspace, tmp_path
):
    urls = [
        ("get", _url("survey_import", demo)),
        ("post", _url("survey_import", demo)),
        ("get", _url("survey_columns", demo, token="0" * 32)),
        ("get", _url("assignments", demo, question=Q)),
    ]
    for client in (client_as("viewer", demo.workspace), client_as("analyst", other_workspace)):
        for method, url in urls:
            assert getattr(client, method)(url).status_code in (403, 404), url


def test_an_upload_nobody_mapped_is_deleted_a_day_later(client_as, demo, tmp_path):
    import os
    import time

    client = client_as("analyst", demo.workspace)
    first = _upload(client, demo, _export(tmp_path))["Location"].rstrip("/").split("/")[-1]
    folder = services.survey_upload(demo, first).parent
    day_ago = time.time() - services.ABANDONED_AFTER_SECONDS - 60
    os.utime(folder, (day_ago, day_ago))
    second = _upload(client, demo, _export(tmp_path))["Location"].rstrip("/").split("/")[-1]
    assert not folder.exists()
    assert services.survey_upload(demo, second).is_file()
    assert oct(folder.parent.stat().st_mode & 0o777) == "0o700"
