"""Write a forecast as CSV files, one XLSX workbook and a fan chart (PNG).

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
    tables = {name: result.summary(by) for name, by in BREAKDOWNS.items()}
    tables["flows"] = result.flows_summary()
    if costs is not None:
        tables["cost_total"] = result.cost_summary(costs)
        tables["cost_by_setting_group"] = result.cost_summary(costs, ("setting_group",))
    return tables


def write_tables(
    tables: dict[str, pd.DataFrame], directory: str | Path, *, xlsx: bool = True
) -> list[Path]:
    """One CSV per table and, if ``xlsx``, one workbook ``forecast.xlsx`` with a sheet each."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        path = directory / f"{name}.csv"
        table.to_csv(path, index=False)
        written.append(path)
    if xlsx:
        path = directory / "forecast.xlsx"
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, table in tables.items():
                table.to_excel(writer, sheet_name=name[:31], index=False)
        written.append(path)
    return written


def fan_chart(table: pd.DataFrame, path: str | Path, *, title: str, unit: str = "children") -> Path:
    """Fan chart of a one-line forecast table (e.g. the total): 95%, 80% and 50% bands."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on servers
    import matplotlib.pyplot as plt

    years = table["year"].to_numpy()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    for low, high, alpha, label in (
        ("q2.5", "q97.5", 0.18, "95% interval"),
        ("q10", "q90", 0.28, "80% interval"),
        ("q25", "q75", 0.40, "50% interval"),
    ):
        ax.fill_between(
            years, table[low], table[high], color="#1d70b8", alpha=alpha, label=label, linewidth=0
        )
    ax.plot(years, table["median"], color="#0b0c0c", linewidth=1.5, label="median")
    ax.plot(
        years, table["expected"], color="#d4351c", linewidth=1, linestyle="--", label="expected"
    )
    ax.set_title(title)
    ax.set_xlabel("January census year")
    ax.set_ylabel(unit)
    ax.set_xticks(years)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
