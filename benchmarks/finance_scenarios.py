"""Time the scenario comparison at forecast scale: the demo LA, baseline + three scenarios.

Usage: .venv/bin/python benchmarks/finance_scenarios.py [SIMULATIONS] [sen2|synthetic]

Stages: fitting the demo LA's forecast (from its shipped SEN2 returns through the SEN2 derived
tables; cached after the first run), forecasting and costing every scenario on the same draws
(NumPy arrays: simulation × year × cell), and writing the workbook and charts. Reports wall
and CPU time per stage and the peak resident memory of the process.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from contextlib import contextmanager


@contextmanager
def stage(name: str, totals: dict):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    totals[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"{name:<44} wall {totals[name][0]:6.2f} s   cpu {totals[name][1]:6.2f} s")


def main() -> None:
    simulations = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    source = sys.argv[2] if len(sys.argv) > 2 else "sen2"
    totals: dict = {}
    with stage("imports", totals):
        from highneeds.finance.demo import EXAMPLES, demo_la, example_scenarios, run_comparison
        from highneeds.finance.scenarios import read_scenario
        from highneeds.finance.templates import read_capacity, read_unit_costs
    with stage(f"demo LA forecast fitted ({source})", totals):
        la = demo_la(source)
    print(
        f"  state grid {la.model.space_.n_ncy * la.model.space_.n_pairs:,} cells, "
        f"{int(la.model.space_.valid.sum()):,} valid; base year {la.model.base_year_}"
    )
    name = f"forecast + cost baseline and 3 scenarios, {simulations} sims"
    with stage(name, totals), tempfile.TemporaryDirectory() as out:
        result = run_comparison(
            la,
            [read_scenario(p) for p in example_scenarios()],
            out,
            unit_costs=read_unit_costs(EXAMPLES / "unit_costs.csv"),
            capacity=read_capacity(EXAMPLES / "capacity.csv"),
            simulations=simulations,
        )
    wall = sum(w for w, _ in totals.values())
    cpu = sum(c for _, c in totals.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total':<44} wall {wall:6.2f} s   cpu {cpu:6.2f} s   peak memory {peak:,.0f} MB")
    last = result.comparison[result.comparison.year == result.comparison.year.max()]
    print(
        last[
            [
                "scenario",
                "cost_gbp_mean",
                "saving_gbp_mean",
                "saving_gbp_q05",
                "saving_gbp_q95",
                "payback_year",
            ]
        ].to_string(index=False)
    )


if __name__ == "__main__":
    main()
