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

The consultation itself is read afresh on every request (``by_slug``), as it must be: its
status and dates decide whether the journey is open. Only the SQL is kept, compiled once per
process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.db.models.query import get_related_populators
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


class _ReadOne:
    """``Consultation.objects.select_related("workspace").get(<field>=...)`` with the SQL and
    its column handling worked out once: Django compiles a query afresh each time it runs,
    about 0.3 ms of CPU, most of the cost of reading one row. Rows become objects as
    Django's own ``ModelIterable`` makes them (converters, ``from_db``, the workspace
    populated as ``select_related`` does)."""

    def __init__(self, using: str, field: str, placeholder):
        self.using = using
        compiler = (
            Consultation.objects.using(using)
            .select_related("workspace")
            .filter(**{field: placeholder})
            .query.get_compiler(using=using)
        )
        self.sql, _ = compiler.as_sql()
        self.compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)

    def get(self, value) -> Consultation | None:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        if self.converters:
            row = next(iter(self.compiler.apply_converters([row], self.converters)))
        consultation = Consultation.from_db(self.using, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, consultation)
        return consultation


#: (database alias, vendor, field) -> the compiled read, one of each per process.
_readers: dict[tuple[str, str, str], _ReadOne] = {}


def _read(field: str, value, placeholder, using: str) -> Consultation | None:
    key = (using, connections[using].vendor, field)
    reader = _readers.get(key)
    if reader is None:
        reader = _readers[key] = _ReadOne(using, field, placeholder)
    return reader.get(value)


def by_slug(slug: str, using: str = "default") -> Consultation | None:
    """The consultation with this address, its workspace read with it (None if there is
    none): the one query every public page makes."""
    return _read("slug", slug, "", using)


def by_pk(pk: int, using: str = "default") -> Consultation | None:
    """The consultation with this id as it is now (the send reads it again inside its
    transaction, to refuse a response the second the consultation closes)."""
    return _read("pk", pk, 0, using)


def proposals(consultation: Consultation) -> dict[int, Proposal]:
    """The consultation's proposals by id, from this process's copy (``of``)."""
    return {p.pk: p for area in of(consultation).areas for p in area.proposals.all()}


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
