"""Abstract bases other apps share, so ids and timestamps mean the same thing everywhere."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds created_at / updated_at (UTC, set by the database write)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
