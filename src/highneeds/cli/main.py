"""``highneeds``: the command line for LA analysts and batch work.

Every command is a thin shell: it parses options, calls the core and prints the result.
Errors a user can act on (:class:`highneeds.errors.HighneedsError`) are printed without a
traceback and end the command with exit code 1.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.status import Status

from highneeds import OGL_ATTRIBUTION
from highneeds.cli.output import Format, console, emit, errors, fail
from highneeds.errors import HighneedsError

app = typer.Typer(
    name="highneeds",
    help=(
        "Plan SEND support and High Needs funding for an English local authority: import DfE "
        "statistics and your SEN2 return, see your LA beside England, its region and its "
        "statistical neighbours, forecast EHCP demand, cost it, and compare scenarios."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Import data into the store and list what is there.", no_args_is_help=True
)
la_app = typer.Typer(
    help="Local authorities: list them, or show one LA's EHCP overview.", no_args_is_help=True
)
app.add_typer(data_app, name="data")
app.add_typer(la_app, name="la")


def user_errors(func):
    """Turn user-facing errors into a one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except HighneedsError as error:
            fail(str(error))

    return wrapper


def _store():
    from highneeds.store import open_store

    return open_store()


# ------------------------------------------------------------------------------------------ data


@data_app.command("import")
@user_errors
def data_import(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="DfE 'Education, health and care plans' release: zip as downloaded, or its folder."
        ),
    ] = None,
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Import the DfE 2022 release shipped with highneeds.")
    ] = False,
) -> None:
    """Import DfE EHCP statistics (any release, either layout) into the store.

    Imports are atomic (all or nothing) and idempotent (the same file twice changes nothing).
    A newer release wins over an older one where their years overlap.
    """
    from highneeds.importers.dfe import bundled_release_path, import_release

    targets = list(paths or [])
    if bundled:
        targets.append(bundled_release_path())
    if not targets:
        fail("give a file or folder to import, or --bundled for the shipped DfE release")
    store = _store()
    for path in targets:
        started = time.perf_counter()
        with Status(f"Importing {path.name}…", console=errors):
            result = import_release(store, path)
        took = time.perf_counter() - started
        if result.already_imported:
            console.print(
                f"{path.name}: already imported (import {result.import_id}); nothing changed."
            )
        else:
            console.print(
                f"{path.name}: imported {result.rows:,} figures as import "
                f"{result.import_id} in {took:.1f} s."
            )


@data_app.command("list")
@user_errors
def data_list(fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List every import in the store with its provenance (file, hash, release, when)."""
    frame = _store().imports()
    if frame.empty:
        console.print("The store is empty. Try: highneeds data import --bundled")
        return
    frame["sha256"] = frame["sha256"].str[:12]
    emit(frame.set_index("id"), fmt, title="Imports")


# -------------------------------------------------------------------------------------------- la


@la_app.command("list")
@user_errors
def la_list(
    region: Annotated[
        str | None, typer.Option(help="Only LAs in this region (name or code).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List England's local authorities (upper tier) with their DfE codes and regions."""
    from highneeds import reference

    las = reference.las()
    las = las[las["current"]] if "current" in las else las
    if region:
        key = region.strip().lower()
        mask = las["region_name"].str.lower().str.contains(key, regex=False) | (
            las["region_code"].str.lower() == key
        )
        if not mask.any():
            regions = sorted(las["region_name"].dropna().unique())
            fail(f"no region matches {region!r}; regions are: {', '.join(regions)}")
        las = las[mask]
    columns = ["la_code", "la_name", "gss_code", "region_name"]
    emit(
        las[columns].sort_values("la_name").set_index("la_code"),
        fmt,
        title=f"Local authorities ({len(las)})",
    )


@la_app.command("show")
@user_errors
def la_show(
    la: Annotated[str, typer.Argument(help="LA name or code, e.g. Stockport, 356, E08000007.")],
    year: Annotated[int | None, typer.Option(help="January census year (default: latest).")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    neighbours: Annotated[
        str, typer.Option(help="DfE statistical neighbour model: 2021 or 2025.")
    ] = "2021",
) -> None:
    """Show an LA's EHCP overview beside England, its region and its statistical neighbours."""
    show_overview(la, year=year, fmt=fmt, neighbours_model=neighbours)


_LABELS = {
    "ehcps": "EHCPs",
    "growth_pct": "Growth %",
    "per_1000_aged_0_25": "Per 1,000 aged 0–25",
    "growth_1y_pct": "1-year growth %",
    "growth_5y_pct": "5-year growth %",
    "new_plans": "New plans (previous calendar year)",
    "issued_within_20_weeks_pct": "Issued within 20 weeks %",
    "mainstream_pct": "Mainstream %",
    "special_pct": "Special %",
    "ap_pru_pct": "AP/PRU %",
    "fe_pct": "FE and post-16 %",
    "educated_elsewhere_pct": "Educated elsewhere %",
    "early_years_pct": "Early years %",
    "mainstream": "Mainstream",
    "special": "Special",
    "ap_pru": "AP/PRU",
    "fe": "FE and post-16",
    "early_years": "Early years",
    "educated_elsewhere": "Educated elsewhere",
    "neet": "NEET",
    "work_based": "Work-based",
    "other": "Other",
    "age_under_5": "Under 5",
    "age_5_10": "5–10",
    "age_11_15": "11–15",
    "age_16_19": "16–19",
    "age_20_25": "20–25",
}
_DECIMALS = {"Per 1,000 aged 0–25": 1}
_HISTORY_TABLES = (
    (
        "EHCPs by January census",
        ["ehcps", "growth_pct", "per_1000_aged_0_25", "new_plans", "issued_within_20_weeks_pct"],
    ),
    (
        "EHCPs by setting group",
        [
            "mainstream",
            "special",
            "ap_pru",
            "fe",
            "early_years",
            "educated_elsewhere",
            "neet",
            "other",
        ],
    ),
    ("EHCPs by age band", ["age_under_5", "age_5_10", "age_11_15", "age_16_19", "age_20_25"]),
)
_COMPARISON_TABLES = (
    (
        "size, growth and timeliness",
        [
            "ehcps",
            "per_1000_aged_0_25",
            "growth_1y_pct",
            "growth_5y_pct",
            "new_plans",
            "issued_within_20_weeks_pct",
        ],
    ),
    (
        "where children are educated (% of EHCPs)",
        [
            "mainstream_pct",
            "special_pct",
            "ap_pru_pct",
            "fe_pct",
            "educated_elsewhere_pct",
            "early_years_pct",
        ],
    ),
)


def _overview_long(overview) -> pd.DataFrame:
    """Both overview tables as one tidy table (section, area, year, measure, value) for CSV."""
    history = overview.history.reset_index().melt(id_vars="year", var_name="measure")
    history = history.assign(section="history", area_code=overview.la_code, area=overview.la_name)
    comparison = overview.comparison.reset_index().melt(
        id_vars=["area_code", "area"], var_name="measure"
    )
    comparison = comparison.assign(section="comparison", year=overview.year)
    columns = ["section", "area_code", "area", "year", "measure", "value"]
    return pd.concat([history[columns], comparison[columns]], ignore_index=True)


def show_overview(la: str, *, year: int | None, fmt: Format, neighbours_model: str) -> None:
    from highneeds.analysis.overview import MEASURES, la_overview, overview_areas
    from highneeds.importers.dfe import load_stats

    store = _store()
    with Status("Reading statistics…", console=errors):
        areas = overview_areas(la, neighbours_model)
        stats = load_stats(store, area_codes=areas, measures=MEASURES)
        overview = la_overview(stats, la, year=year, neighbours_model=neighbours_model)
    if fmt is not Format.table:
        emit(
            _overview_long(overview),
            fmt,
            index=False,
            title=f"{overview.la_name} ({overview.la_code}), January {overview.year}",
        )
        return
    name = f"{overview.la_name} ({overview.la_code})"
    for title, columns in _HISTORY_TABLES:
        part = overview.history[[c for c in columns if c in overview.history]]
        if not part.empty:
            emit(part.rename(columns=_LABELS), fmt, title=f"{name}: {title}", decimals=_DECIMALS)
    where = (
        f"beside its statistical neighbours ({neighbours_model} model), "
        f"{overview.region_name} and England, January {overview.year}"
    )
    for title, columns in _COMPARISON_TABLES:
        part = overview.comparison.set_index("area")[columns]
        emit(
            part.rename(columns=_LABELS), fmt, title=f"{name} {where}: {title}", decimals=_DECIMALS
        )
    for note in overview.notes:
        console.print(f"[dim]Note: {note}[/]")
    console.print(f"[dim]Source: DfE, Education, health and care plans. {OGL_ATTRIBUTION}[/]")


# ------------------------------------------------------------------------------------------ demo


@app.command()
@user_errors
def demo(
    la: Annotated[str, typer.Argument(help="LA to show.")] = "Stockport",
) -> None:
    """Set up the embedded store with the bundled data and show a demo LA's overview."""
    from highneeds.importers.dfe import bundled_release_path, import_release

    store = _store()
    path = bundled_release_path()
    with Status("Loading the bundled DfE release…", console=errors):
        import_release(store, path)
    show_overview(la, year=None, fmt=Format.table, neighbours_model="2021")


def _register_subcommands() -> None:
    """Attach the capability sub-apps; each lives in its own module."""
    from importlib import import_module

    for module, name in (
        ("highneeds.cli.sen2", "sen2"),
        ("highneeds.cli.forecast", "forecast"),
        ("highneeds.cli.finance", "finance"),
        ("highneeds.cli.scenario", "scenario"),
        ("highneeds.cli.consult", "consult"),
    ):
        app.add_typer(import_module(module).app, name=name)
    # Single commands that read best at the top level.
    from highneeds.cli import backup, forecast, synth

    app.command("synth")(synth.synth)
    app.command("backtest")(forecast.backtest_command)
    app.command("backup")(backup.backup)
    app.command("restore")(backup.restore)


_register_subcommands()


if __name__ == "__main__":  # pragma: no cover
    app()
