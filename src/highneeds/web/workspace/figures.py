"""Tables and charts from core DataFrames, with their downloads (CSV, XLSX, SVG, PNG).

Every chart is drawn from a table that is also shown on the page, so the table is the
chart's text alternative and the CSV is the same numbers.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from django.http import HttpResponse
from matplotlib.figure import Figure

from highneeds.consult.export import neutralise_cell

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "svg": "image/svg+xml",
    "png": "image/png",
}
_TIME_COLUMN = re.compile(r"year|date|census|month|period", re.IGNORECASE)
MAX_SERIES = 8  # more lines than this is unreadable; the table still has them all


def chart_columns(frame: pd.DataFrame) -> tuple[str, list[str]] | None:
    """(x column, numeric series columns) when the table can be drawn, else None."""
    if frame.empty or frame.shape[1] < 2:
        return None
    x = frame.columns[0]
    series = [c for c in frame.columns[1:] if pd.api.types.is_numeric_dtype(frame[c])]
    if not series:
        return None
    return str(x), [str(c) for c in series[:MAX_SERIES]]


def is_time_series(frame: pd.DataFrame) -> bool:
    return bool(_TIME_COLUMN.search(str(frame.columns[0])))


def draw(frame: pd.DataFrame, title: str, fmt: str) -> bytes:
    """The table as a chart: lines over time, else grouped bars. fmt is 'svg' or 'png'."""
    columns = chart_columns(frame)
    if columns is None:
        raise ValueError(f"{title}: this table has no numbers to draw")
    x, series = columns
    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    axes = figure.subplots()
    labels = frame[x].astype(str).tolist()
    if is_time_series(frame):
        for name in series:
            axes.plot(labels, frame[name], marker="o", label=name)
    else:
        width = 0.8 / len(series)
        positions = range(len(labels))
        for i, name in enumerate(series):
            axes.bar([p + i * width for p in positions], frame[name], width=width, label=name)
        axes.set_xticks([p + 0.4 - width / 2 for p in positions], labels, rotation=30, ha="right")
    axes.set_title(title)
    axes.set_xlabel(x)
    axes.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        axes.legend(fontsize="small")
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
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def chart_image(frame: pd.DataFrame, *, title: str) -> HttpResponse:
    """The chart as an inline SVG image for <img src>."""
    return HttpResponse(draw(frame, title, "svg"), content_type=FORMATS["svg"])


def title_of(key: str) -> str:
    """'caseload_trend' -> 'Caseload trend'."""
    return key.replace("_", " ").replace("-", " ").strip().capitalize()
