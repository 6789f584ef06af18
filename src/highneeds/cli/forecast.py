"""``highneeds forecast …``: child-level EHCP caseload forecasts with intervals and costs."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console

from highneeds.errors import HighneedsError
from highneeds.forecast.export import fan_chart, forecast_tables, write_tables
from highneeds.forecast.markov import ESTIMATIONS, MarkovForecaster
from highneeds.forecast.witan import read_witan_inputs, write_witan_outputs

app = typer.Typer(
    help="Forecast EHCP caseloads (and their cost) with honest uncertainty.",
    no_args_is_help=True,
)
console = Console()


def _fail(error: HighneedsError) -> None:
    console.print(f"[red]Error:[/red] {error}")
    raise typer.Exit(code=1)


def _model(
    estimation: str, recency_decay: float, joiner_trend: bool, train_years: str | None,
    prior_strength: float,
) -> MarkovForecaster:
    years = [int(y) for y in train_years.split(",")] if train_years else None
    return MarkovForecaster(
        estimation=estimation,
        recency_decay=recency_decay,
        joiner_trend=joiner_trend,
        train_years=years,
        prior_strength=prior_strength,
    )


def _report(result, tables: dict[str, pd.DataFrame], out: Path, elapsed: float) -> None:
    total = tables["total"]
    console.print(
        f"{result.simulations:,} simulations, {len(total) - 1} years in {elapsed:.2f} s"
    )
    console.print(total[["year", "expected", "median", "q10", "q90"]].round(1).to_string(index=False))
    console.print(f"Written to {out}")


ESTIMATION_HELP = f"Estimation rules: {' or '.join(ESTIMATIONS)} (witan = witan.send's rules)."


@app.command()
def witan(
    directory: Path = typer.Argument(..., help="witan.send input folder (transitions.csv, …)"),
    out: Path = typer.Option(Path("forecast-output"), "--out", help="Folder for the results."),
    simulations: int = typer.Option(1000, "--simulations", min=2),
    horizon: int = typer.Option(5, "--horizon", min=1, help="Years ahead."),
    seed: int = typer.Option(50, "--seed"),
    estimation: str = typer.Option("bayes", "--estimation", help=ESTIMATION_HELP),
    recency_decay: float = typer.Option(1.0, "--recency-decay"),
    joiner_trend: bool = typer.Option(False, "--joiner-trend/--no-joiner-trend"),
    train_years: str = typer.Option(None, "--train-years", help="e.g. 2015,2016"),
    prior_strength: float = typer.Option(2.0, "--prior-strength"),
) -> None:
    """Forecast from witan.send inputs; writes witan.send's Output_*.csv files, our tables,
    forecast.xlsx and fan charts."""
    try:
        start = time.perf_counter()
        inputs = read_witan_inputs(directory)
        model = _model(estimation, recency_decay, joiner_trend, train_years, prior_strength)
        model.fit(inputs.transitions, inputs.population, inputs.valid_states)
        result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
        tables = forecast_tables(result, inputs.costs)
        write_witan_outputs(result, inputs.costs, out)
        write_tables(tables, out)
        fan_chart(tables["total"], out / "fan_chart_caseload.png", title="EHCP caseload")
        fan_chart(tables["cost_total"], out / "fan_chart_cost.png", title="Cost", unit="£ a year")
        _report(result, tables, out, time.perf_counter() - start)
    except HighneedsError as error:
        _fail(error)


@app.command()
def markov(
    transitions: Path = typer.Argument(..., help="CSV in the transitions contract."),
    population: Path = typer.Option(None, "--population", help="CSV: year, ncy, population."),
    valid_states: Path = typer.Option(
        None, "--valid-states", help="CSV: setting, setting_group, min_ncy, max_ncy, needs, moves_to."
    ),
    costs: Path = typer.Option(None, "--costs", help="CSV: need, setting, cost (£ a year)."),
    out: Path = typer.Option(Path("forecast-output"), "--out"),
    simulations: int = typer.Option(1000, "--simulations", min=2),
    horizon: int = typer.Option(5, "--horizon", min=1),
    seed: int = typer.Option(50, "--seed"),
    estimation: str = typer.Option("bayes", "--estimation", help=ESTIMATION_HELP),
    recency_decay: float = typer.Option(1.0, "--recency-decay"),
    joiner_trend: bool = typer.Option(False, "--joiner-trend/--no-joiner-trend"),
    train_years: str = typer.Option(None, "--train-years"),
    prior_strength: float = typer.Option(2.0, "--prior-strength"),
) -> None:
    """Forecast from highneeds transitions (e.g. built from SEN2); CSV, XLSX and fan chart."""
    try:
        start = time.perf_counter()
        frame = pd.read_csv(transitions, dtype={"need_from": str, "setting_from": str,
                                                "need_to": str, "setting_to": str})
        pop = pd.read_csv(population) if population else None
        valid = pd.read_csv(valid_states) if valid_states else None
        cost_table = pd.read_csv(costs) if costs else None
        model = _model(estimation, recency_decay, joiner_trend, train_years, prior_strength)
        model.fit(frame, pop, valid)
        result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
        tables = forecast_tables(result, cost_table)
        write_tables(tables, out)
        fan_chart(tables["total"], out / "fan_chart_caseload.png", title="EHCP caseload")
        _report(result, tables, out, time.perf_counter() - start)
    except HighneedsError as error:
        _fail(error)
