"""Geography lookups as published: lower → upper tier LAs, LA → region, DfE ↔ GSS LA codes.

- ONS "Lower Tier Local Authority to Upper Tier Local Authority" lookups (CSV; columns
  ``LTLAyyCD, LTLAyyNM, UTLAyyCD, UTLAyyNM``, the year suffix changing with each vintage).
- A DfE table-tool export listing LAs under their region (region named only on its first LA).
- DfE EHCP release CSVs, which carry both LA codes (``old_la_code`` = DfE 3-digit number,
  ``new_la_code`` = GSS code) for every year, so they record code changes too.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.readers.excel import excel_file
from highneeds.reference.names import normalise_label
from highneeds.reference.sheets import (
    HEADER_SEARCH_ROWS,
    blank_row,
    find_header_row,
    raw_table,
)

#: English regions (ITL1 / former Government Office Regions) with their GSS codes.
REGIONS: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
#: The GSS code of England: the one home of this code (DfE, ONS and finance tables use it).
ENGLAND_CODE = "E92000001"
ENGLAND = (ENGLAND_CODE, "England")
_REGION_BY_KEY = {normalise_label(name): code for code, name in REGIONS.items()}


def region_code(
    name: object, *, file: str, row: int | None = None, column: str | None = None
) -> str:
    """GSS code of a region from its name as any source writes it.

    Accepts "Yorkshire and the Humber", "NORTH EAST" and DfE's "London (Inner)"/"London (Outer)".
    """
    key = normalise_label(re.sub(r"\((inner|outer)\)", "", str(name), flags=re.IGNORECASE))
    code = _REGION_BY_KEY.get(key)
    if code is None:
        raise UnknownLabelError(
            str(name), "region", file=file, row=row, column=column, known=list(REGIONS.values())
        )
    return code


def read_ltla_utla(path: str | Path) -> pd.DataFrame:
    """An ONS lower → upper tier lookup: ``ltla_code, ltla_name, utla_code, utla_name``.

    The vintage comes from the column suffix (``LTLA22CD`` → "2022"), returned as ``vintage``.
    Welsh rows are kept (they are their own upper tier); callers filter to England by code.
    """
    path = Path(path)
    raw = raw_table(path, None)
    vintage = None
    for index in range(min(len(raw), HEADER_SEARCH_ROWS)):
        header = [normalise_label(v) for v in raw.iloc[index].tolist()]
        vintage = next(
            (m.group(1) for h in header if (m := re.fullmatch(r"ltla(\d\d)cd", h))), None
        )
        if vintage:
            break
    if vintage is None:
        raise InputFileError(
            "no LTLAyyCD column: not an ONS LTLA → UTLA lookup",
            file=path.name,
            row=1,
            column="LTLAyyCD",
        )
    wanted = [f"LTLA{vintage}CD", f"LTLA{vintage}NM", f"UTLA{vintage}CD", f"UTLA{vintage}NM"]
    header_index = find_header_row(raw, wanted, file=path.name)
    header = [normalise_label(v) for v in raw.iloc[header_index].tolist()]
    positions = [header.index(normalise_label(label)) for label in wanted]
    body = raw.iloc[header_index + 1 :, positions]
    body.columns = ["ltla_code", "ltla_name", "utla_code", "utla_name"]
    body = body[~body.apply(blank_row, axis=1)].map(str.strip)
    for position, (ltla, utla) in enumerate(zip(body.ltla_code, body.utla_code, strict=True)):
        for code, column in ((ltla, wanted[0]), (utla, wanted[2])):
            if not re.fullmatch(r"[EWSN]\d{8}", code):
                raise InputFileError(
                    f"{code!r} is not a GSS code",
                    file=path.name,
                    row=header_index + 2 + position,
                    column=column,
                )
    body.insert(0, "vintage", "20" + vintage)
    return body.reset_index(drop=True)


def read_la_region(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """LA names under their region from a DfE table-tool export: ``la_name, region_code``.

    The region name sits in the first column only on its first LA, as in the published sheet;
    LA names are in the second column. Rows before the first region and after the first blank
    row that follows the table (footnotes) are ignored.
    """
    path = Path(path)
    if sheet is None and path.suffix.lower() != ".csv":
        with excel_file(path) as book:
            sheet = book.sheet_names[0]
    raw = raw_table(path, sheet)
    rows = []
    region = None
    started = False
    for index, row in enumerate(raw.itertuples(index=False, name=None)):
        first, second = (*row, None, None)[:2]
        if not started:
            if _is_region(first):
                started = True
            else:
                continue
        if blank_row(pd.Series(row)):
            break
        if first is not None and not pd.isna(first) and str(first).strip():
            region = region_code(first, file=path.name, row=index + 1, column="A")
        if second is None or pd.isna(second) or not str(second).strip():
            raise InputFileError(
                "LA name is empty", file=path.name, sheet=sheet, row=index + 1, column="B"
            )
        rows.append({"la_name": str(second).strip(), "region_code": region})
    if not rows:
        raise InputFileError(
            "no region names found in the first column",
            file=path.name,
            sheet=sheet,
            column="A",
            hint="expected a DfE export listing LAs under English regions",
        )
    return pd.DataFrame(rows)


def _is_region(value: object) -> bool:
    return isinstance(value, str) and normalise_label(value) in _REGION_BY_KEY


EHCP_CODE_COLUMNS = [
    "time_period",
    "geographic_level",
    "old_la_code",
    "new_la_code",
    "la_name",
    "region_code",
    "region_name",
]


def read_ehcp_la_codes(path: str | Path, member: str = "sen2_age_caseload.csv") -> pd.DataFrame:
    """Distinct LA identities in a DfE EHCP release (zip or CSV), one row per code pair and year.

    Returns ``time_period, la_code, gss_code, la_name, region_code, region_name`` for the rows
    at ``geographic_level == "Local authority"``.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith("/" + member) or n == member]
            if not names:
                raise InputFileError(f"{member} is missing from the zip", file=path.name)
            data = archive.read(names[0])
        source, label = io.BytesIO(data), f"{path.name}:{names[0]}"
    else:
        source, label = path, path.name
    table = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in EHCP_CODE_COLUMNS if c not in table.columns]
    if missing:
        raise InputFileError(
            f"column {missing[0]!r} is missing", file=label, row=1, column=missing[0]
        )
    table = table.loc[table.geographic_level == "Local authority", EHCP_CODE_COLUMNS]
    table = table.drop(columns="geographic_level").drop_duplicates()
    table = table.rename(columns={"old_la_code": "la_code", "new_la_code": "gss_code"})
    table["time_period"] = table.time_period.str[:4].astype(int)
    return table.reset_index(drop=True)
