"""Published sources of SEND KPIs that are not in DfE's EHCP release.

Two tables from DfE's SEND and AP Inclusion Dashboard's data folder (OGL v3), read as
published by :func:`read_tribunal_appeals` and :func:`read_ap_census`, and shipped as compact
CSVs under ``data/kpi/`` (``scripts/build_kpi_data.py``), read back by :func:`table`:

* SEND Tribunal appeal rate by LA (HMCTS/MoJ), calendar years 2014 onwards;
* pupils in LA-funded alternative provision (DfE AP census), January 2018 onwards.

Areas are keyed as the EHCP statistics are: the DfE LA number for an LA, the GSS code for a
region or England.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.errors import InputFileError, NotFoundError
from highneeds.readers.excel import read_excel
from highneeds.reference import find_la
from highneeds.reference.lookups import ENGLAND

ENGLAND_CODE = ENGLAND[0]
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "kpi"
FILES = {
    "tribunal_appeals": "send_tribunal_appeal_rate.csv",
    "ap_census": "ap_census_la_funded.csv",
}
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


@cache
def _load(key: str) -> pd.DataFrame:
    path = DATA_DIR / FILES[key]
    if not path.exists():
        raise NotFoundError(
            f"bundled KPI table {path.name} is missing; run scripts/build_kpi_data.py"
        )
    return pd.read_csv(path, dtype={"area_code": str})


def table(key: str) -> pd.DataFrame:
    """A copy of one bundled KPI table: ``area_code, year, …`` (see the readers)."""
    return _load(key).copy()


def read_tribunal_appeals(path: str | Path) -> pd.DataFrame:
    """HMCTS's "appeal rate to the SEND Tribunal" workbook (tables SEND_1 and SEND_2).

    Returns ``area_code, year, appeals, appealable_decisions`` (calendar years; England from
    SEND_1, LAs from SEND_2 with names resolved to DfE LA numbers). The published rate is
    appeals ÷ appealable decisions; it is recomputed from the two counts where needed.
    """
    path = Path(path)
    england = read_excel(path, sheet_name="SEND_1", header=None)
    rows = []
    for _, row in england.iterrows():
        year = pd.to_numeric(row.iloc[0], errors="coerce")
        if pd.notna(year) and 2000 < year < 2100:
            rows.append((ENGLAND_CODE, int(year), row.iloc[1], row.iloc[2]))
    las = read_excel(path, sheet_name="SEND_2", header=None)
    year_row = _row_starting(las, "local authority", path, "SEND_2")
    years: dict[int, int] = {}
    for col in range(1, las.shape[1]):
        year = pd.to_numeric(las.iat[year_row, col], errors="coerce")
        if pd.notna(year):
            years[col] = int(year)
    for index in range(year_row + 2, len(las)):
        name = las.iat[index, 0]
        values = [las.iat[index, col] for col in years]
        if isinstance(name, str) and name.strip().lower().startswith(("sources", "notes")):
            break  # the footnotes under the table
        if not isinstance(name, str) or all(pd.isna(v) for v in values):
            continue  # blank rows and region headings (capitals, no figures)
        if name.strip().lower().startswith(("england", "total")):
            continue
        try:  # names carry footnote numbers: "North Northamptonshire7"
            la_code = find_la(re.sub(r"\d+$", "", name.strip())).la_code
        except NotFoundError as error:
            raise InputFileError(
                str(error), file=path.name, sheet="SEND_2", row=index + 1
            ) from None
        for col, year in years.items():
            rows.append((la_code, year, las.iat[index, col], las.iat[index, col + 1]))
    out = pd.DataFrame(rows, columns=["area_code", "year", "appeals", "appealable_decisions"])
    for column in ("appeals", "appealable_decisions"):
        # "-" is published for zero and ".." for not available.
        out[column] = pd.to_numeric(out[column].replace("-", 0), errors="coerce")
    return out.dropna(subset=["appealable_decisions"]).reset_index(drop=True)


def read_ap_census(path: str | Path) -> pd.DataFrame:
    """DfE AP census placements (``ap_placements_ap_census`` as published: a zipped CSV).

    Returns ``area_code, year, pupils``: pupils in LA-funded alternative provision on census
    day in January of ``year`` (academic year 2022/23 → 2023), all ages, sexes and ethnicities.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, compression="infer" if path.suffix != ".gz" else _compression(path))
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"not an AP census CSV ({error})", file=path.name) from None
    needed = {"time_period", "geographic_level", "old_la_code", "region_code", "gender", "age"}
    missing = needed - set(raw.columns)
    if missing:
        raise InputFileError(f"columns {sorted(missing)} are missing", file=path.name)
    totals = raw[
        (raw["gender"] == "Total")
        & (raw["age"] == "Total")
        & (raw["ethnicity_minor"] == "Total")
        & (raw["fsm"] == "Total")
    ]
    level = totals["geographic_level"].str.lower()
    area = np.select(
        [level == "national", level == "regional"],
        [ENGLAND_CODE, totals["region_code"]],
        default=totals["old_la_code"].map(lambda c: f"{int(c):03d}" if pd.notna(c) else None),
    )
    out = pd.DataFrame(
        {
            "area_code": area,
            "year": totals["time_period"].astype(int) % 100 + 2000,  # 202223 -> 2023
            "pupils": pd.to_numeric(totals["number_of_pupils"], errors="coerce"),
        }
    )
    return out.dropna().sort_values(["area_code", "year"]).reset_index(drop=True)


def _compression(path: Path) -> str:
    """DfE's ``.csv.gz`` download is in fact a zip archive; trust the bytes, not the name."""
    with path.open("rb") as handle:
        return "zip" if handle.read(2) == b"PK" else "gzip"


def _row_starting(frame: pd.DataFrame, text: str, path: Path, sheet: str) -> int:
    for index, value in enumerate(frame.iloc[:, 0]):
        if isinstance(value, str) and value.strip().lower().startswith(text):
            return index
    raise InputFileError(f"no row starting {text!r}", file=path.name, sheet=sheet)
