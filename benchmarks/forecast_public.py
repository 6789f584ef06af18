"""Benchmark the public-data model for every LA in England.

Run: .venv/bin/python benchmarks/forecast_public.py [--repeat 3]

Stages, on the DfE EHCP release bundled with highneeds (January 2010–2022, ~150 LAs):
read the release into the tidy table, build the LA × year × age-band arrays (reorganised LAs
combined), forecast every LA three years ahead from 2022 with intervals, and run the
five-origin backtest against the three baselines. Wall-clock times are the best of
``--repeat`` runs; peak memory is what Python allocated during one run of the modelling
stages (tracemalloc, NumPy arrays included) and the process's peak RSS at the end.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

from highneeds.forecast.backtest import DEFAULT_ORIGINS, backtest, backtest_summary
from highneeds.forecast.public import PublicStockFlowForecaster, build_panel
from highneeds.importers.dfe import bundled_release_path
from highneeds.readers.dfe_ehcp import read_release

ORIGINS = list(DEFAULT_ORIGINS)


def best_of(repeat: int, work) -> tuple[float, float, object]:
    """Best wall-clock and CPU seconds over ``repeat`` runs, and the last result."""
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = work()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    wall, cpu, tidy = best_of(1, lambda: read_release(bundled_release_path()))
    print(f"read bundled release: wall {wall:.2f} s, CPU {cpu:.2f} s, {len(tidy):,} rows")
    wall, cpu, panel = best_of(args.repeat, lambda: build_panel(tidy))
    print(f"build panel: wall {wall:.3f} s, CPU {cpu:.3f} s, {len(panel.areas)} LAs")

    def forecast():
        return PublicStockFlowForecaster().fit(panel, origin=2022).predict(3)

    wall, cpu, table = best_of(args.repeat, forecast)
    print(
        f"forecast every LA from 2022, 3 years: wall {wall:.3f} s, CPU {cpu:.3f} s, "
        f"{len(table):,} rows ({table['area_code'].nunique()} LAs × 3 years × 6 breakdowns)"
    )

    def run_backtest():
        return backtest(panel, PublicStockFlowForecaster(), ORIGINS, 3)

    wall, cpu, errors = best_of(args.repeat, run_backtest)
    print(
        f"backtest origins {ORIGINS[0]}–{ORIGINS[-1]}, horizons 1–3: wall {wall:.3f} s, "
        f"CPU {cpu:.3f} s, {len(errors):,} scored forecasts"
    )

    tracemalloc.start()
    build_panel(tidy)
    forecast()
    backtest_summary(run_backtest())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak allocated by panel + forecast + backtest: {peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB (includes Python, pandas and the release read)")


if __name__ == "__main__":
    main()
