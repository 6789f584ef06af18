"""A strategy's KPIs tracked from the store: actuals by year beside statistical neighbours,
region and England, and a status by a stated rule.

Status rule (:data:`STATUS_RULE`): a KPI with no actual for a year after its baseline has
*no data*. Otherwise its latest actual is compared with where the KPI should be that year —
the milestone for that year if one is set, else the straight line from the baseline to the
target (the target itself once its year has passed). It is *on track* when the actual is at
or better than that (better = the direction from baseline to target, or as the file says),
*off track* otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from highneeds import reference
from highneeds.strategy.definition import Kpi, Strategy
from highneeds.strategy.measures import (
    ENGLAND_CODE,
    MEASURE_BY_CODE,
    KpiData,
    format_value,
    period_label,
    values,
)

STATUSES = {"on_track": "On track", "off_track": "Off track", "no_data": "No data"}
STATUS_RULE = (
    "On track: the latest actual is at or better than the milestone for its year, or, where no "
    "milestone is set, than the straight line from the baseline to the target (the target once "
    "its year has passed). Off track: worse than that. No data: no actual since the baseline."
)

#: Columns of the summary table and the series table, with their words.
SUMMARY_LABELS = {
    "priority": "Priority",
    "kpi": "KPI",
    "title": "Measure",
    "unit": "Unit",
    "baseline_period": "Baseline",
    "baseline_value": "Baseline value",
    "latest_period": "Latest",
    "latest_value": "Latest value",
    "expected_value": "Expected by now",
    "target_period": "Target year",
    "target_value": "Target",
    "status": "Status",
    "neighbours_value": "Statistical neighbours",
    "region_value": "Region",
    "england_value": "England",
    "source": "Source",
}
SERIES_LABELS = {
    "kpi": "KPI",
    "year": "Year",
    "period": "Period",
    "la_value": "LA",
    "path_value": "Path to target",
    "neighbours_value": "Statistical neighbours (mean)",
    "neighbours_count": "Neighbours averaged",
    "region_value": "Region",
    "england_value": "England",
}


@dataclass
class KpiTracking:
    strategy: Strategy
    summary: pd.DataFrame  # one row per KPI, code-named columns (SUMMARY_LABELS)
    series: pd.DataFrame  # one row per KPI and year (SERIES_LABELS)
    neighbours_label: str
    region_name: str
    notes: list[str] = field(default_factory=list)

    def strategy_kpi(self, code: str) -> Kpi:
        return next(k for k in self.strategy.kpis if k.code == code)

    def kpi_series(self, code: str) -> pd.DataFrame:
        return self.series[self.series["kpi"] == code].reset_index(drop=True)


def expected_at(kpi: Kpi, baseline_value: float, year: int) -> float:
    """Where the KPI should be in ``year``: its milestone, or the straight line from baseline
    to target (the target after its year)."""
    for milestone in kpi.milestones:
        if milestone.year == year:
            return milestone.value
    points = [(kpi.baseline_year, baseline_value), *((m.year, m.value) for m in kpi.milestones)]
    points.append((kpi.target.year, kpi.target.value))
    xs, ys = zip(*points, strict=True)
    return float(np.interp(year, xs, ys))


def better_direction(kpi: Kpi, baseline_value: float) -> str:
    if kpi.better:
        return kpi.better
    return "higher" if kpi.target.value > baseline_value else "lower"


def status_of(kpi: Kpi, baseline_value: float | None, latest: tuple[int, float] | None) -> str:
    if latest is None or baseline_value is None or latest[0] <= kpi.baseline_year:
        return "no_data"
    expected = expected_at(kpi, baseline_value, latest[0])
    gap = latest[1] - expected
    if better_direction(kpi, baseline_value) == "lower":
        gap = -gap
    return "on_track" if gap >= -1e-9 else "off_track"


def track(strategy: Strategy, data: KpiData) -> KpiTracking:
    """Every KPI of ``strategy`` filled from ``data`` for its LA and comparators."""
    la = reference.find_la(strategy.la)
    neighbours = reference.statistical_neighbours(la.la_code, model=strategy.neighbours)
    neighbour_codes = [str(c) for c in neighbours["neighbour_code"]]
    areas = [la.la_code, *neighbour_codes, ENGLAND_CODE]
    if la.region_code:
        areas.append(la.region_code)
    summaries, series, notes = [], [], []
    for kpi in strategy.kpis:
        frame = _kpi_frame(kpi, data, la.la_code, neighbour_codes, la.region_code)
        summary, note = _summary(kpi, frame)
        summaries.append(summary)
        series.append(frame.assign(kpi=kpi.code))
        if note:
            notes.append(note)
    summary = pd.DataFrame(summaries)
    series_frame = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
    series_frame = series_frame.reindex(columns=list(SERIES_LABELS))
    return KpiTracking(
        strategy=strategy,
        summary=summary.reindex(columns=list(SUMMARY_LABELS)),
        series=series_frame,
        neighbours_label=f"mean of {len(neighbour_codes)} statistical neighbours "
        f"(DfE {strategy.neighbours} model)",
        region_name=la.region_name or "",
        notes=notes,
    )


def _kpi_frame(
    kpi: Kpi, data: KpiData, la_code: str, neighbour_codes: list[str], region_code: str | None
) -> pd.DataFrame:
    """year × (LA, path, neighbours mean and count, region, England) for one KPI."""
    if kpi.is_manual:
        la_values = pd.Series({p.year: p.value for p in kpi.actuals}, dtype=float)
        frame = pd.DataFrame({"la_value": la_values})
    else:
        measure = MEASURE_BY_CODE[kpi.measure]
        areas = [la_code, *neighbour_codes, ENGLAND_CODE, *([region_code] if region_code else [])]
        if not measure.comparable:
            areas = [la_code]
        wide = values(measure, data, areas).pivot_table(
            index="year", columns="area_code", values="value", aggfunc="first"
        )
        frame = pd.DataFrame(index=wide.index)
        frame["la_value"] = wide.get(la_code)
        present = [c for c in neighbour_codes if c in wide.columns]
        frame["neighbours_value"] = wide[present].mean(axis=1) if present else np.nan
        frame["neighbours_count"] = wide[present].notna().sum(axis=1) if present else 0
        frame["region_value"] = wide.get(region_code) if region_code else np.nan
        frame["england_value"] = wide.get(ENGLAND_CODE)
    frame.index = frame.index.astype(int)
    years = sorted(set(frame.index) | {kpi.baseline_year, kpi.target.year})
    frame = frame.reindex(years)
    frame.index.name = "year"
    baseline = _baseline_value(kpi, frame)
    frame["path_value"] = [
        expected_at(kpi, baseline, y) if baseline is not None and y >= kpi.baseline_year else np.nan
        for y in frame.index
    ]
    frame["period"] = [period_label(kpi.period, y) for y in frame.index]
    return frame.reset_index()


def _baseline_value(kpi: Kpi, frame: pd.DataFrame) -> float | None:
    if kpi.baseline_value is not None:
        return kpi.baseline_value
    value = frame.set_index("year")["la_value"].get(kpi.baseline_year) if "year" in frame else None
    if value is None:
        value = frame["la_value"].get(kpi.baseline_year)
    return None if value is None or pd.isna(value) else float(value)


def _summary(kpi: Kpi, frame: pd.DataFrame) -> tuple[dict, str | None]:
    by_year = frame.set_index("year")
    baseline = _baseline_value(kpi, frame)
    actuals = by_year["la_value"].dropna()
    latest = (int(actuals.index.max()), float(actuals.iloc[-1])) if not actuals.empty else None
    if latest is not None:
        latest = (latest[0], float(actuals.loc[latest[0]]))
    status = status_of(kpi, baseline, latest)
    note = None
    if baseline is None:
        note = (
            f"{kpi.code}: no value for the baseline ({period_label(kpi.period, kpi.baseline_year)})"
            " in the store; give it in the strategy file or import the data"
        )
    row = {
        "priority": kpi.priority,
        "kpi": kpi.code,
        "title": kpi.title,
        "unit": kpi.unit,
        "baseline_period": period_label(kpi.period, kpi.baseline_year),
        "baseline_value": baseline,
        "latest_period": period_label(kpi.period, latest[0]) if latest else None,
        "latest_value": latest[1] if latest else None,
        "expected_value": expected_at(kpi, baseline, latest[0])
        if latest and baseline is not None and latest[0] > kpi.baseline_year
        else None,
        "target_period": period_label(kpi.period, kpi.target.year),
        "target_value": kpi.target.value,
        "status": STATUSES[status],
        "source": kpi.source,
    }
    for column in ("neighbours_value", "region_value", "england_value"):
        value = by_year[column].get(latest[0]) if latest and column in by_year else None
        row[column] = None if value is None or pd.isna(value) else float(value)
    return row, note


def summary_for_display(tracking: KpiTracking) -> pd.DataFrame:
    """The summary as a person reads it: each value formatted in its KPI's unit with its
    period beside it, headers in words, comparators for the latest year."""
    rows = []
    for row in tracking.summary.itertuples():

        def value(column: str, period: str | None = None, row=row) -> str:
            text = format_value(row.unit, getattr(row, column))
            return f"{text} ({period})" if period and text != "–" else text

        rows.append(
            {
                "Priority": row.priority,
                "KPI": row.kpi,
                "Measure": row.title,
                "Baseline": value("baseline_value", row.baseline_period),
                "Latest": value("latest_value", row.latest_period),
                "Expected by now": value("expected_value"),
                "Target": value("target_value", row.target_period),
                "Status": row.status,
                "Statistical neighbours": value("neighbours_value"),
                tracking.region_name or "Region": value("region_value"),
                "England": value("england_value"),
                "Source": row.source,
            }
        )
    return pd.DataFrame(rows)
