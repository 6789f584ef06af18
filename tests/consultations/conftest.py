"""Fixtures for consultation tests: an open consultation with two areas, and signed-in staff."""

from __future__ import annotations

from datetime import timedelta

import factory.random
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from highneeds.web.accounts.models import Membership
from web.conftest import django_db_setup  # noqa: F401 - the core's tables in the test database
from web.factories import MembershipFactory, UserFactory, WorkspaceFactory

from .factories import AreaFactory, ConsultationFactory, ProposalFactory

Role = Membership.Role


@pytest.fixture(autouse=True)
def _seeded_and_clean():
    factory.random.reseed_random(20261123)
    cache.clear()


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(la_code="990", name="Fictional Borough")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(la_code="991", name="Other Fictional County")


def make_consultation(workspace, *, slug="send-review", opens=-1, closes=30, status="published"):
    """A consultation with areas A (P1, P2) and B (P3); opens/closes are days from now."""
    now = timezone.now().replace(microsecond=0)
    consultation = ConsultationFactory(
        workspace=workspace,
        slug=slug,
        title="SEND review",
        status=status,
        opens_at=now + timedelta(days=opens),
        closes_at=now + timedelta(days=closes),
    )
    first = AreaFactory(consultation=consultation, position=1, title="Early help")
    second = AreaFactory(consultation=consultation, position=2, title="Specialist places")
    ProposalFactory(
        area=first,
        position=1,
        code="P1",
        text="Support schools sooner",
        easy_read_text="Help children sooner",
    )
    ProposalFactory(area=first, position=2, code="P2", text="Train school staff")
    ProposalFactory(area=second, position=1, code="P3", text="More local places")
    return consultation


@pytest.fixture
def consultation(workspace):
    return make_consultation(workspace)


@pytest.fixture
def staff(db, workspace):
    """staff(role, workspace=None) -> a Client signed in as a member with that role."""

    def make(role: str, in_workspace=None) -> Client:
        user = MembershipFactory(role=role, workspace=in_workspace or workspace).user
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


@pytest.fixture
def outsider_client(db):
    client = Client()
    client.force_login(UserFactory())
    return client
