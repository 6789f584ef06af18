"""DfE children's services statistical neighbours, as published (2021 and 2025 models).

Two layouts exist. The workbooks (sheet "LA SN Groups", and the 2021 CSV export of it) have a
header ``LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, …, SN10, SNP`` below two rows of
column letters and numbers, with an "Old SNs:" block for abolished LAs at the bottom. The 2025
CSV has ``old_la_code, la_name, region_ind, region_name, SN_1, SN_1P, …``. Both give, per LA,
its ten nearest neighbours in rank order, each with a closeness band.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError, UnknownLabelError
from highneeds.reference.names import normalise_label
from highneeds.reference.sheets import (
    blank_row,
    column_position,
    find_header_row,
    la_number,
    raw_table,
    read_table,
)

SHEET = "LA SN Groups"
NEIGHBOURS_PER_LA = 10

#: Closeness bands, closest first, as DfE labels them (spelling and case vary by release).
CLOSENESS_BANDS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
_BAND_BY_KEY = {normalise_label(band): band for band in CLOSENESS_BANDS}

# One entry per published layout: the header labels that identify it, and column names.
_LAYOUTS = (
    {"code": "LA num", "name": "LA Name", "region": "GOReg", "sn": "SN{k}"},
    {"code": "old_la_code", "name": "la_name", "region": "region_name", "sn": "SN_{k}"},
)
#: A neighbour cell holding this means the model has no neighbours for the LA (new LAs).
NO_NEIGHBOUR = "-"


def read_statistical_neighbours(path: str | Path, *, sheet: str = SHEET) -> pd.DataFrame:
    """Every LA's neighbours from a published workbook or CSV.

    Returns one row per LA and rank: ``la_code`` (DfE 3-digit number, text), ``la_name``,
    ``region_name`` (as published, e.g. "London (Inner)"), ``rank`` (1 = nearest),
    ``neighbour_code`` and ``closeness`` (one of :data:`CLOSENESS_BANDS`). An LA the model gives
    no neighbours (published as "-") has no rows.
    """
    path = Path(path)
    sheet_name = None if path.suffix.lower() == ".csv" else sheet
    layout = _detect_layout(path, sheet_name)
    body, header_row = read_table(
        path, [layout["code"], layout["name"], layout["sn"].format(k=1)], sheet=sheet_name
    )
    columns = list(body.columns)
    where = {"file": path.name, "sheet": sheet_name, "row": header_row}
    code_at = column_position(columns, layout["code"], **where)
    name_at = column_position(columns, layout["name"], **where)
    region_at = column_position(columns, layout["region"], **where)
    pairs = []
    for k in range(1, NEIGHBOURS_PER_LA + 1):
        label = layout["sn"].format(k=k)
        at = column_position(columns, label, **where)
        if at + 1 >= len(columns) or not normalise_label(columns[at + 1]).startswith("sn"):
            raise InputFileError(f"no closeness column after {label!r}", column=label, **where)
        pairs.append((k, label, at))

    records = []
    for position, row in enumerate(body.itertuples(index=False, name=None)):
        row_number = header_row + 1 + position
        code_cell = row[code_at]
        if _empty(code_cell):
            # Blank separators and section titles such as "Old SNs:" carry no LA.
            continue
        la_code = la_number(
            code_cell, file=path.name, sheet=sheet_name, row=row_number, column=layout["code"]
        )
        for rank, label, at in pairs:
            neighbour, band = row[at], row[at + 1]
            if str(neighbour).strip() == NO_NEIGHBOUR:
                continue
            records.append(
                {
                    "la_code": la_code,
                    "la_name": str(row[name_at]).strip(),
                    "region_name": str(row[region_at]).strip(),
                    "rank": rank,
                    "neighbour_code": la_number(
                        neighbour, file=path.name, sheet=sheet_name, row=row_number, column=label
                    ),
                    "closeness": closeness_band(
                        band, file=path.name, row=row_number, column=columns[at + 1]
                    ),
                }
            )
    table = pd.DataFrame.from_records(
        records,
        columns=["la_code", "la_name", "region_name", "rank", "neighbour_code", "closeness"],
    )
    if table.empty:
        raise InputFileError(
            "no LA rows under the header", file=path.name, sheet=sheet_name, row=header_row + 1
        )
    _check_complete(table, path.name, sheet_name)
    return table


def closeness_band(value: object, *, file: str, row: int, column: str) -> str:
    """The canonical band for a published closeness label ("Not Close " -> "Not close")."""
    band = _BAND_BY_KEY.get(normalise_label(value))
    if band is None:
        raise UnknownLabelError(
            str(value).strip(),
            "statistical neighbour closeness",
            file=file,
            row=row,
            column=column,
            known=list(CLOSENESS_BANDS),
        )
    return band


def _detect_layout(path: Path, sheet: str | None) -> dict[str, str]:
    raw = raw_table(path, sheet, nrows=40)
    for layout in _LAYOUTS:
        try:
            find_header_row(
                raw, [layout["code"], layout["sn"].format(k=1)], file=path.name, sheet=sheet
            )
        except InputFileError:
            continue
        return layout
    raise InputFileError(
        "not a DfE statistical neighbours table: no header with 'LA num' and 'SN1' "
        "(or 'old_la_code' and 'SN_1')",
        file=path.name,
        sheet=sheet,
        row=1,
    )


def _check_complete(table: pd.DataFrame, file: str, sheet: str | None) -> None:
    """Each LA's ranks must be 1..n without gaps: a missing middle neighbour is a damaged row."""
    for la_code, group in table.groupby("la_code", sort=False):
        ranks = sorted(group["rank"])
        if ranks != list(range(1, len(ranks) + 1)):
            raise InputFileError(
                f"LA {la_code} has neighbour ranks {ranks}, expected 1..n", file=file, sheet=sheet
            )


def _empty(value: object) -> bool:
    return blank_row(pd.Series([value]))
