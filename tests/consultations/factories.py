"""factory_boy factories for consultations (seeded in conftest for repeatable runs)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from highneeds.web.consultations.models import Area, Consultation, Proposal
from web.factories import WorkspaceFactory


def _now():
    return timezone.now().replace(microsecond=0)


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    workspace = factory.SubFactory(WorkspaceFactory)
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    title = factory.Faker("sentence", nb_words=4)
    summary = "We want your views."
    privacy_notice = "We use your answers to decide."
    contact = "send@example.org"
    opens_at = factory.LazyFunction(lambda: _now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: _now() + timedelta(days=30))
    status = Consultation.Status.PUBLISHED
    residence_areas = "North\nSouth"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    consultation = factory.SubFactory(ConsultationFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=3)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    area = factory.SubFactory(AreaFactory)
    position = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"X{n}")
    text = factory.Faker("sentence", nb_words=8)
