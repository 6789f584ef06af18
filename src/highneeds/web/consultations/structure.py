"""What a consultation asks and links to — its areas with their proposals, and its background
links — read once per server process and reused until the consultation changes.

Every page of the public journey needs the areas (the steps, "Part n of m", the back links)
and most need the proposals: read afresh, they were two of a page's four or five queries, and
building and running a query costs a Django process about half a millisecond of CPU. They
change only when staff edit the consultation, and every such change moves the consultation's
``updated_at``: the receivers below do it for any save or delete of an area, proposal or
background link, by any route (staff pages, services, the admin, a command). Each request
reads the consultation anyway, so a copy kept under that time stamp is used only while it is
still true; a process holds one copy per consultation.

``QuerySet.update()`` and ``bulk_create()`` send no signals: code that changes these models
that way must call ``changed()`` itself (none does today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Area, BackgroundLink, Consultation, Proposal


@dataclass(frozen=True)
class Questions:
    """A consultation's areas in order, each with its proposals read, and its links."""

    areas: tuple[Area, ...]
    links: tuple[BackgroundLink, ...]


#: consultation id -> (its updated_at when read, what was read). One process's copies.
_copies: dict[int, tuple[datetime, Questions]] = {}


def of(consultation: Consultation) -> Questions:
    """The consultation's areas (proposals prefetched) and links, from this process's copy
    when the consultation has not changed since it was read."""
    kept = _copies.get(consultation.pk)
    if kept is not None and kept[0] == consultation.updated_at:
        return kept[1]
    questions = Questions(
        areas=tuple(consultation.areas.prefetch_related("proposals")),
        links=tuple(consultation.links.all()),
    )
    _copies[consultation.pk] = (consultation.updated_at, questions)
    return questions


def changed(consultation_ids) -> None:
    """Mark these consultations changed: every process reads their questions again."""
    Consultation.objects.filter(pk__in=list(consultation_ids)).update(updated_at=timezone.now())
    # This process forgets at once, even if the clock has not moved (a frozen test clock).
    _copies.clear()


@receiver(post_save, sender=Area, dispatch_uid="structure-area-saved")
@receiver(post_delete, sender=Area, dispatch_uid="structure-area-deleted")
@receiver(post_save, sender=BackgroundLink, dispatch_uid="structure-link-saved")
@receiver(post_delete, sender=BackgroundLink, dispatch_uid="structure-link-deleted")
def _area_or_link_changed(sender, instance, **kwargs) -> None:
    changed([instance.consultation_id])


@receiver(post_save, sender=Proposal, dispatch_uid="structure-proposal-saved")
@receiver(post_delete, sender=Proposal, dispatch_uid="structure-proposal-deleted")
def _proposal_changed(sender, instance, **kwargs) -> None:
    # The area may be going too (a cascade): then its own receiver marks the consultation.
    changed(Area.objects.filter(pk=instance.area_id).values_list("consultation_id", flat=True))


@receiver(post_save, sender=Consultation, dispatch_uid="structure-consultation-saved")
@receiver(post_delete, sender=Consultation, dispatch_uid="structure-consultation-deleted")
def _consultation_saved(sender, instance, **kwargs) -> None:
    # Its new updated_at already marks it; a new or deleted one must not meet an old copy
    # kept under a reused id (SQLite reuses the ids of rolled-back rows).
    _copies.pop(instance.pk, None)
