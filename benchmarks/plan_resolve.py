"""Benchmark: ``plan.inputs.resolve`` for one LA on a store holding DfE releases.

    .venv/bin/python benchmarks/plan_resolve.py [--la Stockport] [--repeat 5] [--sample DIR]

Imports the bundled DfE EHCP release (and, with ``--sample``, a newer release such as
``../shared/data/dfe-ehcp-2025-sample``) into a temporary SQLite store, then times
``resolve(store, LA)`` — the first call and the best of ``--repeat`` more — and, for scale,
reading every stored DfE figure back (``load_stats`` of the whole table). Wall and CPU
seconds; on a shared machine the wall time includes waiting for the CPU.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from highneeds.importers.dfe import bundled_release_path, import_release
from highneeds.plan.inputs import resolve
from highneeds.readers.dfe_stored import load_stats
from highneeds.store import open_store


def timed(work) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--la", default="Stockport")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=Path, help="a newer DfE release to import as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        import_release(store, bundled_release_path())
        if args.sample:
            import_release(store, args.sample)
        wall, cpu, stats = timed(lambda: load_stats(store))
        print(
            f"{'load_stats, whole table (' + format(len(stats), ',') + ' rows)':44} "
            f"wall {wall:6.2f} s   cpu {cpu:6.2f} s"
        )
        wall, cpu, inputs = timed(lambda: resolve(store, args.la))
        print(f"{'resolve ' + args.la + ', first call':44} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
        best = min(timed(lambda: resolve(store, args.la))[:2] for _ in range(args.repeat))
        print(
            f"{'resolve, best of ' + str(args.repeat):44} wall {best[0]:6.2f} s   "
            f"cpu {best[1]:6.2f} s"
        )
        rows = 0 if inputs.public_stats is None else len(inputs.public_stats)
        print(f"{'public rows the plan holds':44} {rows:,} ({inputs.model} model)")


if __name__ == "__main__":
    main()
