"""Walk the public journey with Django's test client."""

from __future__ import annotations

from highneeds.web.consultations.models import Consultation


def base(consultation: Consultation, version_slug: str = "standard") -> str:
    return f"/consult/{consultation.slug}/{version_slug}"


def complete_journey(
    client,
    consultation: Consultation,
    *,
    why: str = "Because it helps.",
    agreement: str = "agree",
    version_slug: str = "standard",
    about: dict | None = None,
):
    """Answer every page and submit; returns the final response (after redirects)."""
    root = base(consultation, version_slug)
    data = {
        "respondent_type": "parent_carer",
        "area_of_residence": "North",
        "organisation_name": "",
        "contact_email": "parent@example.org",
        "website": "",
    }
    data.update(about or {})
    response = client.post(f"{root}/about-you/", data)
    assert response.status_code == 302, response.content[:2000]
    for area in consultation.areas.all():
        answers = {}
        for proposal in area.proposals.all():
            answers[f"agree_{proposal.pk}"] = agreement
            answers[f"why_{proposal.pk}"] = why
        response = client.post(f"{root}/area/{area.position}/", answers)
        assert response.status_code == 302, response.content[:2000]
    if consultation.asks_equality:
        response = client.post(
            f"{root}/equality/",
            {"age_band": "25_44", "disabled": "no", "ethnic_group": "prefer_not"},
        )
        assert response.status_code == 302
    return client.post(f"{root}/check-your-answers/", follow=True)
