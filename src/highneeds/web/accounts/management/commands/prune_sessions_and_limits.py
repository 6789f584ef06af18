"""Delete expired sessions, rate-limit counts that no limit looks at any more, and whatever
else an app registered as expiring (``highneeds.web.core.pruning``: saved consultation
responses past their expiry).

An abandoned consultation journey keeps its answers (and perhaps an email address) in its
session until the session is deleted; rate-limit rows keep a keyed hash of a client. Run this
daily (cron or a scheduled task, beside ``erase_expired_consultation_data``); it is safe to run
repeatedly and at any time.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone

from highneeds.web.accounts import ratelimit
from highneeds.web.core import pruning


def longest_limit_window() -> int:
    """Seconds: the longest window any rate limit counts over (older rows are never read)."""
    return max(
        int(getattr(settings, "LOGIN_LOCKOUT_SECONDS", 900)),
        int(getattr(settings, "CONSULT_SUBMISSION_WINDOW_SECONDS", 3600)),
    )


class Command(BaseCommand):
    help = (
        "Delete expired sessions, rate-limit counts older than the longest limit window and "
        "expired saved consultation responses."
    )

    def handle(self, *args, **options):
        expired = Session.objects.filter(expire_date__lte=timezone.now()).count()
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        hits = ratelimit.prune(longest_limit_window())
        others = "".join(f", {count:,} {label}" for label, count in pruning.prune_all().items())
        self.stdout.write(
            f"Deleted {expired:,} expired sessions, {hits:,} rate-limit counts{others}."
        )
