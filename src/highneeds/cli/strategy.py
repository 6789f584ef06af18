"""``highneeds strategy …`` and ``highneeds places …``: a SEND strategy's KPIs tracked from the
store, its progress report, and the register of specialist places."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from highneeds.cli.output import Format, console, emit, fail
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="A SEND strategy: check its file, track its KPIs, write the progress report."
)
places_app = typer.Typer(help="The register of specialist places: planned, opened and closed.")

PlacesOption = Annotated[
    Path | None, typer.Option("--places", help="places register (CSV or XLSX) for places KPIs")
]
StrategyArgument = Annotated[
    Path | None, typer.Argument(help="strategy file (TOML); leave out to use --la's stored one")
]
LaOption = Annotated[
    str | None, typer.Option("--la", help="the LA whose stored strategy to use (name or code)")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="also write the table to FILE (.csv or .xlsx)")
]
FormatOption = Annotated[Format, typer.Option("--format", help="table, csv or json")]


def _templates() -> Path:
    return Path(str(resources.files("highneeds.data").joinpath("strategy")))


def _tracking(file: Path | None, places: Path | None, la: str | None):
    """Track a strategy file, or the LA's stored strategy (and stored register) with --la."""
    from highneeds.errors import NotFoundError
    from highneeds.reference import find_la
    from highneeds.store import open_store
    from highneeds.strategy.data import kpi_data
    from highneeds.strategy.definition import read_strategy
    from highneeds.strategy.places import read_register
    from highneeds.strategy.stored import stored_register, stored_strategy
    from highneeds.strategy.track import track

    store = open_store()
    if file is not None:
        strategy = read_strategy(file)
        register = read_register(places) if places else None
    elif la is not None:
        found = find_la(la)
        strategy = stored_strategy(store, found.la_code)
        if strategy is None:
            raise NotFoundError(
                f"{found.la_name} has no strategy in the store: give a strategy file, or "
                "keep one with highneeds strategy import FILE"
            )
        register = read_register(places) if places else stored_register(store, found.la_code)
    else:
        raise typer.BadParameter("give a strategy file, or --la for the LA's stored strategy")
    return track(strategy, kpi_data(store, strategy, register))


def write_table(frame: pd.DataFrame, out: Path, sheet: str = "Table") -> None:
    """A table with word headers to CSV or XLSX (by the file's suffix)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        frame.to_excel(out, index=False, sheet_name=sheet[:31])
    elif out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False)
    else:
        raise typer.BadParameter(f"{out.name}: write to a .csv or .xlsx file", param_hint="--out")
    console.print(f"Wrote {out}")


@app.command("measures")
def measures_command(fmt: FormatOption = Format.table) -> None:
    """The measures a KPI can be bound to (``measure = "…"`` in a strategy file)."""
    from highneeds.strategy.measures import MEASURES, UNITS

    frame = pd.DataFrame(
        {
            "Code": [m.code for m in MEASURES],
            "Measure": [m.label for m in MEASURES],
            "Unit": [UNITS[m.unit] for m in MEASURES],
            "Source": [m.source for m in MEASURES],
        }
    )
    emit(frame, fmt, title="Measures for KPIs", index=False)


@app.command("check")
def check(file: Annotated[Path, typer.Argument(help="strategy file (TOML)")]) -> None:
    """Check a strategy file: every priority, KPI, measure, baseline and target."""
    from highneeds.strategy.definition import read_strategy

    try:
        strategy = read_strategy(file)
    except HighneedsError as error:
        fail(str(error))
    console.print(
        f"{file.name}: {strategy.title} — {strategy.la_name}, {strategy.start} to {strategy.end}; "
        f"{len(strategy.priorities)} priorities, {len(strategy.kpis)} KPIs. No problems found."
    )


@app.command("show")
def show(
    file: StrategyArgument = None,
    la: LaOption = None,
    places: PlacesOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Every KPI: baseline, latest actual, where it should be by now, target and status,
    beside statistical neighbours, the region and England."""
    from highneeds.strategy.track import STATUS_RULE, summary_for_display

    try:
        tracking = _tracking(file, places, la)
    except HighneedsError as error:
        fail(str(error))
    table = summary_for_display(tracking)
    title = f"{tracking.strategy.title}: {tracking.strategy.la_name}"
    if fmt is not Format.table:
        emit(table, fmt, title=title, index=False)
    else:
        # Two narrower tables read better at 80 columns than one of twelve.
        progress = ["KPI", "Measure", "Baseline", "Latest", "Expected by now", "Target", "Status"]
        emit(table[progress], fmt, title=title, index=False)
        compared = [
            c for c in table.columns if c not in progress[2:] and c not in ("Priority", "Source")
        ]
        latest = table["Latest"].str.replace(r" \(.*\)$", "", regex=True)
        emit(
            table[compared].assign(Latest=latest)[[*compared[:2], "Latest", *compared[2:]]],
            fmt,
            title="Latest year beside statistical neighbours, the region and England",
            index=False,
        )
        console.print(f"Statistical neighbours: {tracking.neighbours_label}.")
        console.print(f"Status rule. {STATUS_RULE}")
        for note in tracking.notes:
            console.print(f"Note: {note}")
    if out:
        write_table(table, out, "KPIs")


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="strategy file (TOML)")],
    places: PlacesOption = None,
) -> None:
    """Keep the strategy (and its places register) in the store as its LA's current ones,
    for the workspace and later reports. Nothing is stored unless both files are sound."""
    from highneeds.importers.strategy import import_places, import_strategy
    from highneeds.store import open_store
    from highneeds.strategy.definition import read_strategy
    from highneeds.strategy.places import read_register

    try:
        strategy = read_strategy(file)
        if places:
            read_register(places)  # both checked before either is stored
        store = open_store()
        done = [(file, import_strategy(store, file))]
        if places:
            done.append((places, import_places(store, places, la_code=strategy.la)))
    except HighneedsError as error:
        fail(str(error))
    for path, result in done:
        what = (
            "already imported"
            if result.already_imported
            else f"imported as import {result.import_id}"
        )
        console.print(f"{path.name}: {what} for {strategy.la_name}")


@app.command("report")
def report(
    out: Annotated[Path, typer.Option("--out", help="progress.pdf or progress.html")],
    file: StrategyArgument = None,
    la: LaOption = None,
    places: PlacesOption = None,
) -> None:
    """Write the progress report: every KPI's path from baseline to target, chart and table."""
    from highneeds.strategy.report import render_html, render_pdf

    try:
        tracking = _tracking(file, places, la)
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".html"):
            fail(f"{out.name}: the report is written as .pdf or .html")
        with console.status("Writing the progress report…"):
            content = render_pdf(tracking) if suffix == ".pdf" else render_html(tracking).encode()
    except HighneedsError as error:
        fail(str(error))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    console.print(f"Wrote {out} ({len(tracking.strategy.kpis)} KPIs)")


@app.command("template")
def template(
    folder: Annotated[Path, typer.Argument(help="folder to copy the worked example into")] = Path(
        "."
    ),
) -> None:
    """Copy the worked example (a strategy shaped like Stockport's 2024–27 and a places
    register) to start from."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(_templates().glob("stockport_*")):
        shutil.copyfile(path, folder / path.name)
        console.print(f"Wrote {folder / path.name}")


@places_app.command("check")
def places_check(
    file: Annotated[Path, typer.Argument(help="places register (CSV or XLSX)")],
) -> None:
    """Check a places register: types of place, needs, phases, statuses, years and numbers."""
    from highneeds.strategy.places import read_register

    try:
        register = read_register(file)
    except HighneedsError as error:
        fail(str(error))
    console.print(f"{file.name}: {len(register)} rows, no problems found.")


@places_app.command("show")
def places_show(
    file: Annotated[Path, typer.Argument(help="places register (CSV or XLSX)")],
    since: Annotated[
        str | None, typer.Option(help="count from this academic year, e.g. 2020/21")
    ] = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Places planned, opened and closed by academic year, and the total added since a year
    against plan."""
    from highneeds.strategy.places import (
        academic_year_end,
        against_plan,
        delivered_by_year,
        read_register,
    )

    try:
        register = read_register(file)
    except HighneedsError as error:
        fail(str(error))
    start = academic_year_end(since) if since else int(register["year"].min())
    if start is None:
        fail(f"--since {since!r} is not an academic year like 2020/21")
    table = delivered_by_year(register, since=start).drop(columns=["year"])
    table = table.rename(
        columns={
            "academic_year": "Academic year",
            "planned": "Planned",
            "opened": "Opened",
            "closed": "Closed",
            "net_places": "Net places added",
            "net_places_cumulative": "Net places added to date",
            "planned_cumulative": "Planned to date",
        }
    )
    emit(table, fmt, title=f"Specialist places by academic year ({file.name})", index=False)
    totals = against_plan(register, start)
    if fmt is Format.table:
        console.print(
            f"Since {start - 1}/{start % 100:02d}: {totals['opened']:,} places opened, "
            f"{totals['closed']:,} closed, {totals['net']:,} added in all; "
            f"{totals['planned']:,} more planned."
        )
    if out:
        write_table(table, out, "Places")
