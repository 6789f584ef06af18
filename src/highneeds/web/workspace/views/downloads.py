"""Sending a page's table, chart or file to save, recorded in the audit log."""

from __future__ import annotations

from django.http import Http404

from highneeds.tables import TitledTable
from highneeds.web.accounts import audit
from highneeds.web.workspace import figures


def charted(table: TitledTable) -> TitledTable:
    """The table, or 404 when it cannot be drawn."""
    if figures.chart_columns(table.labelled()) is None:
        raise Http404("This table has no chart.")
    return table


def chart(request, table: TitledTable, *, cache_key: str):
    """The table's chart as an inline SVG (404 when it has none); ``?narrow=1`` draws the
    phone's version (the panel's <picture> asks for it on narrow screens)."""
    frame = charted(table).labelled()
    narrow = request.GET.get("narrow") == "1"
    return figures.chart_image(
        frame,
        title=table.title,
        cache_key=f"{cache_key}:narrow" if narrow else cache_key,
        narrow=narrow,
    )


def table_download(request, workspace, table: TitledTable, fmt, *, target, name):
    """Record the export of one page table in the audit log and send it as a file in fmt,
    under the headings people read."""
    if fmt in ("svg", "png"):
        charted(table)
    frame = table.labelled()
    audit.record(
        audit.Action.EXPORT,
        actor=request.user,
        workspace=workspace,
        target=target,
        detail={"rows": len(frame)},
    )
    return figures.download(frame, name=name, title=table.title, fmt=fmt, symbols=table.symbols)


def export(request, workspace, body, *, filename, content_type, target, detail=None):
    """Record the export in the audit log and send ``body`` as a file to save."""
    audit.record(
        audit.Action.EXPORT, actor=request.user, workspace=workspace, target=target, detail=detail
    )
    return figures.attachment(body, filename=filename, content_type=content_type)


def la_table_download(request, workspace, page, table: TitledTable, key, fmt):
    """table_download for a table of an LA-wide page (overview, finance)."""
    return table_download(
        request,
        workspace,
        table,
        fmt,
        target=f"{page}/{key}.{fmt}",
        name=f"{workspace.la_code}-{key}",
    )
