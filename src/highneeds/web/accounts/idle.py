"""Sign people out after a spell of inactivity (SESSION_IDLE_SECONDS), so a workspace left
open on a shared or unlocked computer does not stay signed in all day."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

LAST_SEEN = "highneeds_last_seen"
#: Record activity at most this often (seconds): each record is a session write.
RESOLUTION = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used the workspace for "
                    f"{settings.SESSION_IDLE_SECONDS // 60} minutes. Sign in again.",
                )
            elif last is None or now - last > RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
