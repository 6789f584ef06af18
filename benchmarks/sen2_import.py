"""Benchmark: import and validate a SEN2 return of 50,000 synthetic children.

    .venv/bin/python benchmarks/sen2_import.py [--children 50000] [--format xml|csv|xlsx]

Step 1 generates the return (not timed). Step 2 runs in a fresh process so its peak memory
is the import's own: read (streaming XML, Blade CSV or the DfE Excel template) -> validate
(all rules) -> pseudonymise -> derive -> load into an empty SQLite store.
Target: < 60 s and < 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _clock():
    return time.perf_counter(), time.process_time()


def _since(mark) -> str:
    wall, cpu = time.perf_counter() - mark[0], time.process_time() - mark[1]
    return f"{wall:6.1f} s wall, {cpu:6.1f} s CPU"


def measure(paths: list[str], db: str) -> None:
    from highneeds.importers.sen2 import import_sen2
    from highneeds.sen2.establishments import demo_establishments
    from highneeds.sen2.read import read_return
    from highneeds.sen2.validate import validate
    from highneeds.store import open_store

    establishments = demo_establishments()
    store = open_store(f"sqlite:///{db}")
    files = [Path(p) for p in paths]
    mark = _clock()
    results = import_sen2(files, store, establishments=establishments)
    headline = _since(mark)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"children with a plan:  {results[0].children:,}")
    print(f"issues found:          {len(results[0].issues):,}")
    print(f"import + validate (read, validate, pseudonymise, derive, store): {headline}")
    print(f"peak memory:           {peak_mib:,.0f} MiB")
    mark = _clock()
    ret = read_return(files)
    print(f"  breakdown: read      {_since(mark)}  ({len(ret['person']):,} people)")
    mark = _clock()
    validate(ret, establishments)
    print(f"  breakdown: validate  {_since(mark)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--format", choices=["xml", "csv", "xlsx"], default="xml")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.db)
        return
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_blade_csv, write_workbook, write_xml

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        ret = generate(SynthConfig(first_year=2023, last_year=2024, children=args.children))[-1]
        if args.format == "xml":
            paths = [str(write_xml(ret, Path(tmp) / "sen2-2024.xml"))]
        elif args.format == "xlsx":
            paths = [str(write_workbook(ret, Path(tmp) / "sen2-2024.xlsx"))]
        else:
            paths = [str(p) for p in write_blade_csv(ret, Path(tmp) / "csv")]
        size = sum(os.path.getsize(p) for p in paths) / 1048576
        print(
            f"generated {args.children:,} children in {time.perf_counter() - t0:.1f} s "
            f"({args.format}, {size:.0f} MB)"
        )
        env = dict(os.environ, HIGHNEEDS_SECRET=os.environ.get("HIGHNEEDS_SECRET", "benchmark"))
        subprocess.run(
            [sys.executable, __file__, "--measure", *paths, "--db", str(Path(tmp) / "b.sqlite3")],
            check=True,
            env=env,
        )


if __name__ == "__main__":
    main()
