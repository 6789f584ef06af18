"""The progress report of a strategy's KPIs: every KPI at a glance, then per priority each
KPI's path from baseline to target as a chart (with its text alternative) and a table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from highneeds.strategy.document import Block, Chart, Document, Section, Table
from highneeds.strategy.measures import format_value, period_label
from highneeds.strategy.track import STATUS_RULE, KpiTracking, expected_at, summary_for_display
from highneeds.tables import TitledTable

PERIOD_AXIS = {
    "january": "January census of each year",
    "financial": "Financial year",
    "calendar": "Calendar year",
    "academic": "Academic year",
}
UNIT_AXIS = {
    "count": "Number",
    "percent": "Per cent",
    "per_1000": "Per 1,000 residents",
    "pounds": "Pounds (£)",
    "pounds_per_head": "Pounds per head (£)",
}


def _lines(tracking: KpiTracking) -> list[tuple[str, str, str, str, str | None]]:
    """(column, label, colour, line style, marker): every series has its own style, so the
    chart reads in grey and for colour-blind readers too."""
    return [
        ("la_value", tracking.strategy.la_name, "#1d70b8", "-", "o"),
        ("path_value", "Path to target", "#00703c", "--", None),
        ("neighbours_value", "Statistical neighbours (mean)", "#f47738", "-", "s"),
        ("region_value", tracking.region_name or "Region", "#912b88", ":", None),
        ("england_value", "England", "#505a5f", "-.", None),
    ]


def kpi_chart(tracking: KpiTracking, code: str) -> Chart:
    """Actuals (LA, neighbours, region, England) and the path to target, one line each."""
    from matplotlib.figure import Figure

    kpi = tracking.strategy_kpi(code)
    series = tracking.kpi_series(code)
    figure = Figure(figsize=(7.0, 2.8), dpi=100)
    axes = figure.add_subplot()
    for column, label, colour, style, marker in _lines(tracking):
        values = pd.to_numeric(series[column], errors="coerce")
        if values.notna().any():
            axes.plot(series["year"], values, style, color=colour, marker=marker, label=label, ms=3)
    years = list(series["year"].astype(int))
    step = max(1, int(np.ceil(len(years) / 8)))
    ticks = years[::step]
    labels = [str(y) if kpi.period == "january" else period_label(kpi.period, y) for y in ticks]
    axes.set_xticks(ticks, labels, fontsize=7)
    axes.set_xlabel(PERIOD_AXIS[kpi.period], fontsize=8)
    axes.set_ylabel(UNIT_AXIS.get(kpi.unit, "Value"), fontsize=8)
    axes.tick_params(axis="y", labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    figure.tight_layout()
    return Chart(figure, _alt(tracking, code))


def _alt(tracking: KpiTracking, code: str) -> str:
    row = tracking.summary.set_index("kpi").loc[code]
    unit = row["unit"]
    text = (
        f"{row['title']}: baseline {format_value(unit, row['baseline_value'])} "
        f"({row['baseline_period']}), target {format_value(unit, row['target_value'])} "
        f"({row['target_period']})"
    )
    if isinstance(row["latest_period"], str):
        text += f", latest {format_value(unit, row['latest_value'])} ({row['latest_period']})"
    return text + f". Status: {row['status']}. The table gives every figure."


def kpi_table(tracking: KpiTracking, code: str) -> Table:
    kpi = tracking.strategy_kpi(code)
    series = tracking.kpi_series(code)
    out = pd.DataFrame({"Year": series["period"]})
    for column, label, *_ in _lines(tracking):
        values = pd.to_numeric(series[column], errors="coerce")
        if values.notna().any():
            out[label] = [format_value(kpi.unit, v) for v in values]
    return Table(f"{kpi.title} by year", out, kpi.source)


def progress_document(tracking: KpiTracking) -> Document:
    strategy = tracking.strategy
    summary = summary_for_display(tracking).drop(columns=["Source"])
    overview = Block(
        paragraphs=[
            "Each indicator is compared with where it should be by now: its milestone for that "
            "year, or the straight line from its baseline to its target. " + STATUS_RULE,
            f"Statistical neighbours: {tracking.neighbours_label}. Region: {tracking.region_name}.",
            *tracking.notes,
        ],
        tables=[Table("Every indicator at a glance", summary)],
    )
    sections = [Section("Every indicator", [overview], new_page=False)]
    for priority in strategy.priorities:
        blocks = []
        if priority.workstreams:
            blocks.append(
                Block(paragraphs=["Workstreams: " + "; ".join(priority.workstreams) + "."])
            )
        for kpi in (k for k in strategy.kpis if k.priority == priority.code):
            row = tracking.summary.set_index("kpi").loc[kpi.code]
            blocks.append(
                Block(
                    heading=f"{kpi.code}: {kpi.title}",
                    status=row["status"],
                    paragraphs=[kpi.definition] if kpi.definition else [],
                    charts=[kpi_chart(tracking, kpi.code)],
                    tables=[kpi_table(tracking, kpi.code)],
                )
            )
        sections.append(Section(f"{priority.code}: {priority.title}", blocks))
    return Document(
        title=f"{strategy.title}: progress report",
        subtitle=f"{strategy.la_name} · {len(strategy.kpis)} key performance indicators, "
        f"{strategy.start} to {strategy.end}",
        sections=sections,
        landscape=True,
    )


#: What each unit adds to a KPI table's title, so shells format its figures in that unit.
UNIT_SUFFIX = {
    "percent": " (%)",
    "per_1000": " (per 1,000)",
    "pounds": " (£)",
    "pounds_per_head": " (£ a head)",
}


def kpi_titled_table(tracking: KpiTracking, code: str) -> TitledTable:
    """One KPI by year — the LA, its path to target, neighbours, region and England — as a
    titled table (the workspace draws it with :mod:`highneeds.charts` and shows the table)."""
    kpi = tracking.strategy_kpi(code)
    series = tracking.kpi_series(code).set_index("year")
    # Every year from the first to the target, so a chart's axis keeps time evenly and the
    # path to target shows its course through the years without an actual yet.
    years = range(int(series.index.min()), int(series.index.max()) + 1)
    series = series.reindex(years)
    baseline = tracking.summary.set_index("kpi").loc[code, "baseline_value"]
    if pd.notna(baseline):
        series["path_value"] = [
            expected_at(kpi, float(baseline), y) if y >= kpi.baseline_year else np.nan
            for y in years
        ]
    # A January census KPI's rows are its years (the heading says "January census").
    series["period"] = [
        str(y) if kpi.period == "january" else period_label(kpi.period, y) for y in years
    ]
    columns = [
        (column, label)
        for column, label, *_ in _lines(tracking)
        if pd.to_numeric(series[column], errors="coerce").notna().any()
    ]
    frame = pd.DataFrame({"period": series["period"].to_numpy()})
    for column, _ in columns:
        frame[column] = pd.to_numeric(series[column], errors="coerce").to_numpy()
    notes = [f"Source: {kpi.source}."] if kpi.source else []
    if kpi.definition:
        notes.insert(0, kpi.definition)
    suffix = UNIT_SUFFIX.get(kpi.unit, "")
    if suffix.strip() in kpi.title or any(sign in kpi.title for sign in ("%", "£")):
        suffix = ""  # the measure's words already give its unit
    return TitledTable(
        title=f"{kpi.code}: {kpi.title}{suffix}",
        frame=frame,
        labels={"period": PERIOD_AXIS[kpi.period].replace(" of each year", ""), **dict(columns)},
        notes=tuple(notes),
        unit=kpi.unit,
    )
