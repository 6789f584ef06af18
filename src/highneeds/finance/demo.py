"""The finance demo: the demo LA's forecast turned into money, places and scenarios.

The demo LA is "Stockbridge (fictional)", whose SEN2 returns 2019–2024 ship in
``highneeds/data/demo/`` (invented children, see docs/synthetic-la.md): its yearly transitions
come from the SEN2 derived tables (:mod:`highneeds.sen2.derived`) and train the child-level
forecast. ``source="synthetic"`` uses the forecast's own synthetic LA instead (faster, used by
tests). The shipped example unit costs, capacity register and three example scenarios (status
quo; new special school; early help + inclusion) are in ``highneeds/data/finance/examples/``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.finance.bundled import DATA_DIR
from highneeds.finance.dsg import financial_year_of_census, project_allocation, scenario_positions
from highneeds.finance.projection import ScenarioRun, comparison_table, run_scenarios
from highneeds.finance.scenarios import Scenario, read_scenario
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.finance.workbook import write_comparison_charts, write_plan_workbook

EXAMPLES = DATA_DIR / "examples"

#: The forecast's synthetic LA's settings and the DSG management plan category of each.
SYNTHETIC_CATEGORIES = {
    "MAIN": "mainstream",
    "RP": "resourced_provision",
    "SPEC": "maintained_special",
    "INDEP": "independent_special",
    "FE": "post16_fe",
    "EY": "other",
}
#: The years every demo projects to (the example capacity register and scenarios' years).
DEMO_LAST_YEAR = 2030
SOURCES = ("sen2", "synthetic")


def example_scenarios() -> list[Path]:
    return sorted(EXAMPLES.glob("*.toml"))


def write_example_budget(path: str | Path) -> Path:
    """The demo LA's invented budget, outturn and allocations (``examples/budget.csv`` and
    ``allocation.csv``) as the filled budget template, the file an LA would upload (.xlsx)."""
    from openpyxl import load_workbook

    from highneeds.finance.templates import ALLOCATION, BUDGET, MONEY, write_template

    path = write_template("budget", path)
    book = load_workbook(path)
    for spec, name in ((BUDGET, "budget.csv"), (ALLOCATION, "allocation.csv")):
        sheet = book[spec.sheet]
        sheet.delete_rows(2, sheet.max_row)  # the blank template's example rows
        rows = pd.read_csv(EXAMPLES / name, dtype=str, keep_default_na=False)
        money = {c.name for c in spec.columns if c.kind == MONEY}
        for record in rows[spec.names].to_dict("records"):
            # Numbers as number cells, as an officer's spreadsheet has them; text stays text.
            sheet.append([float(v) if k in money else v for k, v in record.items()])
    book.save(path)
    return path


@dataclass
class DemoLA:
    model: object  # a fitted MarkovForecaster
    funding_categories: Mapping[str, str] | None
    description: str


def demo_la(source: str = "sen2", *, seed: int = 1) -> DemoLA:
    """The demo LA's fitted forecast: from its shipped SEN2 returns, or synthetic."""
    from highneeds.forecast.markov import MarkovForecaster

    if source == "sen2":
        transitions = demo_transitions()
        model = MarkovForecaster().fit(transitions)
        return DemoLA(
            model,
            None,
            "Demo LA 'Stockbridge (fictional)': transitions from its shipped SEN2 returns "
            "2019–2024 (invented children).",
        )
    if source == "synthetic":
        from highneeds.forecast.synthetic import synthetic_la

        la = synthetic_la(children=2500, years=4, first_year=2022, seed=seed)
        model = MarkovForecaster().fit(
            la.transitions, population=la.population, valid_states=la.valid_states
        )
        return DemoLA(
            model, SYNTHETIC_CATEGORIES, "The forecast's synthetic LA (invented children)."
        )
    raise ValueError(f"source must be one of {SOURCES}")


_TRANSITION_DTYPES = {
    "year": "int64",
    "child_id": "string",
    "ncy_from": "Int64",
    "need_from": "string",
    "setting_from": "string",
    "ncy_to": "Int64",
    "need_to": "string",
    "setting_to": "string",
}


def demo_transitions(*, cache: bool = True) -> pd.DataFrame:
    """Yearly transitions of the shipped demo LA through the SEN2 derived tables.

    Reading six years of SEN2 XML takes several seconds, so the derived transitions (of
    invented children) are cached under ``$HIGHNEEDS_HOME/cache``, keyed by the returns'
    SHA-256: a changed demo file is never read from a stale cache.
    """
    from highneeds import config
    from highneeds.sen2 import derived
    from highneeds.sen2.demo import DEMO_KEY, demo_paths
    from highneeds.sen2.establishments import demo_establishments
    from highneeds.sen2.read import read_returns
    from highneeds.store import file_sha256

    paths = demo_paths()
    key = file_sha256("".join(file_sha256(p) for p in paths).encode() + DEMO_KEY)[:20]
    cached = config.home() / "cache" / f"demo-transitions-{key}.csv"
    if cache and cached.exists():
        return pd.read_csv(cached, dtype=_TRANSITION_DTYPES)
    establishments = demo_establishments()
    prepared = [derived.prepare(ret, DEMO_KEY, establishments) for ret in read_returns(paths)]
    states = pd.concat([p.states for p in prepared], ignore_index=True)
    events = pd.concat([p.events for p in prepared], ignore_index=True)
    transitions = derived.transitions(states, events).drop(columns=["leave_reason"])
    transitions = transitions[list(_TRANSITION_DTYPES)].astype(_TRANSITION_DTYPES)
    if cache:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        transitions.to_csv(partial, index=False)
        partial.replace(cached)  # atomic: a reader never sees half a file
    return transitions


@dataclass
class ComparisonResult:
    workbook: Path
    charts: list[Path]
    comparison: pd.DataFrame
    position: pd.DataFrame
    run: ScenarioRun
    seconds: float
    notes: list[str]


def run_comparison(
    la: DemoLA,
    scenarios: Sequence[Scenario],
    out_dir: str | Path,
    *,
    unit_costs: pd.DataFrame,
    capacity: pd.DataFrame | None,
    simulations: int = 1000,
    seed: int = 1,
    last_year: int = DEMO_LAST_YEAR,
    inflation: float = 0.03,
    allocation_growth: float = 0.03,
    notes: Sequence[str] = (),
) -> ComparisonResult:
    """Forecast the baseline and every scenario with the same draws, cost them, and write the
    comparison workbook (DSG management plan layout) and charts (PNG and SVG)."""
    start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    horizon = last_year - la.model.base_year_
    run = run_scenarios(
        la.model,
        scenarios,
        unit_costs,
        horizon=horizon,
        simulations=simulations,
        seed=seed,
        inflation=inflation,
        capacity=capacity,
        funding_categories=la.funding_categories,
    )
    comparison = comparison_table(run)
    costed = run.costed()
    price_year = run.years[0]
    # Demo assumption: the allocation covers 95% of the baseline's first-year cost.
    first = comparison[(comparison.scenario == "Baseline") & (comparison.year == price_year)]
    base = round(float(first.cost_gbp_mean.iloc[0]) * 0.95, -5)
    history = pd.DataFrame(
        {"financial_year": [financial_year_of_census(price_year)], "allocation_gbp": [base]}
    )
    allocation = project_allocation(
        history, financial_year_of_census(run.years[-1]), growth=allocation_growth
    )
    position = _flag_defaults(
        scenario_positions(costed, allocation, opening_balance_gbp=0.0), costed
    )
    all_notes = [
        la.description,
        f"Prices at January {price_year}, inflation {inflation:.0%} a year.",
        f"Demo allocation: £{base:,.0f} in {history.financial_year.iloc[0]} (95% of the "
        f"baseline's first-year cost), growing {allocation_growth:.0%} a year.",
        f"{simulations} simulations, seed {seed}. Each scenario is simulated jointly with the "
        "baseline from the same draws (common random numbers); savings are per simulation "
        "against that jointly simulated baseline.",
        "Early help cuts new plans (joiners); moves redirect new placements (joiners and "
        "movers), not children already placed.",
        *notes,
    ]
    workbook = write_plan_workbook(
        out_dir / "scenario_comparison.xlsx", costed, comparison, position, all_notes
    )
    charts = write_comparison_charts(comparison, out_dir)
    return ComparisonResult(
        workbook,
        charts,
        comparison,
        position,
        run,
        time.perf_counter() - start,
        all_notes,
    )


def _flag_defaults(position: pd.DataFrame, costed: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Add ``uses_reference_default``: does the year's modelled spend rest on a default?"""
    flags = {}
    for name, frame in costed.items():
        by_year = frame.groupby("year")["uses_reference_default"].any()
        for year, flag in by_year.items():
            flags[(name, financial_year_of_census(int(year)))] = bool(flag)
    keys = zip(position["scenario"], position["financial_year"], strict=True)
    return position.assign(uses_reference_default=[flags.get(k, False) for k in keys])


def run_demo(
    out_dir: str | Path,
    *,
    simulations: int = 1000,
    seed: int = 1,
    source: str = "sen2",
    scenario_paths: Sequence[str | Path] | None = None,
    inflation: float = 0.03,
    allocation_growth: float = 0.03,
    scenarios: Sequence[Scenario] | None = None,
) -> ComparisonResult:
    """The demo LA, the example unit costs, capacity and scenarios: workbook and charts.
    ``scenarios`` (e.g. saved in the store) replace the files when given."""
    start = time.perf_counter()
    la = demo_la(source, seed=seed)
    if scenarios is None:
        scenarios = [read_scenario(p) for p in (scenario_paths or example_scenarios())]
    result = run_comparison(
        la,
        scenarios,
        out_dir,
        unit_costs=read_unit_costs(EXAMPLES / "unit_costs.csv"),
        capacity=read_capacity(EXAMPLES / "capacity.csv"),
        simulations=simulations,
        seed=seed,
        inflation=inflation,
        allocation_growth=allocation_growth,
        notes=["Example unit costs and capacity register (highneeds/data/finance/examples)."],
    )
    result.seconds = time.perf_counter() - start
    return result


def demo_sufficiency(
    *, simulations: int = 500, seed: int = 1, source: str = "sen2"
) -> pd.DataFrame:
    """Places against forecast demand for the demo LA with the example capacity register:
    ``year, funding_category, demand`` (mean children), ``places``, ``gap`` (places − demand;
    negative = short) and ``probability_short``, for each capped category and year."""
    la = demo_la(source, seed=seed)
    run = run_scenarios(
        la.model,
        [],
        read_unit_costs(EXAMPLES / "unit_costs.csv"),
        horizon=DEMO_LAST_YEAR - la.model.base_year_,
        simulations=simulations,
        seed=seed,
        capacity=read_capacity(EXAMPLES / "capacity.csv"),
        funding_categories=la.funding_categories,
    )
    return run.costed()["Baseline"].attrs["sufficiency"]
