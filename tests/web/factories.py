"""factory_boy factories for web tests (seeded by conftest for repeatable runs)."""

import factory
from django.contrib.auth import get_user_model

from highneeds.web.accounts.models import Membership, Workspace

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace
        django_get_or_create = ("la_code",)

    la_code = factory.Sequence(lambda n: f"{900 + n}")
    name = factory.Sequence(lambda n: f"Fictional Council {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    workspace = factory.SubFactory(WorkspaceFactory)
    role = Membership.Role.VIEWER


def shown_tables(job) -> dict:
    """A finished job's tables under the headings people read (as the page shows them)."""
    from highneeds.web.workspace import services

    return {name: table.labelled() for name, table in services.job_tables(job).items()}
