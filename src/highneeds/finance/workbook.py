"""Outputs a finance officer can paste into a Cabinet report: the DSG management plan layout
workbook (funding category × age band by year), scenario comparison tables and charts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.finance.bundled import ATTRIBUTION
from highneeds.finance.costs import EMPTY_PLACES, default_note, reference_unit_costs
from highneeds.spreadsheet import write_sheets
from highneeds.text import clean_text
from highneeds.vocabulary import AGE_BANDS, FUNDING_CATEGORIES

_CATEGORY_LABEL = {c.code: c.label for c in FUNDING_CATEGORIES}
_BAND_LABEL = {b.code: b.label for b in AGE_BANDS}
#: Rows without an age band: empty commissioned places and one-off capital.
_UNBANDED = {EMPTY_PLACES: "Empty commissioned places", "(capital)": "One-off capital"}
_CATEGORY_LABEL["capital"] = "Capital (one-off, outside the DSG)"


def management_plan_table(costed: pd.DataFrame, value: str = "cost_gbp") -> pd.DataFrame:
    """Mean ``value`` (pounds, or ``count`` for children) by funding category × age band
    (rows, in the DSG management plan's order, with a subtotal per category and a grand
    total) and year (columns). Per-simulation frames are averaged over simulations."""
    sims = costed["simulation"].nunique() if "simulation" in costed.columns else 1
    band = costed["age_band"].astype(object)
    band = band.where(band.notna(), costed["setting"].astype(object).map(_UNBANDED))
    frame = costed.assign(age_band=band.fillna("Age not recorded"))
    sums = (
        frame.groupby(["funding_category", "age_band", "year"], observed=True)[value].sum() / sims
    )
    table = sums.unstack("year").fillna(0.0)
    flags = frame.groupby(["funding_category", "age_band"], observed=True)[
        "uses_reference_default"
    ].any()
    rows = []
    categories = [c.code for c in FUNDING_CATEGORIES] + sorted(
        set(table.index.get_level_values(0)) - {c.code for c in FUNDING_CATEGORIES}
    )
    for category in categories:
        if category not in table.index.get_level_values(0):
            continue
        block = table.loc[category]
        order = [b.code for b in AGE_BANDS if b.code in block.index] + [
            b for b in block.index if b not in _BAND_LABEL
        ]
        label = _CATEGORY_LABEL.get(category, category)
        for band in order:
            flag = _flag(flags.get((category, band), False))
            rows.append((label, _BAND_LABEL.get(band, band), *block.loc[band].tolist(), flag))
        rows.append((label, "Total", *block.sum().tolist(), _flag(flags.loc[category].any())))
    rows.append(("All categories", "Total", *table.sum().tolist(), _flag(flags.any())))
    return pd.DataFrame(
        rows,
        columns=["Funding category", "Age band", *table.columns.tolist(), DEFAULT_COLUMN],
    )


#: Last column of every plan table: does the row rest on a national reference default?
DEFAULT_COLUMN = "Uses reference default unit cost"


def _flag(value: bool) -> str:
    return "yes" if bool(value) else ""


def write_plan_workbook(
    path: str | Path,
    costed: dict[str, pd.DataFrame],
    comparison: pd.DataFrame | None = None,
    position: pd.DataFrame | None = None,
    notes: list[str] | None = None,
    sources: pd.DataFrame | None = None,
) -> Path:
    """An XLSX with, per scenario, cost and caseload in the DSG management plan layout;
    the scenario comparison; the DSG position; place sufficiency (demand against commissioned
    places); notes (defaults used, sources); with ``sources`` (input, source, detail: see
    :meth:`highneeds.plan.inputs.PlanInputs.sources_table`), a sheet of every input's source
    and every assumption."""
    path = Path(path)
    all_notes = list(notes or [])
    sheets: dict[str, pd.DataFrame] = {}
    titles: dict[str, str] = {}
    if comparison is not None:
        sheets["Scenario comparison"] = comparison
    if position is not None:
        sheets["DSG position"] = position
    gaps = [
        frame.attrs["sufficiency"].assign(scenario=name)
        for name, frame in costed.items()
        if "sufficiency" in frame.attrs
    ]
    if gaps:
        table = pd.concat(gaps, ignore_index=True)
        sheets["Place sufficiency"] = table[
            ["scenario", *[c for c in table.columns if c != "scenario"]]
        ]
    for number, (name, frame) in enumerate(costed.items(), 1):
        tag = clean_text(f"{number} {name}")[:21]  # sheet names: at most 31 characters
        sheets[f"{tag} cost"] = management_plan_table(frame)
        titles[f"{tag} cost"] = "cost (£ a year)"
        sheets[f"{tag} children"] = management_plan_table(frame, "count")
        titles[f"{tag} children"] = "children"
        note = default_note(frame)
        if note:
            all_notes.append(f"{name}: {note}")
    all_notes.append(ATTRIBUTION)
    if sources is not None:
        sheets["Sources and assumptions"] = sources.rename(
            columns={"input": "Input", "source": "Source", "detail": "Detail"}
        )
    sheets["Reference defaults"] = reference_unit_costs()
    # Headings in words, number formats, notes and a data dictionary: highneeds.spreadsheet.
    write_sheets(path, sheets, titles=titles, notes=all_notes)
    return path


def write_comparison_charts(comparison: pd.DataFrame, directory: str | Path) -> list[Path]:
    """PNG and SVG charts: annual cost by scenario (mean and 5–95% band), savings vs baseline,
    drawn by the house rules (highneeds.charts): £ axis in £k/£m, one line per scenario."""
    from highneeds import charts
    from highneeds.formatting import Kind

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    years = sorted(comparison["year"].unique())
    labels = [str(year) for year in years]
    for metric, title in (
        ("cost", "Annual High Needs cost by scenario"),
        ("saving", "Saving against the baseline"),
    ):
        fig, (ax,) = charts.figure()
        drawn = 0
        for name, rows in comparison.groupby("scenario", sort=False):
            if metric == "saving" and name == "Baseline":
                continue
            rows = rows.set_index("year").reindex(years)
            colour = charts.PALETTE[drawn % len(charts.PALETTE)]
            position = range(len(years))
            ax.fill_between(
                position,
                rows[f"{metric}_gbp_q05"],
                rows[f"{metric}_gbp_q95"],
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
            ax.plot(
                position,
                rows[f"{metric}_gbp_mean"],
                "--" if name == "Baseline" else "-",
                marker="o",
                markersize=3,
                color=colour,
                label=name,
            )
            drawn += 1
        ax.set_title(title + " (mean; band: 90% of simulations)", loc="left", fontsize=11)
        charts.year_ticks(ax, labels)
        ax.set_xlabel("January census year")
        charts.value_axis(ax, Kind.MONEY, "£ a year")
        charts.legend(ax, max(drawn, 2))
        if comparison["uses_reference_default"].any():
            fig.supxlabel(
                "Some unit costs are national reference defaults.", fontsize=7, x=0.01, ha="left"
            )
        for suffix in ("png", "svg"):
            target = directory / f"{metric}_by_scenario.{suffix}"
            target.write_bytes(charts.save(fig, suffix))
            written.append(target)
    return written
