"""``highneeds strategy …`` and ``highneeds places …``: a SEND strategy's KPIs tracked from the
store, its progress report, and the register of specialist places."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from highneeds.cli import output
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
    return track(strategy, kpi_data(store, strategy.la, strategy.neighbours, register))


def document_format(out: Path) -> str:
    """html, pdf or docx from a file name, or a clear error."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("html", "pdf", "docx"):
        fail(f"{out.name}: documents are written as .pdf, .docx or .html")
    return fmt


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
def measures_command(fmt: FormatOption = Format.table, out: output.OutOption = None) -> None:
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
    emit(frame, fmt, title="Measures for KPIs", index=False, out=out)


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
    out: Annotated[Path, typer.Option("--out", help="progress.pdf, .docx or .html")],
    file: StrategyArgument = None,
    la: LaOption = None,
    places: PlacesOption = None,
) -> None:
    """Write the progress report: every KPI's path from baseline to target, chart and table."""
    from highneeds.strategy.document import render
    from highneeds.strategy.report import progress_document

    fmt = document_format(out)
    try:
        tracking = _tracking(file, places, la)
        with console.status("Writing the progress report…"):
            content = render(progress_document(tracking), fmt)
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
    """Copy the worked example (a strategy shaped like Stockport's 2024–27, a places
    register and a decision pack's words) to start from."""
    folder.mkdir(parents=True, exist_ok=True)
    shipped = [*_templates().glob("stockport_*"), _templates() / "decision_pack.toml"]
    for path in sorted(shipped):
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
        against_plan_sentence,
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
    if fmt is Format.table:
        console.print(against_plan_sentence(register, start))
    if out:
        write_table(table, out, "Places")


def ips(
    la: Annotated[str, typer.Option("--la", help="the LA: name, DfE number or GSS code")],
    out: Annotated[Path, typer.Option("--out", help="ips.pdf, ips.docx or ips.html")],
    places: PlacesOption = None,
    capacity: Annotated[
        Path | None, typer.Option(help="filled capacity template (default: the LA's import)")
    ] = None,
    capital_cost: Annotated[
        list[str] | None,
        typer.Option(
            "--capital-cost",
            help="cost of a new place, e.g. maintained_special=85000 (repeat per type)",
        ),
    ] = None,
    simulations: Annotated[int, typer.Option(min=50, max=5000)] = 500,
    seed: int = 1,
) -> None:
    """Write the Investment Position Statement: specialist places against forecast demand for
    the next five years, planned places, capital needed; small numbers suppressed."""
    from highneeds.finance.templates import read_capacity
    from highneeds.plan.inputs import resolve
    from highneeds.store import open_store
    from highneeds.strategy.document import render
    from highneeds.strategy.ips import investment_position, ips_document
    from highneeds.strategy.places import read_register
    from highneeds.strategy.stored import stored_register, stored_strategy

    fmt = document_format(out)
    costs = _capital_costs(capital_cost or [])
    try:
        store = open_store()
        given = read_capacity(capacity) if capacity else None
        with console.status("Forecasting demand and places…"):
            inputs = resolve(store, la, capacity=given)
            register = read_register(places) if places else stored_register(store, inputs.la_code)
            plan = stored_strategy(store, inputs.la_code)
            # The stored strategy's [capital_costs], then any --capital-cost given here.
            costs = {**(plan.capital_costs if plan else {}), **costs}
            position = investment_position(
                inputs, register, capital_costs=costs, simulations=simulations, seed=seed
            )
            content = render(ips_document(position), fmt)
    except HighneedsError as error:
        fail(str(error))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    console.print(
        f"Wrote {out}: {position.la_name}, January {position.origin + 1}–{position.last_year}"
    )


def _capital_costs(items: list[str]) -> dict[str, float]:
    from highneeds.strategy.places import SPECIALIST_CATEGORIES

    costs = {}
    for item in items:
        code, _, value = item.partition("=")
        amount = pd.to_numeric(value.replace(",", "").lstrip("£"), errors="coerce")
        if code.strip() not in SPECIALIST_CATEGORIES or pd.isna(amount) or not 0 <= amount <= 5e6:
            fail(
                f"--capital-cost {item!r}: write TYPE=POUNDS with TYPE one of "
                f"{', '.join(SPECIALIST_CATEGORIES)} and pounds from 0 to 5,000,000"
            )
        costs[code.strip()] = float(amount)
    return costs


def pack(
    text: Annotated[Path, typer.Argument(help="the officer's words (TOML; see strategy template)")],
    la: Annotated[str, typer.Option("--la", help="the LA: name, DfE number or GSS code")],
    out: Annotated[
        list[Path],
        typer.Option("--out", help="pack.pdf, pack.docx or pack.html (repeat for several)"),
    ],
    scenario: Annotated[
        list[Path] | None,
        typer.Option("--scenario", help="an option to compare (scenario TOML; repeat)"),
    ] = None,
    strategy: Annotated[Path | None, typer.Option(help="strategy file for the KPIs")] = None,
    places: PlacesOption = None,
    simulations: Annotated[int, typer.Option(min=50, max=5000)] = 500,
    seed: int = 1,
) -> None:
    """Write the decision pack: the officer's words with every number, chart and table filled
    (need, forecast, money and DSG position, places, KPIs, the options compared)."""
    from highneeds.finance.scenarios import read_scenario
    from highneeds.plan.inputs import resolve
    from highneeds.reference.bundled import DEFAULT_MODEL as DEFAULT_NEIGHBOURS
    from highneeds.store import open_store
    from highneeds.strategy.data import kpi_data
    from highneeds.strategy.definition import read_strategy
    from highneeds.strategy.document import render
    from highneeds.strategy.ips import investment_position
    from highneeds.strategy.pack import gather, pack_document, read_pack_text
    from highneeds.strategy.places import read_register
    from highneeds.strategy.stored import stored_register, stored_strategy
    from highneeds.strategy.track import track

    formats = [document_format(path) for path in out]
    try:
        words = read_pack_text(text)
        options = [read_scenario(p) for p in scenario or []]
        store = open_store()
        with console.status("Forecasting, costing and comparing the options…"):
            inputs = resolve(store, la)
            plan = read_strategy(strategy) if strategy else stored_strategy(store, inputs.la_code)
            register = read_register(places) if places else stored_register(store, inputs.la_code)
            neighbours = plan.neighbours if plan else DEFAULT_NEIGHBOURS
            data = kpi_data(store, inputs.la_code, neighbours, register)
            evidence = gather(
                inputs,
                data,
                options,
                position=investment_position(inputs, register, simulations=simulations, seed=seed),
                tracking=track(plan, data) if plan else None,
                neighbours=neighbours,
                simulations=simulations,
                seed=seed,
            )
            document = pack_document(words, evidence)
            contents = [render(document, fmt) for fmt in formats]
    except HighneedsError as error:
        fail(str(error))
    for path, content in zip(out, contents, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        console.print(f"Wrote {path}: {words.title}, {evidence.inputs.la_name}")
