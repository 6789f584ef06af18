"""The finance pages' entry points for one LA, on the one path of :mod:`highneeds.plan.inputs`.

Each resolves the LA's inputs — its own imports, then public data, then reference defaults —
and runs :mod:`highneeds.plan.run`. Every result carries notes naming the inputs it used, for
the outputs to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from highneeds.finance.scenarios import Scenario, read_scenario
from highneeds.store import Store


@dataclass
class FinanceInputs:
    unit_costs: pd.DataFrame
    capacity: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def finance_inputs(store: Store, la_code: str) -> FinanceInputs | None:
    """The unit costs and capacity register the LA's plan uses, whichever source each came
    from (:func:`highneeds.plan.inputs.resolve`); ``notes`` name the sources. None when the
    LA has nothing to plan from (unknown, or neither SEN2 returns nor published data)."""
    from highneeds.errors import ModelInputError, NotFoundError
    from highneeds.plan.inputs import resolve

    try:
        inputs = resolve(store, la_code)
    except (NotFoundError, ModelInputError):
        return None
    return FinanceInputs(inputs.unit_costs, inputs.capacity, inputs.notes())


def la_comparison(
    store: Store,
    la_code: str,
    out_dir: str | Path,
    *,
    simulations: int = 1000,
    seed: int = 1,
    scenarios: Sequence[Scenario] | None = None,
):
    """The baseline and ``scenarios`` (default: the shipped examples) for ``la_code``
    (:func:`highneeds.plan.run.compare`); the result's notes name every input's source."""
    from highneeds.finance.demo import example_scenarios
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import compare

    if scenarios is None:
        scenarios = [read_scenario(path) for path in example_scenarios()]
    return compare(resolve(store, la_code), scenarios, out_dir, simulations=simulations, seed=seed)


def la_sufficiency(
    store: Store, la_code: str, *, simulations: int = 500, seed: int = 1
) -> pd.DataFrame:
    """Places against forecast demand (:func:`highneeds.plan.run.sufficiency`);
    ``attrs["notes"]`` names the inputs used."""
    from highneeds.plan.inputs import resolve
    from highneeds.plan.run import sufficiency

    return sufficiency(resolve(store, la_code), simulations=simulations, seed=seed)
