"""``highneeds scenario run FILE…``: compare scenarios with the baseline, workbook and charts."""

from __future__ import annotations

from pathlib import Path

import typer

from highneeds.errors import HighneedsError

app = typer.Typer(
    help="Scenarios of the change programme: run them against the baseline forecast.",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """Scenarios of the change programme: run them against the baseline forecast."""
    # A callback keeps `run` a named subcommand even while it is the only one.


#: LA code of the shipped demo LA, "Stockbridge (fictional)": owner of its saved scenarios.
DEMO_LA_CODE = "999"


@app.command()
def run(
    files: list[Path] = typer.Argument(
        None, help="scenario TOML files (none: the three shipped examples)"
    ),
    out: Path = typer.Option(Path("scenario-comparison"), help="folder for workbook and charts"),
    simulations: int = typer.Option(1000, help="forecast simulations (common to all scenarios)"),
    seed: int = typer.Option(1, help="random seed: the same seed gives the same results"),
    source: str = typer.Option(
        "sen2", help="demo LA data: sen2 (its shipped SEN2 returns) or synthetic"
    ),
    unit_costs: Path = typer.Option(None, help="filled unit-cost template (default: example)"),
    capacity: Path = typer.Option(None, help="filled capacity template (default: example)"),
    inflation: float = typer.Option(0.03, help="yearly inflation of unit costs"),
    save: bool = typer.Option(False, help="also save the scenarios in the store (LA 999)"),
) -> None:
    """Forecast the demo LA, run every scenario on the same draws, write the comparison
    workbook (DSG management plan layout) and charts (PNG and SVG)."""
    from highneeds.cli.finance import _fail, _print_comparison, console
    from highneeds.finance.demo import EXAMPLES, demo_la, example_scenarios, run_comparison
    from highneeds.finance.scenarios import read_scenario
    from highneeds.finance.templates import read_capacity, read_unit_costs

    try:
        paths = list(files) if files else example_scenarios()
        scenarios = [read_scenario(p) for p in paths]
        costs_path = unit_costs or EXAMPLES / "unit_costs.csv"
        capacity_path = capacity or EXAMPLES / "capacity.csv"
        with console.status("Forecasting and costing the scenarios…"):
            result = run_comparison(
                demo_la(source, seed=seed),
                scenarios,
                out,
                unit_costs=read_unit_costs(costs_path),
                capacity=read_capacity(capacity_path),
                simulations=simulations,
                seed=seed,
                inflation=inflation,
                notes=[f"Unit costs: {costs_path.name}; capacity: {capacity_path.name}."],
            )
        if save:
            from highneeds.finance.scenario_store import save_scenario
            from highneeds.store import open_store

            store = open_store()
            for path, scenario in zip(paths, scenarios, strict=True):
                save_scenario(
                    store, DEMO_LA_CODE, scenario, toml_text=path.read_text(encoding="utf-8")
                )
    except (HighneedsError, ValueError) as error:
        _fail(error)
        return
    _print_comparison(result.comparison)
    for note in result.notes:
        console.print(note)
    console.print(
        f"Wrote {result.workbook} and {len(result.charts)} charts in {result.seconds:.1f} s"
    )
