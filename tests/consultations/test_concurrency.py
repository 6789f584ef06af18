"""Concurrent submissions: every one saved once, a repeated token never stored twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from highneeds.web.consultations import services
from highneeds.web.consultations.models import Answer, Response

from .conftest import make_consultation

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(count: int, work) -> list:
    results: list = []
    errors: list = []

    def run(number: int) -> None:
        try:
            results.append(work(number))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def _data(consultation, text: str) -> services.ResponseData:
    proposals = services.proposals_of(consultation)
    return services.ResponseData(
        version="standard",
        respondent_type="parent_carer",
        answers={p.pk: ("agree", text) for p in proposals},
    )


def test_concurrent_distinct_submissions_all_saved_whole(workspace):
    consultation = make_consultation(workspace)
    results = _in_threads(
        12,
        lambda n: services.submit_response(
            consultation, _data(consultation, f"answer {n}"), token=f"token-{n}"
        ),
    )
    assert all(created for _, created in results)
    assert Response.objects.count() == 12
    assert Answer.objects.count() == 12 * 3
    assert len({r.reference for r, _ in results}) == 12


def test_concurrent_repeats_of_one_submission_store_it_once(workspace):
    consultation = make_consultation(workspace)
    results = _in_threads(
        8,
        lambda n: services.submit_response(
            consultation, _data(consultation, "same"), token="one-journey"
        ),
    )
    assert Response.objects.count() == 1
    assert {r.reference for r, _ in results} == {Response.objects.get().reference}
    assert sum(created for _, created in results) == 1
