"""Service-wide pages: health check and the start page."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from highneeds.web.accounts.permissions import public


def _database_problem() -> str | None:
    """None when the database answers a query, else the kind of failure."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        return type(exc).__name__
    return None


@public
@never_cache
@require_GET
def healthz(request):
    """200 when the database answers a query, 503 otherwise. For load balancers; public."""
    problem = _database_problem()
    if problem:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@public
@never_cache
@require_GET
def status(request):
    """The "Service status" page people reach from the footer: the same check in words."""
    working = _database_problem() is None
    return render(request, "status.html", {"working": working}, status=200 if working else 503)


@public
@require_GET
def home(request):
    """Signed-in people go to their workspaces; everyone else to sign in."""
    return redirect("workspace:index")
