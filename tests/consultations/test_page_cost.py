"""What each public page costs the database, pinned so it cannot creep back; and the copy of a
consultation's questions each server process keeps (``structure``) is never out of date.

Building and running one query costs a Django process about half a millisecond of CPU, a tenth
of a page, and 50 people answering at once share two cores (BENCHMARKS.md, issue 15). Counted
here: statements that read or write data. BEGIN, COMMIT and savepoints are left out (SQLite
sends them as statements, PostgreSQL does not) and so are PostgreSQL's advisory locks (the
submission limits take one per limit), so the numbers hold on both databases.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from highneeds.web.consultations import structure
from highneeds.web.consultations.models import Area, BackgroundLink, Proposal

from .helpers import base

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SELECT pg_advisory)", re.I)

#: Data statements per page once the process holds the consultation's questions. Reads: the
#: session (once it exists) and the consultation. Writes: the session when an answer is saved.
EXPECTED = {
    "start GET": 1,  # the consultation (no session yet)
    "about GET": 1,
    "about POST": 3,  # the consultation; the new session's key checked unused, then inserted
    "area GET": 2,  # the session, the consultation
    "area POST": 3,  # ... and the session updated
    "equality GET": 2,
    "equality POST": 3,
    "check GET": 2,
    # The send: session, consultation, the journey's token not used before, the consultation
    # again inside the transaction (open to the second), device and address limits (counted
    # and recorded in one statement each), the response, its answers, equality answers, the
    # session. The answers are checked against the process's copy of the proposals. Likely
    # duplicates are looked for later, by staff pages.
    "check POST": 10,
    "confirmation GET": 2,
}


def _data_statements(captured) -> int:
    return sum(1 for query in captured.captured_queries if not CONTROL.match(query["sql"]))


def _walk(consultation) -> dict[str, list[int]]:
    """One person's whole journey; the data statements of each page."""
    client = Client()
    root = base(consultation)
    counts: dict[str, list[int]] = {}

    def visit(label, url, data=None):
        with CaptureQueriesContext(connection) as captured:
            reply = client.post(url, data) if data is not None else client.get(url)
        assert reply.status_code in (200, 302), (label, reply.status_code)
        counts.setdefault(label, []).append(_data_statements(captured))

    visit("start GET", f"{root}/")
    visit("about GET", f"{root}/about-you/")
    visit("about POST", f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    for area in consultation.areas.all():
        visit("area GET", f"{root}/area/{area.position}/")
        answers = {}
        for proposal in area.proposals.all():
            answers |= {f"agree_{proposal.pk}": "agree", f"why_{proposal.pk}": "Sooner."}
        visit("area POST", f"{root}/area/{area.position}/", answers)
    visit("equality GET", f"{root}/equality/")
    visit("equality POST", f"{root}/equality/", {"age_band": "25_44"})
    visit("check GET", f"{root}/check-your-answers/")
    visit("check POST", f"{root}/check-your-answers/", {})
    visit("confirmation GET", f"{root}/confirmation/")
    return counts


def test_each_public_page_reads_and_writes_no_more_than_it_needs(consultation):
    Client().get(f"{base(consultation)}/")  # this process reads the questions once
    first, second, third = (_walk(consultation) for _ in range(3))
    assert {label: max(numbers) for label, numbers in first.items()} == EXPECTED
    # Nothing grows with the number of responses, alike ones from the same address included.
    assert {label: max(numbers) for label, numbers in second.items()} == EXPECTED
    assert {label: max(numbers) for label, numbers in third.items()} == EXPECTED


def test_a_process_reads_the_questions_once_not_on_every_page(consultation):
    structure._copies.clear()  # a process that has not served this consultation yet
    root = base(consultation)
    with CaptureQueriesContext(connection) as first:
        Client().get(f"{root}/")
    with CaptureQueriesContext(connection) as second:
        Client().get(f"{root}/")
    # areas, their proposals and the background links; then none of them again
    assert _data_statements(first) == _data_statements(second) + 3


def _as_another_process_would(stale: dict) -> None:
    """Put back copies read before a change: another server process still holds them."""
    structure._copies.update(stale)


def test_changed_wording_shows_at_once_even_where_a_process_kept_a_copy(consultation):
    root = base(consultation)
    client = Client()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    assert "Support schools sooner" in client.get(f"{root}/area/1/").content.decode()
    stale = dict(structure._copies)
    before = type(consultation).objects.get(pk=consultation.pk).updated_at

    proposal = Proposal.objects.get(area__consultation=consultation, code="P1")
    proposal.text = "Support schools from the first term"
    proposal.save()
    area = Area.objects.get(consultation=consultation, position=2)
    area.title = "Places near home"
    area.save()

    assert type(consultation).objects.get(pk=consultation.pk).updated_at > before
    _as_another_process_would(stale)
    page = client.get(f"{root}/area/1/").content.decode()
    assert "Support schools from the first term" in page
    assert "Support schools sooner" not in page
    _as_another_process_would(stale)
    assert "Places near home" in client.get(f"{root}/area/2/").content.decode()


def test_a_new_background_link_shows_on_the_start_page_at_once(consultation):
    root = base(consultation)
    assert "Read more" not in Client().get(f"{root}/").content.decode()
    stale = dict(structure._copies)
    BackgroundLink.objects.create(
        consultation=consultation, title="The review in full", url="https://example.org/review"
    )
    _as_another_process_would(stale)
    page = Client().get(f"{root}/").content.decode()
    assert "The review in full" in page


def test_a_deleted_proposal_leaves_the_pages_at_once(workspace):
    from .conftest import make_consultation

    draft = make_consultation(workspace, slug="draft-review", status="draft")
    draft.status = "published"
    draft.save()
    root = base(draft)
    client = Client()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    assert "Train school staff" in client.get(f"{root}/area/1/").content.decode()
    stale = dict(structure._copies)
    Proposal.objects.get(area__consultation=draft, code="P2").delete()
    _as_another_process_would(stale)
    assert "Train school staff" not in client.get(f"{root}/area/1/").content.decode()


def test_the_compiled_consultation_read_gives_what_the_orm_gives(consultation):
    expected = type(consultation).objects.select_related("workspace").get(slug=consultation.slug)
    with CaptureQueriesContext(connection) as captured:
        read = structure.by_slug(consultation.slug)
        workspace_name = read.workspace.name  # read with it, not asked for again
    assert _data_statements(captured) == 1
    fields = [f.attname for f in type(consultation)._meta.concrete_fields]
    assert {f: getattr(read, f) for f in fields} == {f: getattr(expected, f) for f in fields}
    assert workspace_name == expected.workspace.name
    assert read.workspace.pk == expected.workspace.pk
    assert read.opens_at.tzinfo is not None and read.phase() == expected.phase()
    assert not read._state.adding and read._state.db == "default"
    assert structure.by_slug("no-such-consultation") is None
    again = structure.by_pk(consultation.pk)
    assert again.slug == consultation.slug and again.workspace.pk == expected.workspace.pk
    assert structure.by_pk(10**9) is None


def test_the_send_refuses_answers_to_a_proposal_removed_since_the_page(consultation):
    """The send checks the answers against the process's copy of the proposals, which a
    change anywhere makes stale: a proposal deleted by staff (in another process) while
    someone answered is refused, not stored."""
    from .helpers import complete_journey

    root = base(consultation)
    client = Client()
    client.post(f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    proposal = Proposal.objects.get(area__consultation=consultation, code="P1")
    client.post(
        f"{root}/area/{proposal.area.position}/",
        {f"agree_{proposal.pk}": "agree", f"why_{proposal.pk}": "Sooner."},
    )
    stale = dict(structure._copies)
    proposal.delete()
    _as_another_process_would(stale)
    reply = client.post(f"{root}/check-your-answers/", {})
    assert reply.status_code == 400
    assert "not in this consultation" in reply.content.decode()
    assert not consultation.responses.exists()
    assert complete_journey(Client(), consultation).status_code == 200  # fresh answers go


def test_a_closed_consultation_is_closed_on_the_next_page(consultation):
    """Only the SQL is kept between requests, never the consultation: staff closing it
    closes the journey at once."""
    from django.utils import timezone

    root = base(consultation)
    client = Client()
    assert "Continue" in client.get(f"{root}/about-you/").content.decode()
    consultation.closes_at = timezone.now()
    consultation.save()
    page = client.get(f"{root}/about-you/")
    assert 'name="respondent_type"' not in page.content.decode()
    reply = client.post(f"{root}/about-you/", {"respondent_type": "parent_carer", "website": ""})
    assert reply.status_code == 403
