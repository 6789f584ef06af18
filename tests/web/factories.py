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


# A survey export's free-text answers and a plain codebook for them (consultation analysis).
SURVEY_ANSWERS = [
    "The buses to school are late every morning and the taxi contract keeps changing.",
    "Transport is the problem: my son waits an hour for the school bus.",
    "Travel training would help young people get to college on their own.",
    "Special school places are full and the waiting list is too long.",
    "We need more specialist places near home, not out of the county.",
    "Build another special school in the north of the county.",
    "Staff in mainstream schools need training in autism.",
    "Teachers do not understand ADHD and need more training.",
    "The cost of independent placements is too high for the council.",
    "Money should follow the child, and budgets are already stretched.",
    "Nobody answers the phone at the SEND team.",
    "Communication from the council is poor; letters arrive late.",
]
SURVEY_CODEBOOK = (
    "theme_id,label,description\n"
    "TR,Transport,Travel to school: buses and taxis.\n"
    "PL,Specialist places,Places in special schools and waiting lists.\n"
    "TN,Staff training,Training for school staff.\n"
    "MO,Money,Costs and budgets.\n"
    "CO,Communication,How the council keeps families informed.\n"
)
