"""The one-page-per-priority progress report of a strategy's KPIs: HTML and tagged PDF.

Every KPI shows its path from baseline to target: a chart (actuals, the path, neighbours,
region and England) with a text alternative, and the table of the same figures.
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.strategy.measures import UNITS, format_value, period_label
from highneeds.strategy.track import STATUS_RULE, KpiTracking, summary_for_display

TEMPLATES = Path(__file__).parent / "templates"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@dataclass
class KpiSection:
    code: str
    title: str
    status: str
    chart_svg: str
    chart_alt: str
    table: pd.DataFrame  # headers in words, values formatted


PERIOD_AXIS = {
    "january": "January census of each year",
    "financial": "Financial year",
    "calendar": "Calendar year",
    "academic": "Academic year",
}


def _axis_title(unit: str) -> str:
    return {
        "count": "Number",
        "percent": "Per cent",
        "per_1000": "Per 1,000 residents",
        "pounds": "Pounds (£)",
        "pounds_per_head": "Pounds per head (£)",
    }.get(unit, "Value")


def kpi_chart(tracking: KpiTracking, code: str):
    """Actuals (LA, neighbours, region, England) and the path to target, one line each."""
    from matplotlib.figure import Figure

    row = tracking.summary.set_index("kpi").loc[code]
    series = tracking.kpi_series(code)
    figure = Figure(figsize=(7.0, 3.0), dpi=100)
    axes = figure.add_subplot()
    lines = [
        ("la_value", tracking.strategy.la_name, "#1d70b8", "-", "o"),
        ("path_value", "Path to target", "#00703c", "--", None),
        ("neighbours_value", "Statistical neighbours (mean)", "#f47738", "-", None),
        ("region_value", tracking.region_name or "Region", "#912b88", ":", None),
        ("england_value", "England", "#505a5f", "-.", None),
    ]
    for column, label, colour, style, marker in lines:
        values = pd.to_numeric(series[column], errors="coerce")
        if values.notna().any():
            axes.plot(series["year"], values, style, color=colour, marker=marker, label=label, ms=4)
    years = series["year"].astype(int)
    step = max(1, int(np.ceil(len(years) / 8)))
    ticks = list(years)[::step]
    period = tracking.strategy_kpi(code).period
    labels = [str(y) if period == "january" else period_label(period, y) for y in ticks]
    axes.set_xticks(ticks, labels, fontsize=7)
    axes.set_xlabel(PERIOD_AXIS[period], fontsize=8)
    axes.set_ylabel(_axis_title(row["unit"]), fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _alt(tracking: KpiTracking, code: str) -> str:
    row = tracking.summary.set_index("kpi").loc[code]
    unit = row["unit"]
    text = (
        f"{row['title']}: baseline {format_value(unit, row['baseline_value'])} "
        f"({row['baseline_period']}), target {format_value(unit, row['target_value'])} "
        f"({row['target_period']})"
    )
    if row["latest_period"] is not None and not pd.isna(row["latest_period"]):
        text += f", latest {format_value(unit, row['latest_value'])} ({row['latest_period']})"
    return text + f". Status: {row['status']}. The table below gives every figure."


def kpi_table(tracking: KpiTracking, code: str) -> pd.DataFrame:
    row = tracking.summary.set_index("kpi").loc[code]
    series = tracking.kpi_series(code)
    unit = row["unit"]
    out = pd.DataFrame({"Year": series["period"]})
    out[tracking.strategy.la_name] = [format_value(unit, v) for v in series["la_value"]]
    out["Path to target"] = [format_value(unit, v) for v in series["path_value"]]
    for column, label in (
        ("neighbours_value", "Statistical neighbours (mean)"),
        ("region_value", tracking.region_name or "Region"),
        ("england_value", "England"),
    ):
        values = pd.to_numeric(series[column], errors="coerce")
        if values.notna().any():
            out[label] = [format_value(unit, v) for v in values]
    return out


def sections(tracking: KpiTracking) -> list[KpiSection]:
    out = []
    for row in tracking.summary.itertuples():
        out.append(
            KpiSection(
                code=row.kpi,
                title=row.title,
                status=row.status,
                chart_svg=kpi_chart(tracking, row.kpi),
                chart_alt=_alt(tracking, row.kpi),
                table=kpi_table(tracking, row.kpi),
            )
        )
    return out


def render_html(tracking: KpiTracking) -> str:
    """A self-contained page: styles inline, charts as SVG images, no scripts."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["b64"] = lambda text: base64.b64encode(text.encode()).decode()
    css = (TEMPLATES / "progress.css").read_text(encoding="utf-8")
    strategy = tracking.strategy
    return environment.get_template("progress.html.j2").render(
        s=strategy,
        t=tracking,
        summary=summary_for_display(tracking).drop(columns=["Source"]),
        sections=sections(tracking),
        priorities={p.code: p for p in strategy.priorities},
        rule=STATUS_RULE,
        units=UNITS,
        css=css,
        attribution=ATTRIBUTION,
    )


def render_pdf(tracking: KpiTracking) -> bytes:
    """The HTML as a tagged A4 PDF (PDF/UA-1: structure tags, language, title)."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=render_html(tracking)).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
