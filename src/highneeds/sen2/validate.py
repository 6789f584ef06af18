"""Validate a SEN2 return: run its year's rules and return the issue report."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.sen2.model import Sen2Return
from highneeds.sen2.pseudonymise import child_ids, session_key
from highneeds.sen2.rules import Context
from highneeds.sen2.rules.engine import REPORT_COLUMNS, run_rules


def validate(
    ret: Sen2Return, establishments: pd.DataFrame, key: bytes | None = None
) -> pd.DataFrame:
    """Issue report (see :mod:`highneeds.sen2.rules.engine`) for ``ret``.

    Children are named by their pseudonymous id under ``key`` (the installation secret when
    importing; a throwaway key otherwise), never by name or UPN.
    """
    ids = child_ids(ret["person"], key or session_key())
    return run_rules(Context(ret, establishments), ids)


def has_errors(report: pd.DataFrame) -> bool:
    return bool((report["severity"] == "error").any())


def write_report(report: pd.DataFrame, path: str | Path) -> Path:
    """Save the report as CSV or XLSX (by the file's suffix)."""
    path = Path(path)
    frame = report[REPORT_COLUMNS]
    if path.suffix.lower() == ".xlsx":
        frame.to_excel(path, index=False, sheet_name="SEN2 issues")
    else:
        frame.to_csv(path, index=False)
    return path
