"""The published finance tables shipped with highneeds (built by scripts/build_finance_data.py).

All money is in pounds, cash, as DfE published it. See ``data/finance/NOTICE`` for sources.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from highneeds.errors import NotFoundError

DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "finance"

#: Table key -> CSV file name under :data:`DATA_DIR`.
FILES = {
    "s251_spend": "s251_spend_2021_22.csv",
    "s251_caseload": "s251_caseload_2021_22.csv",
    "high_needs_block": "high_needs_block_allocations.csv",
    "dsg_allocations": "dsg_allocations_summary.csv",
    "dsg_total": "dsg_total_by_year.csv",
    "dsg_balance": "dsg_cumulative_balance.csv",
    "neighbours_2021": "statistical_neighbours_2021.csv",
}

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."

_CODE_COLUMNS = {"la_code": str, "neighbour_code": str}


@cache
def _load(key: str) -> pd.DataFrame:
    path = DATA_DIR / FILES[key]
    if not path.exists():
        raise NotFoundError(
            f"bundled finance table {path.name} is missing; run scripts/build_finance_data.py"
        )
    return pd.read_csv(path, dtype=_CODE_COLUMNS)


def table(key: str) -> pd.DataFrame:
    """A copy of one bundled table (callers may change it freely)."""
    return _load(key).copy()
