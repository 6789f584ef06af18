"""``highneeds forecast …``: child-level EHCP caseload forecasts with intervals and costs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console

from highneeds.errors import HighneedsError, ModelInputError
from highneeds.forecast.backtest import DEFAULT_HORIZON, DEFAULT_ORIGINS
from highneeds.forecast.export import fan_chart, forecast_tables, write_forecast
from highneeds.forecast.markov import ESTIMATIONS, MarkovForecaster
from highneeds.forecast.witan import read_witan_inputs, write_witan_outputs

app = typer.Typer(
    help="Forecast EHCP caseloads (and their cost) with honest uncertainty.",
    no_args_is_help=True,
)
from highneeds.cli.output import (  # noqa: E402 - one console that follows COLUMNS
    Format,
    FormatOption,
    OutOption,
    Tables,
    console,
    emit,
    emit_text,
    say,
)


def _fail(error: HighneedsError) -> None:
    console.print(f"[red]Error:[/red] {error}")
    raise typer.Exit(code=1)


def _model(
    estimation: str,
    recency_decay: float,
    joiner_trend: bool,
    train_years: str | None,
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


#: Headings on screen of the forecast total (csv and json keep the code names).
_TOTAL_LABELS = {
    "year": "January",
    "expected": "Expected",
    "median": "Median",
    "q10": "10%",
    "q90": "90%",
}


def _report(
    result,
    tables: dict[str, pd.DataFrame],
    folder: Path,
    elapsed: float,
    fmt: Format,
    out: Path | None,
) -> None:
    total = tables["total"]
    shown = Tables(fmt, out)
    shown.intro(f"{result.simulations:,} simulations, {len(total) - 1} years in {elapsed:.2f} s")
    shown.add(
        total[["year", "expected", "median", "q10", "q90"]],
        "EHCP caseload forecast (children)",
        index=False,
        screen=_TOTAL_LABELS,
        decimals=dict.fromkeys(["expected", "median", "q10", "q90"], 1),
    )
    shown.note(f"The forecast's tables are written to {folder}")
    shown.show()


ESTIMATION_HELP = f"Estimation rules: {' or '.join(ESTIMATIONS)} (witan = witan.send's rules)."
WORKBOOK_HELP = "Also write every table to one workbook, forecast.xlsx (slower)."
CHARTS_HELP = "Also draw fan charts of the caseload (and cost) as PNG (slower)."


@app.command()
def witan(
    directory: Path = typer.Argument(..., help="witan.send input folder (transitions.csv, …)"),
    folder: Path = typer.Option(
        Path("forecast-output"), "--folder", help="Folder for the results."
    ),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    simulations: int = typer.Option(1000, "--simulations", min=2),
    horizon: int = typer.Option(5, "--horizon", min=1, help="Years ahead."),
    seed: int = typer.Option(50, "--seed"),
    estimation: str = typer.Option("bayes", "--estimation", help=ESTIMATION_HELP),
    recency_decay: float = typer.Option(1.0, "--recency-decay"),
    joiner_trend: bool = typer.Option(False, "--joiner-trend/--no-joiner-trend"),
    train_years: str = typer.Option(None, "--train-years", help="e.g. 2015,2016"),
    prior_strength: float = typer.Option(2.0, "--prior-strength"),
    workbook: bool = typer.Option(False, "--workbook/--no-workbook", help=WORKBOOK_HELP),
    charts: bool = typer.Option(False, "--charts/--no-charts", help=CHARTS_HELP),
) -> None:
    """Forecast from witan.send inputs; writes witan.send's Output_*.csv files and our tables
    (with --workbook and --charts also forecast.xlsx and fan charts)."""
    try:
        start = time.perf_counter()
        inputs = read_witan_inputs(directory)
        model = _model(estimation, recency_decay, joiner_trend, train_years, prior_strength)
        model.fit(inputs.transitions, inputs.population, inputs.valid_states)
        result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
        tables = forecast_tables(result, inputs.costs)
        # Our files are written on a second thread while witan.send's tables are worked out
        # (their sorting and sums release the GIL); the two share no work and no files.
        with ThreadPoolExecutor(max_workers=1) as pool:
            ours = pool.submit(write_forecast, tables, folder, workbook=workbook, charts=charts)
            write_witan_outputs(result, inputs.costs, folder)
            ours.result()
        _report(result, tables, folder, time.perf_counter() - start, fmt, out)
    except HighneedsError as error:
        _fail(error)


@app.command()
def markov(
    transitions: Path = typer.Argument(
        None, help="CSV in the transitions contract (or use --la to read them from the store)."
    ),
    la: str = typer.Option(
        None, "--la", help="LA code whose imported SEN2 returns give the transitions."
    ),
    population: Path = typer.Option(None, "--population", help="CSV: year, ncy, population."),
    valid_states: Path = typer.Option(
        None,
        "--valid-states",
        help="CSV: setting, setting_group, min_ncy, max_ncy, needs, moves_to.",
    ),
    costs: Path = typer.Option(None, "--costs", help="CSV: need, setting, cost (£ a year)."),
    folder: Path = typer.Option(
        Path("forecast-output"), "--folder", help="Folder for the results."
    ),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    simulations: int = typer.Option(1000, "--simulations", min=2),
    horizon: int = typer.Option(5, "--horizon", min=1),
    seed: int = typer.Option(50, "--seed"),
    estimation: str = typer.Option("bayes", "--estimation", help=ESTIMATION_HELP),
    recency_decay: float = typer.Option(1.0, "--recency-decay"),
    joiner_trend: bool = typer.Option(False, "--joiner-trend/--no-joiner-trend"),
    train_years: str = typer.Option(None, "--train-years"),
    prior_strength: float = typer.Option(2.0, "--prior-strength"),
    workbook: bool = typer.Option(False, "--workbook/--no-workbook", help=WORKBOOK_HELP),
    charts: bool = typer.Option(False, "--charts/--no-charts", help=CHARTS_HELP),
) -> None:
    """Forecast from highneeds transitions (e.g. built from SEN2); CSV tables (with
    --workbook and --charts also XLSX and fan charts)."""
    try:
        start = time.perf_counter()
        if (transitions is None) == (la is None):
            raise ModelInputError("give either a transitions CSV or --la CODE, not both")
        if la is not None:
            from highneeds.sen2.stored import stored_transitions
            from highneeds.store import open_store

            frame = stored_transitions(open_store(), la)
            if frame.empty:
                raise ModelInputError(
                    f"no transitions stored for LA {la}: import its SEN2 returns first "
                    "(highneeds sen2 import FILE…) — at least two consecutive years"
                )
        else:
            frame = pd.read_csv(
                transitions,
                dtype={"need_from": str, "setting_from": str, "need_to": str, "setting_to": str},
            )
        pop = pd.read_csv(population) if population else None
        valid = pd.read_csv(valid_states) if valid_states else None
        cost_table = pd.read_csv(costs) if costs else None
        model = _model(estimation, recency_decay, joiner_trend, train_years, prior_strength)
        model.fit(frame, pop, valid)
        result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
        tables = forecast_tables(result, cost_table)
        write_forecast(tables, folder, workbook=workbook, charts=charts)
        _report(result, tables, folder, time.perf_counter() - start, fmt, out)
    except HighneedsError as error:
        _fail(error)


# -- public-data model --------------------------------------------------------------------


def _public_panel(releases: list[Path] | None):
    """The panel from the bundled DfE release with any newer ``releases`` read over it (the
    newest release wins where they overlap, as in the store)."""
    from highneeds.forecast.public import build_panel
    from highneeds.importers.dfe import bundled_release_path
    from highneeds.readers.dfe_ehcp import read_release
    from highneeds.readers.dfe_merge import newest_wins

    paths = [bundled_release_path(), *(releases or [])]
    return build_panel(newest_wins(pd.concat([read_release(p) for p in paths], ignore_index=True)))


RELEASE_HELP = (
    "A DfE EHCP release (zip or folder) read over the bundled 2022 one, newest winning; "
    "repeat for several."
)


@app.command()
def public(
    origin: int = typer.Option(
        None, "--origin", help="Last January census year of data to use (default: the latest)."
    ),
    horizon: int = typer.Option(3, "--horizon", min=1),
    all_las: bool = typer.Option(False, "--all-las", help="Every LA (default: the national sum)."),
    la: str = typer.Option(None, "--la", help="One LA's 3-digit number."),
    release: list[Path] = typer.Option(None, "--release", help=RELEASE_HELP, metavar="RELEASE"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    chart: Path = typer.Option(None, "--chart", help="With --la: fan chart of its total (PNG)."),
    by: str = typer.Option(
        "age_band",
        "--by",
        help="age_band (total and age bands) or setting_group (also each setting group).",
    ),
) -> None:
    """Forecast EHCP caseloads by age band (and setting group) for LAs from DfE published
    data alone."""
    from highneeds.forecast.public import PublicStockFlowForecaster

    notes = Console(stderr=True)  # stdout may be the CSV
    try:
        if by not in ("age_band", "setting_group"):
            raise ModelInputError(f"--by: give age_band or setting_group, not {by!r}")
        panel = _public_panel(release)
        model = PublicStockFlowForecaster().fit(panel, origin)
        table = model.predict(horizon, setting_groups=by == "setting_group")
    except HighneedsError as error:
        _fail(error)
    notes.print(f"Forecast from January {model.origin_}.")
    if len(model.left_out_):
        codes = list(model.left_out_["area_code"])
        shown = ", ".join(codes[:12]) + (
            f" and {len(codes) - 12:,} more" if len(codes) > 12 else ""
        )
        notes.print(f"{len(codes):,} LAs left out ({model.left_out_['reason'].iloc[0]}): {shown}")
    if la:
        # a reorganised LA is forecast as its whole lineage group, e.g. 940 -> 928+940+941
        table = table[table["area_code"].str.split("+").map(lambda codes: la in codes)]
        if table.empty:
            _fail(HighneedsError(f"no forecast for LA {la!r}: unknown number or incomplete data"))
    elif not all_las:
        keys = ["year", "horizon", "age_band", "setting_group"]
        table = table.groupby(keys)[["expected"]].sum().reset_index()
        notes.print(
            f"Sum of the expected values of the {model.fit_.ok.sum():,} LAs forecast (England "
            "when none is left out); add --all-las for every LA with intervals."
        )
    if chart:
        if not la:
            _fail(HighneedsError("--chart needs --la: a fan chart shows one LA's total"))
        _public_fan_chart(panel, table, model.origin_, chart)
        notes.print(f"Fan chart written to {chart}")
    if out is not None and out.suffix.lower() == ".xlsx":
        from highneeds.spreadsheet import write_sheets

        write_sheets(out, {"Forecast": table})
        notes.print(f"Written to {out}")
        return
    emit(
        table,
        fmt,
        out=out,
        title=f"EHCP caseload forecast from January {model.origin_}",
        index=False,
        screen=_PUBLIC_LABELS,
        decimals={c: 1 for c in table.columns if c not in ("year", "horizon")},
    )


#: Headings on screen of the public-data forecast (csv and json keep the code names).
_PUBLIC_LABELS = {
    "area_code": "LA",
    "area_name": "Name",
    "year": "January",
    "horizon": "Years ahead",
    "age_band": "Age band",
    "setting_group": "Setting group",
    "expected": "Expected",
    "median": "Median",
    "std": "Standard deviation",
}


def _public_fan_chart(panel, table: pd.DataFrame, origin: int, path: Path) -> None:
    """Fan chart of one LA's forecast total, starting from its published origin caseload."""
    total = table[(table["age_band"] == "total") & (table["setting_group"] == "total")]
    code = total["area_code"].iloc[0]
    row = list(panel.areas["area_code"]).index(code)
    start = panel.total[row, list(panel.years).index(origin)]
    labels = ("area_code", "area_name", "age_band", "setting_group")
    first = {c: start for c in total.columns if c not in labels}
    first.update(year=origin, horizon=0, std=0.0)
    series = pd.concat([pd.DataFrame([first]), total], ignore_index=True)
    fan_chart(series, path, title=f"EHCP caseload, {total['area_name'].iloc[0]}")


@app.command("backtest")
def backtest_command(
    origins: str = typer.Option(
        ",".join(str(y) for y in DEFAULT_ORIGINS),
        "--origins",
        help="Origin years, comma-separated (2020 on are reported as the check).",
    ),
    horizon: int = typer.Option(DEFAULT_HORIZON, "--horizon", min=1, help="Years ahead."),
    release: list[Path] = typer.Option(None, "--release", help=RELEASE_HELP, metavar="RELEASE"),
    errors_out: Path = typer.Option(
        None, "--errors-out", help="CSV of every LA's forecast, actual and error."
    ),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
    by: str = typer.Option(
        "total",
        "--by",
        help="total (LA caseload vs five baselines) or setting_group (each group's "
        "forecast vs the last-share baseline).",
    ),
    model: str = typer.Option(
        "public", "--model", help="public (every LA from DfE data) or markov (child-level)."
    ),
    inputs: Path = typer.Option(
        None,
        "--inputs",
        help="With --model markov: a witan.send input folder (default: a synthetic LA).",
    ),
    simulations: int = typer.Option(1000, "--simulations", min=2, help="With --model markov."),
    joiner_trend: bool = typer.Option(
        False,
        "--joiner-trend/--no-joiner-trend",
        help="With --model markov: carry on the trend in the joiner rate, with its "
        "uncertainty (origins need three years of transitions before them).",
    ),
) -> None:
    """Rolling-origin backtest of the public-data model against five baselines, every LA:
    MAPE, median APE and bias by horizon, and 50/80/95% interval coverage; origins to 2019
    (which chose the model's settings) and the check origins 2020 on, apart. With --by
    setting_group: each setting group's MAPE against holding the origin's shares."""
    from highneeds.forecast.backtest import backtest, backtest_summary, summary_markdown
    from highneeds.forecast.public import PublicStockFlowForecaster

    if model == "markov":
        _backtest_markov(inputs, horizon, simulations, joiner_trend, errors_out, fmt, out)
        return
    if model != "public":
        _fail(HighneedsError(f"--model: give public or markov, not {model!r}"))
    if by == "setting_group":
        _backtest_groups(origins, horizon, release, errors_out, fmt, out)
        return
    if by != "total":
        _fail(HighneedsError(f"--by: give total or setting_group, not {by!r}"))
    try:
        panel = _public_panel(release)
        years = [int(y) for y in origins.split(",")]
        errors = backtest(panel, PublicStockFlowForecaster(), years, horizon)
        summary = backtest_summary(errors)
    except HighneedsError as error:
        _fail(error)
    except ValueError:
        _fail(HighneedsError(f"--origins: give years like 2017,2018, not {origins!r}"))
    if errors_out:
        errors.to_csv(errors_out, index=False)
    tables = Tables(fmt, out)
    if tables.fmt is Format.markdown:
        emit_text(summary_markdown(summary), out)
        return
    tables.add(
        _in_words(summary, tables.fmt),
        "Backtest of the public-data model against the baselines",
        index=False,
        decimals=_two_places(summary),
        screen=_BACKTEST_LABELS,
    )
    for line in _backtest_verdicts(summary):
        tables.note(line)
    tables.show()


def _backtest_markov(
    inputs: Path | None,
    horizon: int,
    simulations: int,
    joiner_trend: bool,
    errors_out: Path | None,
    fmt: Format,
    out: Path | None,
) -> None:
    """``highneeds backtest --model markov``: the child-level model from every origin its
    transitions allow, on a witan.send input folder or a synthetic LA."""
    from highneeds.forecast.markov_backtest import markov_backtest, markov_summary

    try:
        if inputs is None:
            from highneeds.forecast.synthetic import synthetic_la

            # seven transition years: five origins, up to five years ahead
            data = synthetic_la(children=3000, years=7, first_year=2016)
            say("Synthetic LA (invented children, a known process), Januaries 2017–2023.", fmt, out)
        else:
            data = read_witan_inputs(inputs)
        errors = markov_backtest(
            data.transitions,
            population=data.population,
            valid_states=data.valid_states,
            horizon=horizon,
            simulations=simulations,
            model=lambda: MarkovForecaster(joiner_trend=joiner_trend),
            train_years=3 if joiner_trend else 2,
        )
    except HighneedsError as error:
        _fail(error)
    if errors_out:
        errors.to_csv(errors_out, index=False)
    summary = markov_summary(errors)
    tables = Tables(fmt, out)
    if tables.fmt is Format.markdown:
        names = ["horizon", "forecasts", "MAPE %", "median APE %", "bias %"]
        names += [f"{level}% cover %" for level in (50, 80, 95)]
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        for row in summary.itertuples(index=False):
            values = [row.mape, row.median_ape, row.bias, *row[-3:]]
            lines.append(
                f"| {row.horizon} | {row.forecasts} | "
                + " | ".join(f"{v:.1f}" for v in values)
                + " |"
            )
        emit_text("\n".join(lines), out)
    else:
        tables.add(
            summary,
            "Backtest of the child-level model",
            index=False,
            decimals=_two_places(summary),
            screen=_BACKTEST_LABELS,
        ).show()


def _backtest_verdicts(summary: pd.DataFrame) -> list[str]:
    """One line per period and horizon: the model's MAPE against the best baseline's and
    its 80% coverage."""
    from highneeds.forecast.backtest import best_baseline, method_label

    lines = []
    for (period, h), part in summary.groupby(["period", "horizon"], sort=False):
        ours = part[part["method"] == "public_stock_flow"]
        if ours.empty:
            continue
        name, mape = best_baseline(part, int(h))
        lines.append(
            f"{period} origins, horizon {h}: model MAPE {ours['mape'].iloc[0]:.2f}% vs best "
            f"baseline ({method_label(name)}) {mape:.2f}% over "
            f"{ours['forecasts'].iloc[0]:,} LA forecasts; "
            f"80% intervals held for {ours['coverage80'].iloc[0]:.1f}%"
        )
    return lines


def _backtest_groups(
    origins: str,
    horizon: int,
    release: list[Path] | None,
    errors_out: Path | None,
    fmt: Format,
    out: Path | None,
) -> None:
    """``highneeds backtest --by setting_group``: group MAPE vs the last-share baseline."""
    from highneeds.forecast.backtest import backtest_groups, group_summary_markdown
    from highneeds.forecast.public import PublicStockFlowForecaster

    try:
        panel = _public_panel(release)
        years = [int(y) for y in origins.split(",")]
        errors = backtest_groups(panel, PublicStockFlowForecaster(), years, horizon)
    except HighneedsError as error:
        _fail(error)
    except ValueError:
        _fail(HighneedsError(f"--origins: give years like 2017,2018, not {origins!r}"))
    if errors_out:
        errors.to_csv(errors_out, index=False)
    tables = Tables(fmt, out)
    if tables.fmt is Format.markdown:
        emit_text(group_summary_markdown(errors), out)
        return
    summary = (
        errors.groupby(["setting_group", "horizon", "method"], sort=False)
        .agg(
            forecasts=("ape", "size"),
            mape=("ape", "mean"),
            median_ape=("ape", "median"),
            coverage80=("covered80", "mean"),
        )
        .reset_index()
    )
    summary["coverage80"] *= 100
    tables.add(
        _in_words(summary, tables.fmt),
        "Backtest by setting group",
        index=False,
        decimals=_two_places(summary),
        screen=_BACKTEST_LABELS,
    ).show()


def _in_words(summary: pd.DataFrame, fmt: Format) -> pd.DataFrame:
    """On screen, methods and setting groups in words; csv and json keep their codes for
    scripts."""
    if fmt is not Format.table:
        return summary
    from highneeds.forecast.backtest import method_label
    from highneeds.vocabulary import SETTING_GROUP_BY_CODE

    words = summary.assign(method=summary["method"].map(method_label))
    if "setting_group" in words:
        groups = {code: group.label for code, group in SETTING_GROUP_BY_CODE.items()}
        words["setting_group"] = words["setting_group"].map(lambda c: groups.get(c, c))
    return words


def _two_places(summary: pd.DataFrame) -> dict[str, int]:
    """Errors and coverage (percentages) to two decimal places on screen."""
    return dict.fromkeys(summary.select_dtypes("float").columns, 2)


#: Headings on screen of the backtest summaries (csv and json keep the code names).
_BACKTEST_LABELS = {
    "period": "Origins",
    "method": "Method",
    "horizon": "Years ahead",
    "setting_group": "Setting group",
    "forecasts": "Forecasts",
    "mape": "MAPE %",
    "median_ape": "Median APE %",
    "bias": "Bias %",
    **{f"coverage{level}": f"{level}% interval held %" for level in (50, 80, 95)},
}
