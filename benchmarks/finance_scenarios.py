"""Time the scenario comparison at forecast scale: baseline + the example scenarios for one LA.

Usage: .venv/bin/python benchmarks/finance_scenarios.py [SIMULATIONS] [demo|LA]

``demo`` (default) loads the demo LA's shipped data into a fresh store through the importers
and runs its child-level forecast; any other value (a name, DfE number or GSS code, e.g.
Stockport) runs that LA from public data alone (the public-data model). Stages: loading,
resolving the LA's inputs (:mod:`highneeds.plan.inputs`), forecasting and costing every scenario
on the same draws, and writing the workbook and charts. Reports wall and CPU time per stage
and the peak resident memory of the process.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def stage(name: str, totals: dict):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    totals[name] = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"{name:<44} wall {totals[name][0]:6.2f} s   cpu {totals[name][1]:6.2f} s")


def main() -> None:
    simulations = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    which = sys.argv[2] if len(sys.argv) > 2 else "demo"
    totals: dict = {}
    with stage("imports", totals):
        from highneeds.cli.scenario import change_programme_examples
        from highneeds.finance.demo import demo_la_code, example_scenarios
        from highneeds.finance.scenarios import read_scenario
        from highneeds.importers.demo import load_demo_la
        from highneeds.plan.inputs import resolve
        from highneeds.plan.run import compare
        from highneeds.store import Store
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'store.sqlite3'}")
        store.create_all()
        if which == "demo":
            with stage("demo LA loaded through the importers", totals):
                load_demo_la(store)
            la, files = demo_la_code(), example_scenarios()
        else:
            la, files = which, change_programme_examples()
        with stage("inputs resolved", totals):
            inputs = resolve(store, la)
        print(f"  {inputs.la_name}: {inputs.model} model, origin January {inputs.origin}")
        name = f"forecast + cost baseline and {len(files)} scenarios, {simulations} sims"
        with stage(name, totals):
            result = compare(
                inputs, [read_scenario(p) for p in files], Path(folder) / "out",
                simulations=simulations,
            )  # fmt: skip
    wall = sum(w for w, _ in totals.values())
    cpu = sum(c for _, c in totals.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total':<44} wall {wall:6.2f} s   cpu {cpu:6.2f} s   peak memory {peak:,.0f} MB")
    last = result.comparison[result.comparison.year == result.comparison.year.max()]
    columns = ["scenario", "children_mean", "cost_gbp_mean", "saving_gbp_mean", "saving_gbp_q05",
               "saving_gbp_q95", "payback_year"]  # fmt: skip
    print(last[columns].to_string(index=False))


if __name__ == "__main__":
    main()
