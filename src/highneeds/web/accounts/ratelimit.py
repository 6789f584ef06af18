"""A small rate limiter shared by every web process (counts live in the database).

Keys are strings such as ``"sign-in:user:alice"`` or ``"sign-in:client:203.0.113.4"``; callers
choose them. Used for sign-in attempts and reusable for anything else that needs a limit.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import connection, models
from django.utils import timezone

from .models import RateLimitHit


def _stored_key(key: str) -> str:
    # Hash so that usernames and client addresses are not kept in clear in this table. Each
    # "|"-separated part is hashed on its own, so that every key beginning with the same parts
    # (one account's, from any address) shares a stored prefix: see reset_all.
    return ":".join(hashlib.sha256(part.encode()).hexdigest() for part in key.split("|"))


def hit(key: str) -> None:
    """Count one event under key, now."""
    RateLimitHit.objects.create(key=_stored_key(key), at=timezone.now())


def count(key: str, window_seconds: int) -> int:
    """Events counted under key in the last window_seconds."""
    since = timezone.now() - timedelta(seconds=window_seconds)
    return RateLimitHit.objects.filter(key=_stored_key(key), at__gte=since).count()


def is_limited(key: str, limit: int, window_seconds: int) -> bool:
    """True when key has reached limit events within the window."""
    return count(key, window_seconds) >= limit


def reset(key: str) -> None:
    """Forget key's events (e.g. after a successful sign-in)."""
    RateLimitHit.objects.filter(key=_stored_key(key)).delete()


def reset_all(prefix: str) -> None:
    """Forget the events of every key made of ``prefix``'s parts and more ("a|b" also clears
    "a|b|c"): e.g. an account's failures from every address."""
    stored = _stored_key(prefix)
    RateLimitHit.objects.filter(
        models.Q(key=stored) | models.Q(key__startswith=stored + ":")
    ).delete()


def prune(older_than_seconds: int) -> int:
    """Delete events older than the given age; returns how many were deleted."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    deleted, _ = RateLimitHit.objects.filter(at__lt=cutoff).delete()
    return deleted


def take(key: str, limit: int, window_seconds: int) -> bool:
    """Count one event under key unless it has reached limit within the window: True if taken.

    Checking and counting are one step, so concurrent callers cannot all pass a check before any
    of them counts (21 of 20 accepted). Call it inside the transaction that does the limited
    work: on PostgreSQL the key is locked until that transaction ends; SQLite's write lock,
    taken at BEGIN (``transaction_mode`` IMMEDIATE), already puts writers one after another.
    A refusal counts nothing, and a rollback of the work takes the count back.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ratelimit.take must run inside a transaction")
    stored = _stored_key(key)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A 63-bit lock id from the key's hash; other keys are not held up.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(stored[:15], 16)])
    now = timezone.now()
    since = now - timedelta(seconds=window_seconds)
    # Counted and recorded in one statement, written out: it runs on every public send, and
    # building two ORM queries cost more CPU than the database's work. Its snapshot is taken
    # after the lock above, so it sees every hit committed before the lock was granted.
    table, key_, at_ = map(connection.ops.quote_name, (RateLimitHit._meta.db_table, "key", "at"))
    moment = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_}, {at_}) SELECT %s, %s WHERE "  # names: ours
            f"(SELECT COUNT(*) FROM {table} WHERE {key_} = %s AND {at_} >= %s) < %s",
            [stored, moment(now), stored, moment(since), limit],
        )
        return cursor.rowcount == 1
