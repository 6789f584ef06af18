"""Write a forecast as CSV files and, when asked, one XLSX workbook and fan charts (PNG).

Every table carries year, its breakdown columns, expected, mean, std, median and quantiles.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.forecast.result import ForecastResult

#: Output name -> breakdown. "state" is NCY × need × setting.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "total": (),
    "by_ncy": ("ncy",),
    "by_age_band": ("age_band",),
    "by_need": ("need",),
    "by_setting": ("setting",),
    "by_setting_group": ("setting_group",),
    "by_state": ("ncy", "need", "setting"),
}


def forecast_tables(
    result: ForecastResult, costs: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """All breakdowns of caseload (children) and, with ``costs``, of cost (pounds a year)."""
    result.draws_many(list(BREAKDOWNS.values()))  # every count breakdown summed in one pass
    tables = {name: result.summary(by) for name, by in BREAKDOWNS.items()}
    tables["flows"] = result.flows_summary()
    if costs is not None:
        result.draws_many([(), ("setting_group",)], result.cost_per_cell(costs))
        tables["cost_total"] = result.cost_summary(costs)
        tables["cost_by_setting_group"] = result.cost_summary(costs, ("setting_group",))
    return tables


def write_tables(
    tables: dict[str, pd.DataFrame], directory: str | Path, *, xlsx: bool = True
) -> list[Path]:
    """One CSV per table (column codes, for scripts) and, if ``xlsx``, one workbook
    ``forecast.xlsx`` with a sheet each (headings in words, a data dictionary of the codes)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    if xlsx:
        from highneeds.spreadsheet import write_sheets  # openpyxl: only when a workbook is asked

        path = directory / "forecast.xlsx"
        # Sheets named and headed in words, codes in its data dictionary.
        write_sheets(path, tables)
        written.append(path)
    return written


def write_forecast(
    tables: dict[str, pd.DataFrame], directory: str | Path, *, workbook: bool, charts: bool
) -> list[Path]:
    """The CSV tables, and the workbook and fan charts of caseload (and cost, with costs) if
    asked: the slow parts of a command's output, left out unless wanted."""
    directory = Path(directory)
    written = write_tables(tables, directory, xlsx=workbook)
    if charts:
        written.append(
            fan_chart(tables["total"], directory / "fan_chart_caseload.png", title="EHCP caseload")
        )
        if "cost_total" in tables:
            written.append(
                fan_chart(
                    tables["cost_total"],
                    directory / "fan_chart_cost.png",
                    title="Cost",
                    unit="£ a year",
                )
            )
    return written


def fan_chart(table: pd.DataFrame, path: str | Path, *, title: str, unit: str = "children") -> Path:
    """Fan chart of a one-line forecast table (e.g. the total): 95%, 80% and 50% bands, drawn
    by the house rules (highneeds.charts). The file type follows the path's suffix."""
    from highneeds import charts
    from highneeds.formatting import Kind, column_kind

    labels = [str(year) for year in table["year"]]
    position = list(range(len(labels)))
    fig, (ax,) = charts.figure(width=7, height=4)
    charts.fan(
        ax,
        position,
        [
            (table["q2.5"], table["q97.5"], "95% interval"),
            (table["q10"], table["q90"], "80% interval"),
            (table["q25"], table["q75"], "50% interval"),
        ],
        table["median"],
        middle_label="median",
    )
    ax.plot(
        position, table["expected"], color="#d4351c", linewidth=1, linestyle="--", label="expected"
    )
    ax.set_title(title, loc="left", fontsize=11)
    charts.year_ticks(ax, labels)
    ax.set_xlabel("January census year")
    kind = column_kind(unit)
    charts.value_axis(
        ax, kind if kind is not Kind.NUMBER else Kind.COUNT, unit[:1].upper() + unit[1:]
    )
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    path = Path(path)
    path.write_bytes(charts.save(fig, path.suffix.lstrip(".").lower() or "png"))
    return path
