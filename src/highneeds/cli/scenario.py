"""``highneeds scenario run --la LA FILE…``: compare scenarios with the baseline for any LA."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer

from highneeds.cli.output import Format, FormatOption, OutOption, say
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="Scenarios of the change programme: run them against the baseline forecast.",
    no_args_is_help=True,
)

LA_HELP = "the LA: name, DfE number or GSS code, e.g. Stockport, 356 or E08000007"


@app.callback()
def main() -> None:
    """Scenarios of the change programme: run them against the baseline forecast."""
    # A callback keeps `run` a named subcommand even while it is the only one.


@app.command()
def run(
    files: list[Path] = typer.Argument(
        None, help="scenario TOML files (none: the shipped change-programme examples)"
    ),
    la: str = typer.Option(..., "--la", help=LA_HELP),
    folder: Path = typer.Option(
        None, help="folder for the workbook and charts (none: not written)"
    ),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    simulations: int = typer.Option(1000, help="forecast simulations (common to all scenarios)"),
    seed: int = typer.Option(1, help="random seed: the same seed gives the same results"),
    last_year: int = typer.Option(None, help="last January census year (default: origin + 5)"),
    unit_costs: Path = typer.Option(
        None,
        help="filled unit-cost template (else the LA's own "
        "import, its published S251, the reference defaults)",
    ),
    capacity: Path = typer.Option(None, help="filled capacity template (else the LA's import)"),
    inflation: float = typer.Option(0.03, help="yearly inflation of unit costs"),
    allocation_growth: float = typer.Option(0.03, help="yearly growth of the allocation"),
    save: bool = typer.Option(False, help="also save the scenarios in the store for this LA"),
) -> None:
    """Forecast the LA (child-level model with SEN2 returns, else the public-data model),
    run every scenario on the same draws, print cost and caseload by year with 90% intervals;
    with --folder, write the DSG management plan workbook and charts."""
    from highneeds.cli.finance import _fail, console, show_comparison
    from highneeds.finance.scenarios import read_scenario
    from highneeds.finance.templates import read_capacity, read_unit_costs
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import compare
    from highneeds.store import open_store

    try:
        paths = list(files) if files else change_programme_examples()
        scenarios = [read_scenario(p) for p in paths]
        store = open_store()
        inputs = resolve(
            store,
            la,
            unit_costs=read_unit_costs(unit_costs) if unit_costs else None,
            capacity=read_capacity(capacity) if capacity else None,
            given="given on the command line: "
            + ", ".join(p.name for p in (unit_costs, capacity) if p),
            allocation_growth=allocation_growth,
            inflation=inflation,
        )
        with console.status(f"Forecasting and costing the scenarios for {inputs.la_name}…"):
            result = compare(
                inputs,
                scenarios,
                folder,
                simulations=simulations,
                seed=seed,
                last_year=last_year,
            )
        if save:
            from highneeds.finance.scenario_store import save_scenario

            for path, scenario in zip(paths, scenarios, strict=True):
                save_scenario(
                    store, inputs.la_code, scenario, toml_text=path.read_text(encoding="utf-8")
                )
    except (HighneedsError, ValueError) as error:
        _fail(error)
        return
    show_comparison(
        result.comparison,
        fmt,
        out,
        intros=[f"{inputs.la_name} ({inputs.la_code}): {inputs.model} model"],
        notes=result.notes,
        title=f"Scenarios for {inputs.la_name}: annual cost and saving against the baseline "
        "(mean [5%–95%])",
    )
    if result.workbook:
        say(
            f"Wrote {result.workbook} and {len(result.charts)} charts in {result.seconds:.1f} s",
            fmt,
            out,
        )


def change_programme_examples() -> list[Path]:
    from highneeds.finance.bundled import DATA_DIR

    return sorted((DATA_DIR / "change_programme").glob("*.toml"))


@app.command()
def examples(
    folder: Path = typer.Argument(Path("."), help="where to copy them"),
) -> None:
    """Copy the example change-programme scenarios (status quo, more specialist places, early
    help, inclusion) and an illustrative capacity register to FOLDER, to edit or run."""
    from highneeds.cli.finance import console
    from highneeds.finance.bundled import DATA_DIR

    folder.mkdir(parents=True, exist_ok=True)
    for path in [*change_programme_examples(), DATA_DIR / "change_programme" / "capacity.csv"]:
        shutil.copy(path, folder / path.name)
        console.print(f"Wrote {folder / path.name}")
