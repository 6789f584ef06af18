"""Time the cost model and a three-scenario comparison at forecast scale.

Usage: .venv/bin/python benchmarks/finance_scenarios.py [SIMULATIONS]

A synthetic per-simulation caseload (5 years × ~700 occupied setting × need × age-band
groups, about 2,600 children growing 6% a year) is costed with the shipped example unit
costs and capacity register, then the three example scenarios are compared with the baseline.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from highneeds.finance.bundled import DATA_DIR
from highneeds.finance.costs import cost_caseload, cost_summary
from highneeds.finance.scenarios import compare_scenarios, read_scenario
from highneeds.finance.templates import read_capacity, read_unit_costs
from highneeds.vocabulary import AGE_BANDS, NEEDS, SETTINGS

EXAMPLES = DATA_DIR / "examples"


def caseload(simulations: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    settings = [s.code for s in SETTINGS[:20]]
    groups = pd.MultiIndex.from_product(
        [settings, [n.code for n in NEEDS[:7]], [b.code for b in AGE_BANDS]],
        names=["setting", "need", "age_band"],
    ).to_frame(index=False)
    base = rng.gamma(0.6, 5.0, size=len(groups))
    years = np.arange(2026, 2031)
    growth = rng.normal(1.06, 0.02, size=simulations)
    mean = base[None, None, :] * growth[:, None, None] ** (years - 2026)[None, :, None]
    counts = rng.poisson(mean).astype(float)
    n_groups = len(groups)
    return pd.DataFrame(
        {
            "simulation": np.repeat(np.arange(simulations), len(years) * n_groups),
            "year": np.tile(np.repeat(years, n_groups), simulations),
            **{c: np.tile(groups[c].to_numpy(), simulations * len(years)) for c in groups},
            "count": counts.reshape(-1),
        }
    )


def main() -> None:
    simulations = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    frame = caseload(simulations)
    costs = read_unit_costs(EXAMPLES / "unit_costs.csv")
    capacity = read_capacity(EXAMPLES / "capacity.csv")
    scenarios = [read_scenario(p) for p in sorted(EXAMPLES.glob("*.toml"))]
    print(f"{len(frame):,} caseload rows ({simulations} simulations)")
    start = time.perf_counter()
    costed = cost_caseload(frame, costs, price_year=2026, inflation=0.03)
    cost_summary(costed)
    print(f"cost_caseload + cost_summary: {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    comparison, _ = compare_scenarios(
        frame, scenarios, costs, price_year=2026, inflation=0.03, capacity=capacity
    )
    print(f"compare_scenarios (baseline + {len(scenarios)}): {time.perf_counter() - start:.2f} s")
    print(comparison[comparison.year == 2030][["scenario", "cost_gbp_mean", "saving_gbp_mean"]])


if __name__ == "__main__":
    main()
