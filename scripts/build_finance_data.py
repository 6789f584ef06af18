"""Build the compact finance tables shipped in src/highneeds/data/finance/ from DfE files.

Usage: .venv/bin/python scripts/build_finance_data.py [SHARED_DATA_DIR]

Reads the files as published (see highneeds.finance.published) and writes tidy CSVs. Run it
again when DfE publishes a new year; the product reads only the CSVs at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from highneeds.finance import published
from highneeds.finance.bundled import DATA_DIR, FILES
from highneeds.reference.neighbours import read_statistical_neighbours

SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared" / "data"


def main() -> None:
    s251_dir = SHARED / "dfe-high-needs-s251-2021-22"
    dsg_dir = SHARED / "dfe-dsg-allocations"
    spend, caseload = published.read_s251_benchmarking(s251_dir / "Outturn data 202122.xlsx")
    blocks, summaries = [], []
    for path in sorted(dsg_dir.glob("dedicated-schools-grant_20*.ods")):
        print("reading", path.name, flush=True)
        blocks.append(published.read_high_needs_block(path))
        summaries.append(published.read_allocations_summary(path))
    high_needs_block = pd.concat(blocks, ignore_index=True)
    allocations = pd.concat(summaries, ignore_index=True)
    by_year = published.read_dsg_by_year(dsg_dir / "DSG_by_year_dr.xlsx")
    names = pd.concat(
        [
            caseload[["la_code", "la_name"]],
            allocations[["la_code", "la_name"]],
            by_year[["la_code", "la_name"]],
        ]
    ).drop_duplicates()
    balance = published.read_dsg_balance(dsg_dir / "dsg_deficit_derived.xlsx", names)
    neighbours = read_statistical_neighbours(
        SHARED / "dfe-statistical-neighbours" / "sn_april_2021.xlsx"
    )[["la_code", "rank", "neighbour_code", "closeness"]]

    tables = {
        "s251_spend": spend,
        "s251_caseload": caseload,
        "high_needs_block": high_needs_block,
        "dsg_allocations": allocations,
        "dsg_total": by_year,
        "dsg_balance": balance,
        "neighbours_2021": neighbours,
    }
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for key, frame in tables.items():
        target = DATA_DIR / FILES[key]
        frame.to_csv(target, index=False, float_format="%.10g")
        print(f"{target.name}: {len(frame)} rows, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
