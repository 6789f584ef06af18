"""The finance demo: a synthetic LA's forecast turned into money, places and scenarios.

Uses the forecast engine's public API on its synthetic LA (invented children, no real data),
the shipped example unit costs, capacity register and three example scenarios (status quo;
new special school; early help + inclusion), and writes the comparison workbook and charts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.finance.bundled import DATA_DIR
from highneeds.finance.caseload import caseload_from_forecast
from highneeds.finance.dsg import financial_year_of_census, project_allocation, scenario_positions
from highneeds.finance.scenarios import compare_scenarios, read_scenario
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.finance.workbook import write_comparison_charts, write_plan_workbook

EXAMPLES = DATA_DIR / "examples"

#: The synthetic LA's settings and the DSG management plan category each is funded as.
SYNTHETIC_CATEGORIES = {
    "MAIN": "mainstream",
    "RP": "resourced_provision",
    "SPEC": "maintained_special",
    "INDEP": "independent_special",
    "FE": "post16_fe",
    "EY": "other",
}


@dataclass
class DemoResult:
    workbook: Path
    charts: list[Path]
    comparison: pd.DataFrame
    position: pd.DataFrame
    seconds: float
    notes: list[str]


def run_demo(
    out_dir: str | Path,
    *,
    simulations: int = 500,
    children: int = 2500,
    seed: int = 1,
    inflation: float = 0.03,
    allocation_growth: float = 0.03,
) -> DemoResult:
    """Forecast the synthetic LA, cost three scenarios and write workbook and charts."""
    from highneeds.forecast.markov import MarkovForecaster
    from highneeds.forecast.synthetic import synthetic_la

    start = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    la = synthetic_la(children=children, years=4, first_year=2022, seed=seed)
    model = MarkovForecaster().fit(
        la.transitions, population=la.population, valid_states=la.valid_states
    )
    result = model.simulate(horizon=4, simulations=simulations, seed=seed)
    caseload = caseload_from_forecast(result, funding_categories=SYNTHETIC_CATEGORIES)
    price_year = int(result.years[0])
    unit_costs = read_unit_costs(EXAMPLES / "unit_costs.csv")
    capacity = read_capacity(EXAMPLES / "capacity.csv")
    scenarios = [read_scenario(p) for p in sorted(EXAMPLES.glob("*.toml"))]
    comparison, costed = compare_scenarios(
        caseload,
        scenarios,
        unit_costs,
        price_year=price_year,
        inflation=inflation,
        capacity=capacity,
    )
    # Demo assumption (synthetic LA): the allocation covers 95% of the first year's cost.
    first = comparison[(comparison.scenario == "Baseline") & (comparison.year == price_year)]
    base = round(float(first.cost_gbp_mean.iloc[0]) * 0.95, -5)
    history = pd.DataFrame(
        {"financial_year": [financial_year_of_census(price_year)], "allocation_gbp": [base]}
    )
    allocation = project_allocation(
        history, financial_year_of_census(int(result.years[-1])), growth=allocation_growth
    )
    position = scenario_positions(costed, allocation, opening_balance_gbp=0.0)
    notes = [
        "Synthetic demo LA: invented children, example unit costs and capacity.",
        f"Prices at January {price_year}, inflation {inflation:.0%} a year.",
        f"Demo allocation: £{base:,.0f} in {history.financial_year.iloc[0]} (95% of the "
        f"baseline's first-year cost), growing {allocation_growth:.0%} a year.",
        f"{simulations} simulations; every scenario uses the same draws (common random numbers).",
    ]
    workbook = write_plan_workbook(
        out_dir / "scenario_comparison.xlsx", costed, comparison, position, notes
    )
    charts = write_comparison_charts(comparison, out_dir)
    return DemoResult(workbook, charts, comparison, position, time.perf_counter() - start, notes)
