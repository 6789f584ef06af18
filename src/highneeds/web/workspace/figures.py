"""Tables and charts from core DataFrames, with their downloads (CSV, XLSX, SVG, PNG).

Every chart is drawn from a table that is also shown on the page, so the table is the
chart's text alternative and the CSV is the same numbers.
"""

from __future__ import annotations

import pandas as pd
from django.http import HttpResponse

from highneeds import charts, formatting, spreadsheet
from highneeds.tables import TitledTable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}
MAX_SERIES = 9  # more lines than this is unreadable: such tables are shown as tables only
FAN = charts.FAN
is_fan = charts.is_fan
is_time_series = charts.is_time_series


def chart_columns(frame: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(x column, numeric series columns) when the table can be drawn, else None."""
    if frame.empty or frame.shape[1] < 2:
        return None
    if is_fan(frame):
        return str(frame.columns[0]), list(FAN)
    series = charts.numeric_series(frame)
    if not series or len(series) > MAX_SERIES:
        return None  # nothing to draw, or too many lines to read: the table says it better
    return str(frame.columns[0]), series


def draw(frame: pd.DataFrame, title: str, fmt: str, *, narrow: bool = False) -> bytes:
    """The table as a chart by the house rules (highneeds.charts); fmt is 'svg' or 'png';
    ``narrow``: the phone's layout."""
    if chart_columns(frame) is None:
        raise ValueError(f"{title}: this table has no numbers to draw")
    return charts.save(charts.table_figure(frame, title, narrow=narrow), fmt)


def to_csv(frame: pd.DataFrame, title: str = "", symbols: pd.DataFrame | None = None) -> bytes:
    return spreadsheet.csv_bytes(frame, title=title, symbols=symbols)


def to_xlsx(
    frame: pd.DataFrame,
    sheet: str = "data",
    title: str = "",
    symbols: pd.DataFrame | None = None,
) -> bytes:
    return spreadsheet.xlsx_bytes({sheet: frame}, titles={sheet: title}, symbols={sheet: symbols})


def download(
    frame: pd.DataFrame,
    *,
    name: str,
    title: str,
    fmt: str,
    symbols: pd.DataFrame | None = None,
) -> HttpResponse:
    """An attachment response of the table in fmt (csv, xlsx, svg or png); ``symbols`` (laid
    out as ``frame``): the DfE symbol for each missing figure, written in csv and xlsx."""
    if fmt == "csv":
        body = to_csv(frame, title, symbols)
    elif fmt == "xlsx":
        body = to_xlsx(frame, sheet=title or name, title=title, symbols=symbols)
    elif fmt in ("svg", "png"):
        body = draw(frame, title, fmt)
    else:
        raise ValueError(f"unknown download format {fmt!r}")
    return attachment(body, filename=f"{name}.{fmt}", content_type=FORMATS[fmt])


def attachment(body: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A response the browser saves as ``filename`` rather than shows."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


CHART_CACHE_SECONDS = 3600


def chart_image(
    frame: pd.DataFrame, *, title: str, cache_key: str, narrow: bool = False
) -> HttpResponse:
    """The chart as an inline SVG image for <img src>. Drawing takes tens of milliseconds, so
    the SVG is cached under cache_key, which must change whenever the figures do."""
    from django.core.cache import cache

    svg = cache.get(cache_key)
    if svg is None:
        svg = draw(frame, title, "svg", narrow=narrow)
        cache.set(cache_key, svg, CHART_CACHE_SECONDS)
    response = HttpResponse(svg, content_type=FORMATS["svg"])
    response["Cache-Control"] = "private, max-age=300"
    return response


def display_value(value, kind: formatting.Kind | str = formatting.Kind.NUMBER) -> str:
    """A cell as the page shows it, in the house number format for its kind (downloads keep
    full values)."""
    return formatting.figure(value, kind)


#: How a missing figure reads on a page; panel.html explains it under any table that has one.
MISSING = formatting.MISSING


def display_rows(
    frame: pd.DataFrame, title: str = "", symbols: pd.DataFrame | None = None
) -> list[list[str]]:
    """The cells as the page shows them; a missing figure for which DfE published a symbol
    (``symbols``, laid out as ``frame``) shows the symbol, as the CLI does."""
    kinds = [formatting.column_kind(c, title) for c in frame.columns]
    marks = (
        symbols.to_numpy(dtype=object).tolist()
        if symbols is not None
        else [[None] * len(kinds)] * len(frame)
    )
    return [
        [
            mark if isinstance(mark, str) and mark and pd.isna(v) else display_value(v, k)
            for v, k, mark in zip(row, kinds, row_marks, strict=True)
        ]
        for row, row_marks in zip(frame.to_numpy(dtype=object).tolist(), marks, strict=True)
    ]


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Per column, whether it holds figures: GOV.UK tables right-align those so digits line
    up. A column of missing values only is not a figure column."""
    return [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]


def title_of(key: str) -> str:
    """'caseload_trend' -> 'Caseload trend'."""
    return key.replace("_", " ").replace("-", " ").strip().capitalize()


DOWNLOAD_LABELS = {
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "png": "chart as PNG",
    "svg": "chart as SVG",
}


def panel(
    key: str, table: TitledTable, *, chart_src: str, download_url, chart: bool = True
) -> dict:
    """What templates/workspace/partials/panel.html shows for one titled table: its chart
    (when it can be drawn), the table as text under the headings people read, and links to
    every download. download_url(fmt) -> URL. ``chart=False`` for a table whose rows are not
    one series (several lines of several years): a chart of it would mislead, so it has none."""
    from highneeds.suppression import SYMBOL_MEANINGS, symbol_legend

    frame = table.labelled()
    drawable = chart and chart_columns(frame) is not None
    rows, numeric = display_rows(frame, table.title, table.symbols), numeric_columns(frame)
    shown = (
        {s for s in table.symbols.to_numpy().ravel() if isinstance(s, str)}
        if table.symbols is not None
        else set()
    )
    formats = ["csv", "xlsx", *(["png", "svg"] if drawable else [])]
    return {
        "key": key,
        "title": table.title or title_of(key),
        "chart_src": chart_src if drawable else "",
        # The phone's drawing of the same chart (views.downloads.chart reads ``narrow``).
        "chart_src_narrow": f"{chart_src}{'&' if '?' in chart_src else '?'}narrow=1",
        "columns": [
            {"name": str(c), "numeric": n} for c, n in zip(frame.columns, numeric, strict=True)
        ],
        "rows": [
            [{"text": t, "numeric": n} for t, n in zip(row, numeric, strict=True)] for row in rows
        ],
        "has_missing": any(t == MISSING for row in rows for t in row),
        # what each DfE symbol in the table means (c, x, z, low), as the CLI says under its
        "symbol_legend": symbol_legend(s for s in shown if s in SYMBOL_MEANINGS),
        "downloads": [(DOWNLOAD_LABELS[fmt], download_url(fmt)) for fmt in formats],
    }
