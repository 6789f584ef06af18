"""Service-wide pages: health check and the start page."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from highneeds.web.accounts.permissions import public


@public
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise. For load balancers; public."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@public
@require_GET
def home(request):
    """Signed-in people go to their workspaces; everyone else to sign in."""
    return redirect("workspace:index")
