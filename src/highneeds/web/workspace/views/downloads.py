"""Sending a page's table, chart or file to save, recorded in the audit log."""

from __future__ import annotations

from django.http import Http404

from highneeds.web.accounts import audit
from highneeds.web.workspace import figures


def charted(frame):
    """The frame, or 404 when it cannot be drawn."""
    if figures.chart_columns(frame) is None:
        raise Http404("This table has no chart.")
    return frame


def table_download(request, workspace, frame, fmt, *, target, name, title):
    """Record the export of one page table in the audit log and send it as a file in fmt."""
    if fmt in ("svg", "png"):
        charted(frame)
    audit.record(
        audit.Action.EXPORT,
        actor=request.user,
        workspace=workspace,
        target=target,
        detail={"rows": len(frame)},
    )
    return figures.download(frame, name=name, title=title, fmt=fmt)


def export(request, workspace, body, *, filename, content_type, target, detail=None):
    """Record the export in the audit log and send ``body`` as a file to save."""
    audit.record(
        audit.Action.EXPORT, actor=request.user, workspace=workspace, target=target, detail=detail
    )
    return figures.attachment(body, filename=filename, content_type=content_type)


def la_table_download(request, workspace, page, frame, titles, key, fmt):
    """table_download for a table of an LA-wide page (overview, finance)."""
    return table_download(
        request,
        workspace,
        frame,
        fmt,
        target=f"{page}/{key}.{fmt}",
        name=f"{workspace.la_code}-{key}",
        title=titles.get(key, figures.title_of(key)),
    )
