"""The demo consultation: the fictional LA's review of high needs spending, in four areas.

Modelled on the shape of a real council's 2020 consultation on its High Needs block (early help
and SEN support; specialist settings; emotional wellbeing; inclusion and pupil referral units).
All wording here is written for the demo; the LA, its people and addresses are fictional.
Proposal codes P1-P4 match the analysis's synthetic responses (highneeds.consult.analysis).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from highneeds.sen2.synth import LA_CODE, LA_NAME
from highneeds.web.accounts.models import Workspace

from .models import Area, BackgroundLink, Consultation, Proposal

SLUG = "high-needs-review"

AREAS = [
    {
        "title": "Early help and SEN support",
        "introduction": "Most children with special educational needs go to mainstream schools "
        "and get support without an education, health and care plan (EHCP).",
        "easy_read_introduction": "Most children who need extra help go to a local school.",
        "young_person_introduction": "Most young people who need extra help go to their local "
        "school or college. Lots of them get help without a plan.",
        "code": "P1",
        "text": "Give mainstream schools more money and advice to support children early, "
        "without waiting for a plan: a new outreach team from our special schools, training for "
        "school staff, and quicker checks when a child may have extra needs.",
        "easy_read_text": "We want to help children sooner. Schools will get more money and "
        "advice. Teachers from special schools will visit to help.",
        "young_person_text": "We want you to get help sooner at school or college. You would "
        "not have to wait for a plan first. Staff from special schools would come in to help "
        "your teachers.",
    },
    {
        "title": "Specialist settings",
        "introduction": "Some children need a place in a special school or a resourced unit "
        "in a mainstream school. Too many travel a long way to schools outside the area.",
        "easy_read_introduction": "Some children go to a special school. Some travel a long way.",
        "young_person_introduction": "Some young people go to a special school or a special "
        "unit. Some travel a long way to get there each day.",
        "code": "P2",
        "text": "Create more special school and resourced unit places in the borough, so fewer "
        "children travel to independent schools out of the area.",
        "easy_read_text": "We want more special school places near where children live.",
        "young_person_text": "We want more special school places near where you live. That "
        "means less time on a bus or in a taxi each day. You could go to school near your "
        "friends.",
    },
    {
        "title": "Emotional wellbeing",
        "introduction": "More children and young people are anxious or struggle with their "
        "mental health, and some stop going to school.",
        "easy_read_introduction": "Some children feel worried or sad a lot.",
        "young_person_introduction": "Lots of young people feel worried or low. Some find it "
        "hard to go to school or college.",
        "code": "P3",
        "text": "Put mental health workers and counselling into schools, and offer faster help "
        "for anxiety, so that children get support before they reach crisis.",
        "easy_read_text": "We want people in schools who can help children with their feelings.",
        "young_person_text": "We want people you can talk to at school or college. If you feel "
        "worried or low, you could get help quickly. You would not have to wait months.",
    },
    {
        "title": "Inclusion and pupil referral units",
        "introduction": "Children who are excluded from school often go to a pupil referral "
        "unit (PRU). Many of them have special educational needs.",
        "easy_read_introduction": "Some children are sent away from their school. They go to "
        "a different, smaller school.",
        "young_person_introduction": "Some young people are told to leave their school. Some "
        "then go to a small school for pupils sent out of class.",
        "code": "P4",
        "text": "Work with schools to reduce exclusions, give schools inclusion support, and "
        "reshape the pupil referral unit so more children can return to mainstream school.",
        "easy_read_text": "We want fewer children sent away from school. We want to help them go "
        "back to their school.",
        "young_person_text": "We want fewer young people to be sent away from school. If it "
        "happens to you, we want to help you go back to your school.",
    },
]

PRIVACY_NOTICE = (
    "Stockbridge Council (fictional) runs this consultation to inform decisions about services "
    "for children and young people with special educational needs and disabilities. We use your "
    "answers only for this purpose, under our public task.\n\n"
    "We do not ask for your name. If you give an email address or organisation name, only the "
    "consultation team can see it. Equality monitoring answers are optional, stored separately "
    "and reported only as totals.\n\n"
    "We may quote what you wrote in our report, after removing anything that could identify you."
)


@transaction.atomic
def seed_demo_consultation(*, open_days: int = 90) -> tuple[Consultation, bool]:
    """Create the demo consultation for the fictional LA, open now. Returns (it, created).

    Running it again leaves an existing demo consultation alone (its responses are kept), but
    re-opens it if it has closed so the demo always has an open consultation.
    """
    workspace, _ = Workspace.objects.get_or_create(la_code=LA_CODE, defaults={"name": LA_NAME})
    now = timezone.now().replace(microsecond=0)
    existing = Consultation.objects.filter(slug=SLUG).first()
    if existing is not None:
        if existing.closes_at <= now:
            existing.closes_at = now + timedelta(days=open_days)
            existing.save(update_fields=["closes_at", "updated_at"])
        return existing, False
    consultation = Consultation.objects.create(
        workspace=workspace,
        slug=SLUG,
        title="Have your say on support for children with SEND",
        summary="We have reviewed how we spend the high needs budget: the money for children "
        "and young people with special educational needs and disabilities (SEND). We want to "
        "know what you think of our first proposals in four areas.",
        easy_read_summary="We want to change how we help children who need extra help at school. "
        "Tell us what you think.",
        young_person_summary="We want to change how we help young people who need extra help "
        "with learning. It could change the help you get at school or college. Tell us what "
        "you think. Your views will help us decide.",
        background="The high needs budget pays for extra support in schools, places in special "
        "schools and units, pupil referral units and some support services. A six-month review "
        "recommended a five-year programme of change. Your views will shape the final proposals "
        "before councillors decide.",
        residence_areas="North Stockbridge\nSouth Stockbridge\nStockbridge town centre\n"
        "Eastvale\nWestmoor",
        privacy_notice=PRIVACY_NOTICE,
        contact="send.consultation@stockbridge.example",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=open_days),
        retention_days=365,
        status=Consultation.Status.PUBLISHED,
    )
    BackgroundLink.objects.create(
        consultation=consultation,
        position=1,
        title="Summary of the high needs review (demo)",
        url="https://example.org/stockbridge/high-needs-review-summary",
    )
    for position, spec in enumerate(AREAS, start=1):
        area = Area.objects.create(
            consultation=consultation,
            position=position,
            title=spec["title"],
            introduction=spec["introduction"],
            easy_read_introduction=spec["easy_read_introduction"],
            young_person_introduction=spec["young_person_introduction"],
        )
        Proposal.objects.create(
            area=area,
            position=1,
            code=spec["code"],
            text=spec["text"],
            easy_read_text=spec["easy_read_text"],
            young_person_text=spec["young_person_text"],
        )
    return consultation, True


SYNTHETIC_NOTE = "synthetic demo data"


def add_synthetic_responses(consultation: Consultation, count: int, seed: int = 2020) -> int:
    """Add ``count`` synthetic responses (marked SYNTHETIC_NOTE) unless some are there already.

    They come from the analysis's generator, so the demo's analysis pages have data to show.
    Returns how many were added (0 when synthetic responses already exist).
    """
    from highneeds.consult.analysis.synthetic import build_responses

    from .services import import_responses

    if consultation.responses.filter(source_note__startswith=SYNTHETIC_NOTE).exists():
        return 0
    responses, _coding = build_responses(n_responses=count, seed=seed)
    return import_responses(consultation, responses, note=SYNTHETIC_NOTE)
