"""Build the KPI source tables shipped in src/highneeds/data/kpi/ from the published files.

Usage: .venv/bin/python scripts/build_kpi_data.py [SHARED_DATA_DIR]

Reads the SEND and AP Inclusion Dashboard's files as published (see highneeds.strategy.sources)
and writes tidy CSVs; the product reads only the CSVs at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from highneeds.strategy import sources

SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared" / "data"


def main() -> None:
    folder = SHARED / "dfe-send-kpi-sources"
    appeals = folder / "send_appeal_rate_table_2022.ods"
    tables = {
        "tribunal_appeals": sources.read_tribunal_appeals(appeals),
        "ap_census": sources.read_ap_census(folder / "ap_placements_ap_census.csv.gz"),
    }
    sources.DATA_DIR.mkdir(parents=True, exist_ok=True)
    for key, frame in tables.items():
        target = sources.DATA_DIR / sources.FILES[key]
        frame.to_csv(target, index=False, float_format="%.10g")
        print(f"{target.name}: {len(frame)} rows, {target.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
