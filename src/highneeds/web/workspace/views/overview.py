"""The LA overview: published figures beside comparators."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from highneeds.errors import HighneedsError
from highneeds.web.accounts.permissions import Role, workspace_role
from highneeds.web.workspace import services

from .downloads import chart, la_table_download


def _overview_tables(workspace):
    """(tables, unavailable message) for the LA overview."""
    try:
        tables = services.overview_tables(workspace)
    except HighneedsError as error:
        return {}, str(error)
    return tables, None


@workspace_role(Role.VIEWER)
@require_GET
def overview(request, workspace):
    panels_html, unavailable = services.overview_html(workspace)
    return render(
        request,
        "workspace/overview.html",
        {
            "workspace": workspace,
            "panels_html": panels_html,
            "unavailable": unavailable,
            "active": "overview",
        },
    )


def _overview_table(workspace, key):
    tables, _ = _overview_tables(workspace)
    if key not in tables:
        raise Http404("No such table in the overview.")
    return tables[key]


@workspace_role(Role.VIEWER)
@require_GET
def overview_download(request, workspace, key, fmt):
    table = _overview_table(workspace, key)
    return la_table_download(request, workspace, "overview", table, key, fmt)


@workspace_role(Role.VIEWER)
@require_GET
def overview_chart(request, workspace, key):
    return chart(
        request,
        _overview_table(workspace, key),
        cache_key=f"chart:overview:{workspace.la_code}:{services.store_fingerprint()}:{key}",
    )
