"""Build the reference tables shipped in src/highneeds/data/reference from the published files.

Usage (from the project root):
    .venv/bin/python scripts/build_reference_data.py [--source ../shared/data] [--out DIR]

Reads the DfE, ONS and MHCLG files as published (see src/highneeds/data/reference/README.md
for the list and licences), checks them against each other, and writes compact CSVs. Run it
again when a source file is replaced; the tests check the bundle matches the sources.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from highneeds.errors import HighneedsError
from highneeds.reference.build import build_all, write_all

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder holding the published files (default: ../shared/data)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src" / "highneeds" / "data" / "reference",
        help="where to write the CSVs",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        tables = build_all(args.source)
    except HighneedsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    total = 0
    for path in write_all(tables, args.out):
        size = path.stat().st_size
        total += size
        print(f"{path.name:36} {len(tables[path.name]):6d} rows {size / 1024:8.1f} KiB")
    print(f"{'total':36} {'':11} {total / 1024:8.1f} KiB in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
