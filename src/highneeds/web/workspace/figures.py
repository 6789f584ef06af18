"""Tables and charts from core DataFrames, with their downloads (CSV, XLSX, SVG, PNG).

Every chart is drawn from a table that is also shown on the page, so the table is the
chart's text alternative and the CSV is the same numbers.
"""

from __future__ import annotations

import io
import math
import re

import pandas as pd
from django.http import HttpResponse
from matplotlib.figure import Figure

from highneeds.consult.export import neutralise_cell
from highneeds.tables import TitledTable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}
_TIME_COLUMN = re.compile(r"year|date|census|month|period", re.IGNORECASE)
MAX_SERIES = 9  # more lines than this is unreadable: such tables are shown as tables only


def chart_columns(frame: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(x column, numeric series columns) when the table can be drawn, else None."""
    if frame.empty or frame.shape[1] < 2:
        return None
    if is_fan(frame):
        return str(frame.columns[0]), list(FAN)
    x = frame.columns[0]
    series = [c for c in frame.columns[1:] if pd.api.types.is_numeric_dtype(frame[c])]
    if not series or len(series) > MAX_SERIES:
        return None  # nothing to draw, or too many lines to read: the table says it better
    return str(x), [str(c) for c in series]


def is_time_series(frame: pd.DataFrame) -> bool:
    return bool(_TIME_COLUMN.search(str(frame.columns[0])))


#: Quantile columns of a forecast table, outer-low, inner-low, middle, inner-high, outer-high.
FAN = ("Lower 95% bound", "Lower 80% bound", "Median", "Upper 80% bound", "Upper 95% bound")


def is_fan(frame: pd.DataFrame) -> bool:
    return all(column in frame.columns for column in FAN)


def _draw_fan(axes, frame: pd.DataFrame) -> None:
    """Median line with 80% and 95% intervals shaded: the forecast's honest uncertainty."""
    x = range(len(frame))  # positions; the caller labels them (years as text, not numbers)
    low95, low80, middle, high80, high95 = (frame[c].astype(float) for c in FAN)
    axes.fill_between(x, low95, high95, alpha=0.2, color="#1d70b8", label="95% interval")
    axes.fill_between(x, low80, high80, alpha=0.35, color="#1d70b8", label="80% interval")
    axes.plot(x, middle, color="#0b0c0c", marker="o", label="Median")


def draw(frame: pd.DataFrame, title: str, fmt: str) -> bytes:
    """The table as a chart: a fan for forecast quantiles, lines over time, else grouped bars.
    fmt is 'svg' or 'png'."""
    columns = chart_columns(frame)
    if columns is None:
        raise ValueError(f"{title}: this table has no numbers to draw")
    x, series = columns
    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    labels = frame[x].astype(str).tolist()
    if is_fan(frame):
        _draw_fan(axes, frame)
        axes.set_xticks(range(len(labels)), labels)
    elif is_time_series(frame):
        for name in series:
            axes.plot(range(len(labels)), frame[name], marker="o", label=name)
        axes.set_xticks(range(len(labels)), labels)
    else:
        width = 0.8 / len(series)
        positions = range(len(labels))
        for i, name in enumerate(series):
            axes.bar([p + i * width for p in positions], frame[name], width=width, label=name)
        axes.set_xticks([p + 0.4 - width / 2 for p in positions], labels, rotation=30, ha="right")
    axes.set_title(title)
    axes.set_xlabel(x)
    axes.grid(axis="y", alpha=0.3)
    if is_fan(frame):
        axes.legend(fontsize="small", loc="upper left")
        axes.set_ylabel("Children")
    elif len(series) > 1:
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        axes.set_ylabel(series[0])
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel reads accents; text that looks like a formula is made inert."""
    safe = frame.map(neutralise_cell)
    return safe.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    frame.map(neutralise_cell).to_excel(buffer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def download(frame: pd.DataFrame, *, name: str, title: str, fmt: str) -> HttpResponse:
    """An attachment response of the table in fmt (csv, xlsx, svg or png)."""
    if fmt == "csv":
        body = to_csv(frame)
    elif fmt == "xlsx":
        body = to_xlsx(frame, sheet=name)
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


def chart_image(frame: pd.DataFrame, *, title: str, cache_key: str) -> HttpResponse:
    """The chart as an inline SVG image for <img src>. Drawing takes tens of milliseconds, so
    the SVG is cached under cache_key, which must change whenever the figures do."""
    from django.core.cache import cache

    svg = cache.get(cache_key)
    if svg is None:
        svg = draw(frame, title, "svg")
        cache.set(cache_key, svg, CHART_CACHE_SECONDS)
    response = HttpResponse(svg, content_type=FORMATS["svg"])
    response["Cache-Control"] = "private, max-age=300"
    return response


def display_value(value) -> str:
    """A cell as the page shows it: whole numbers with thousands separators, others to one
    decimal place, missing as a dash, as the CLI shows it (downloads keep full precision)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, int | float) and float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


#: How a missing figure reads on a page; panel.html explains it under any table that has one.
MISSING = "–"


def display_rows(frame: pd.DataFrame) -> list[list[str]]:
    return [[display_value(v) for v in row] for row in frame.to_numpy(dtype=object).tolist()]


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
    frame = table.labelled()
    drawable = chart and chart_columns(frame) is not None
    rows, numeric = display_rows(frame), numeric_columns(frame)
    formats = ["csv", "xlsx", *(["png", "svg"] if drawable else [])]
    return {
        "key": key,
        "title": table.title or title_of(key),
        "chart_src": chart_src if drawable else "",
        "columns": [
            {"name": str(c), "numeric": n} for c, n in zip(frame.columns, numeric, strict=True)
        ],
        "rows": [
            [{"text": t, "numeric": n} for t, n in zip(row, numeric, strict=True)] for row in rows
        ],
        "has_missing": any(t == MISSING for row in rows for t in row),
        "downloads": [(DOWNLOAD_LABELS[fmt], download_url(fmt)) for fmt in formats],
    }
