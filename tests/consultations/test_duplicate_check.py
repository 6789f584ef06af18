"""Likely duplicates are found after the send, by the staff pages and the daily command.

The public send only saves the response (a respondent never waits for the comparison);
``services.flag_pending_duplicates`` compares every response not yet checked with the earlier
ones from its address, once.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from highneeds.web.consultations import services
from highneeds.web.consultations.models import DuplicateFlag, Response

from .conftest import make_consultation

pytestmark = pytest.mark.django_db

HERE = services.address_fingerprint("203.0.113.7")
THERE = services.address_fingerprint("198.51.100.9")


def send(consultation, text: str, *, address: str = HERE, minutes: float = 0, **kwargs):
    proposals = services.proposals_of(consultation)
    data = services.ResponseData(
        version="standard",
        respondent_type="parent_carer",
        answers={p.pk: ("agree", text) for p in proposals},
        received_at=timezone.now() + timedelta(minutes=minutes),
    )
    response, _ = services.submit_response(consultation, data, address=address, **kwargs)
    return response


def pairs():
    return sorted(
        (flag.response.reference, flag.duplicate_of.reference)
        for flag in DuplicateFlag.objects.select_related("response", "duplicate_of")
    )


def test_each_later_alike_response_points_at_every_earlier_one_once(workspace):
    consultation = make_consultation(workspace)
    first, second, third = (send(consultation, "Too far to travel", minutes=m) for m in (0, 1, 2))
    other = send(consultation, "My child waited two years for an assessment", minutes=3)
    assert services.flag_pending_duplicates(consultation) == 4
    assert pairs() == sorted(
        [
            (second.reference, first.reference),
            (third.reference, first.reference),
            (third.reference, second.reference),
        ]
    )
    assert not other.duplicate_flags.exists()
    # Checked once: running again compares nothing and adds nothing, and it costs one read,
    # no transaction (every staff page that shows flags asks).
    with CaptureQueriesContext(connection) as captured:
        assert services.flag_pending_duplicates(consultation) == 0
    assert len(captured.captured_queries) == 1
    assert DuplicateFlag.objects.count() == 3


def test_a_new_response_is_compared_with_responses_checked_before(workspace):
    consultation = make_consultation(workspace)
    earlier = send(consultation, "Too far to travel")
    assert services.flag_pending_duplicates(consultation) == 1 and not pairs()
    later = send(consultation, "Too far to travel!", minutes=5)
    assert services.flag_pending_duplicates(consultation) == 1
    assert pairs() == [(later.reference, earlier.reference)]


def test_other_addresses_and_responses_a_day_apart_are_not_compared(workspace):
    consultation = make_consultation(workspace)
    send(consultation, "Too far to travel")
    send(consultation, "Too far to travel", address=THERE, minutes=1)
    send(consultation, "Too far to travel", minutes=60 * 24 + 5)
    assert services.flag_pending_duplicates(consultation) == 3
    assert pairs() == []


def test_responses_without_an_address_are_checked_as_they_are_saved(workspace):
    consultation = make_consultation(workspace)
    paper = send(consultation, "Too far to travel", address="", imported=True)
    assert paper.duplicates_checked_at is not None
    assert services.flag_pending_duplicates(consultation) == 0


def test_the_export_compares_new_responses_before_it_is_written(workspace):
    consultation = make_consultation(workspace)
    send(consultation, "Too far to travel")
    later = send(consultation, "Too far to travel", minutes=1)
    rows = {
        row["response_id"]: row["likely_duplicate"]
        for row in services.export_rows(consultation, labels=True)
    }
    assert rows[later.reference] == "Yes"
    assert list(rows.values()).count("Yes") == 1


def test_the_daily_command_compares_before_erasing_addresses(workspace):
    consultation = make_consultation(workspace)
    send(consultation, "Too far to travel")
    later = send(consultation, "Too far to travel", minutes=1)
    out = io.StringIO()
    after_retention = consultation.erase_personal_data_after + timedelta(days=1)
    with freeze_time(after_retention):
        call_command("erase_expired_consultation_data", stdout=out)
    assert "Compared 2 new responses with earlier ones for duplicates." in out.getvalue()
    assert pairs() == [(later.reference, Response.objects.earliest("received_at").reference)]
    assert set(Response.objects.values_list("address_fingerprint", flat=True)) == {""}


def test_erasure_alone_compares_pending_responses_first(workspace):
    consultation = make_consultation(workspace)
    send(consultation, "Too far to travel")
    send(consultation, "Too far to travel", minutes=1)
    with freeze_time(consultation.erase_personal_data_after + timedelta(days=1)):
        services.erase_expired_personal_data()
    assert DuplicateFlag.objects.count() == 1
