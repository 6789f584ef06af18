"""Importing coded responses (another system's export, or synthetic demo data)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from highneeds.errors import InputFileError
from highneeds.web.consultations import services
from highneeds.web.consultations.models import Response

pytestmark = pytest.mark.django_db


def _frame(**overrides):
    rows = [
        {
            "response_id": "S1",
            "version": "standard",
            "respondent_type": "parent_carer",
            "source": "online",
            "P1__agree": "agree",
            "P1__why": "Sooner is better",
            "P3__agree": "",
            "P3__why": "",
        },
        {
            "response_id": "S2",
            "version": "easy_read",
            "respondent_type": "young_person",
            "source": "event",
            "P1__agree": "dont_know",
            "P1__why": "",
            "P3__agree": "disagree",
            "P3__why": "Too far",
        },
    ]
    rows[1].update(overrides)
    return pd.DataFrame(rows)


def test_import_adds_marked_responses_with_their_answers(consultation):
    assert services.import_responses(consultation, _frame(), note="synthetic") == 2
    imported = Response.objects.order_by("id")
    assert [r.source for r in imported] == ["online", "event"]
    assert all(r.source_note.startswith("synthetic") for r in imported)
    second = imported[1]
    assert {a.proposal.code: a.agreement for a in second.answers.all()} == {
        "P1": "dont_know",
        "P3": "disagree",
    }


def test_import_is_all_or_nothing_and_names_the_row(consultation):
    with pytest.raises(InputFileError) as error:
        services.import_responses(consultation, _frame(P1__why="x" * 6000), note="n", file="in.csv")
    assert "row 3" in str(error.value) and "in.csv" in str(error.value)
    assert not Response.objects.exists()


def test_import_refuses_unknown_codes(consultation):
    with pytest.raises(InputFileError, match="P9"):
        services.import_responses(consultation, _frame().assign(P9__agree="agree"), note="n")
    with pytest.raises(InputFileError, match="respondent_type"):
        services.import_responses(consultation, _frame(respondent_type="alien"), note="n")
    assert not Response.objects.exists()


def test_import_command_round_trips_a_code_export(consultation, staff, tmp_path):
    services.import_responses(consultation, _frame(), note="first")
    url = (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/"
        "export/?format=csv&headers=codes"
    )
    path = tmp_path / "export.csv"
    path.write_bytes(staff("analyst").get(url).content)
    out = io.StringIO()
    call_command(
        "import_consultation_responses",
        str(path),
        consultation=consultation.slug,
        note="copy",
        stdout=out,
    )
    assert "Added 2 responses" in out.getvalue()
    assert Response.objects.filter(source_note__startswith="copy").count() == 2
    with pytest.raises(CommandError, match="No consultation"):
        call_command("import_consultation_responses", str(path), consultation="nope", note="x")


def test_demo_seed_with_synthetic_responses_is_marked_and_not_repeated():
    out = io.StringIO()
    call_command("seed_demo_consultation", synthetic_responses=40, stdout=out)
    assert "Added 40 synthetic responses" in out.getvalue()
    call_command("seed_demo_consultation", synthetic_responses=40, stdout=out)
    assert Response.objects.count() == 40
    assert set(Response.objects.values_list("consultation__slug", flat=True)) == {
        "high-needs-review"
    }
    assert all(
        note.startswith("synthetic demo data")
        for note in Response.objects.values_list("source_note", flat=True)
    )
