"""The staff response list: pages of 50, search by reference, filter by version."""

from __future__ import annotations

import pytest

from highneeds.consult.reference import new_reference
from highneeds.web.consultations.models import Response
from highneeds.web.consultations.views_staff import RESPONSES_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(consultation):
    Response.objects.bulk_create(
        Response(
            consultation=consultation,
            reference=new_reference(),
            respondent_type="parent_carer",
            version="easy_read" if i % 10 == 0 else "standard",
        )
        for i in range(RESPONSES_PER_PAGE + 20)
    )
    return consultation


def _url(consultation) -> str:
    return (
        f"/workspaces/{consultation.workspace.la_code}/consultations/{consultation.pk}/responses/"
    )


def _rows(html: str) -> int:
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0].count('<tr class="govuk-table__row">')


def test_long_lists_are_paged(staff, many):
    client = staff("analyst")
    first = client.get(_url(many)).content.decode()
    assert _rows(first) == RESPONSES_PER_PAGE
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "70 in all" in first
    second = client.get(_url(many) + "?page=2").content.decode()
    assert _rows(second) == 20 and 'rel="prev"' in second


def test_search_finds_a_reference_typed_any_way_and_filters_keep_across_pages(staff, many):
    client = staff("analyst")
    wanted = Response.objects.filter(consultation=many).first().reference
    typed = wanted.replace("-", " ").lower()
    html = client.get(_url(many), {"q": typed}).content.decode()
    assert _rows(html) == 1 and wanted in html
    easy = client.get(_url(many), {"version": "easy_read"}).content.decode()
    assert _rows(easy) == 7
    nothing = client.get(_url(many), {"q": "ZZZ"}).content.decode()
    assert "No responses match." in nothing
