"""Which unit costs, capacity register and forecast an LA's money and places pages rest on.

An LA's own filled templates in the store (:mod:`highneeds.importers.finance`) come first.
Only the synthetic demo LA falls back to the shipped examples (``data/finance/examples``);
any other LA without them gets ``None`` so the caller can say what to upload. Every result
carries notes naming the inputs it used, for the outputs to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.finance.demo import (
    DEMO_LAST_YEAR,
    EXAMPLES,
    ComparisonResult,
    DemoLA,
    demo_la,
    example_scenarios,
    run_comparison,
)
from highneeds.finance.projection import run_scenarios
from highneeds.finance.scenarios import Scenario, read_scenario
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.store import Store

DEMO_LA_CODE = "999"  # highneeds.sen2.synth.LA_CODE, without importing the generator


@dataclass
class FinanceInputs:
    unit_costs: pd.DataFrame
    capacity: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _provenance(store: Store, kind: str, la_code: str) -> str:
    imports = store.imports()
    mine = imports[(imports["kind"] == kind) & (imports["owner"] == la_code)]
    row = mine.iloc[-1]
    when = pd.Timestamp(row["imported_at"]).strftime("%d %B %Y")
    return f"'{row['file_name']}', imported {when}"


def finance_inputs(store: Store, la_code: str) -> FinanceInputs | None:
    """The LA's stored unit costs and capacity register; the shipped examples for the demo
    LA when it has not imported its own; None for any other LA missing either."""
    from highneeds.importers.finance import import_kind, load_capacity, load_unit_costs

    unit_costs, capacity = load_unit_costs(store, la_code), load_capacity(store, la_code)
    notes = []
    if unit_costs.empty:
        if la_code != DEMO_LA_CODE:
            return None
        unit_costs = read_unit_costs(EXAMPLES / "unit_costs.csv")
        notes.append("Unit costs: the shipped example (highneeds/data/finance/examples).")
    else:
        source = _provenance(store, import_kind("unit_costs"), la_code)
        notes.append(f"Unit costs: LA {la_code}'s own template {source}.")
    if capacity.empty:
        if la_code != DEMO_LA_CODE:
            return None
        capacity = read_capacity(EXAMPLES / "capacity.csv")
        notes.append("Capacity register: the shipped example (highneeds/data/finance/examples).")
    else:
        source = _provenance(store, import_kind("capacity"), la_code)
        notes.append(f"Capacity register: LA {la_code}'s own template {source}.")
    return FinanceInputs(unit_costs, capacity, notes)


def la_forecaster(store: Store, la_code: str) -> DemoLA:
    """The LA's forecast fitted to its stored SEN2 transitions (the demo LA: its shipped
    returns). Raises ModelInputError when the LA has none."""
    if la_code == DEMO_LA_CODE:
        return demo_la("sen2")
    from highneeds.forecast.markov import MarkovForecaster
    from highneeds.importers.sen2 import stored_transitions

    moves = stored_transitions(store, la_code).drop(columns=["leave_reason"])
    if moves.empty:
        raise ModelInputError(
            f"there are no SEN2 transitions for LA {la_code}: import this LA's SEN2 returns "
            "for at least two consecutive years, then run this again"
        )
    model = MarkovForecaster().fit(moves)
    return DemoLA(model, None, f"LA {la_code}: transitions from its stored SEN2 returns.")


def _last_year(la: DemoLA) -> int:
    """The demo's horizon (2030, the examples' years), at least a year past the data."""
    return max(DEMO_LAST_YEAR, int(la.model.base_year_) + 1)


def _require(store: Store, la_code: str) -> FinanceInputs:
    inputs = finance_inputs(store, la_code)
    if inputs is None:
        raise ModelInputError(
            f"LA {la_code} has no unit costs or no capacity register in the store: import its "
            "filled unit-cost template and capacity register first"
        )
    return inputs


def la_comparison(
    store: Store,
    la_code: str,
    out_dir: str | Path,
    *,
    simulations: int = 1000,
    seed: int = 1,
    scenarios: Sequence[Scenario] | None = None,
) -> ComparisonResult:
    """The baseline and ``scenarios`` (default: the shipped examples) for ``la_code``,
    costed with its own inputs; the result's notes name them."""
    inputs = _require(store, la_code)
    if scenarios is None:
        scenarios = [read_scenario(path) for path in example_scenarios()]
    la = la_forecaster(store, la_code)
    return run_comparison(
        la,
        scenarios,
        out_dir,
        unit_costs=inputs.unit_costs,
        capacity=inputs.capacity,
        simulations=simulations,
        seed=seed,
        last_year=_last_year(la),
        notes=inputs.notes,
    )


def la_sufficiency(
    store: Store, la_code: str, *, simulations: int = 500, seed: int = 1
) -> pd.DataFrame:
    """Places against forecast demand (as :func:`highneeds.finance.demo.demo_sufficiency`)
    from the LA's own capacity register; ``attrs["notes"]`` names the inputs used."""
    inputs = _require(store, la_code)
    la = la_forecaster(store, la_code)
    run = run_scenarios(
        la.model,
        [],
        inputs.unit_costs,
        horizon=_last_year(la) - la.model.base_year_,
        simulations=simulations,
        seed=seed,
        capacity=inputs.capacity,
        funding_categories=la.funding_categories,
    )
    table = run.costed()["Baseline"].attrs["sufficiency"]
    table.attrs["notes"] = [la.description, *inputs.notes]
    return table
