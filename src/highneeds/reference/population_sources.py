"""ONS population tables as published: mid-year estimates (MYE2) and 2018-based projections.

MYE2 sheets ("MYE2 - Persons", "MYE2 - Females", "MYE2 - Males") hold one row per area with
``Code, Name, Geography, All ages, 0, 1, …, 89, 90+`` under a block of title and feedback rows
(the header is on row 8 in 2021–2023, but we find it by its labels). The 2018-based subnational
projections ("Table 2", persons) hold one row per area and 5-year age group with a column per
mid-year 2018–2043.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.reference.sheets import (
    column_position,
    drop_blank_rows,
    read_table,
    to_numbers,
)

MYE_SHEETS = {"persons": "MYE2 - Persons", "female": "MYE2 - Females", "male": "MYE2 - Males"}
OLDEST_AGE = 90  # ONS publishes 90 and over as one group, "90+"
#: The rounding ONS applies can leave the age columns a few people off "All ages".
ALL_AGES_TOLERANCE = 0.5


def read_mye2(path: str | Path, sex: str = "persons", *, year: int | None = None) -> pd.DataFrame:
    """Population by area and single year of age from one MYE2 sheet.

    Returns ``area_code, area_name, geography, year, sex, age, population`` (people at 30 June
    of ``year``; age 90 means 90 and over). ``year`` is read from the sheet title ("mid-2021")
    unless given. Each row's ages must add up to its "All ages" cell.
    """
    path = Path(path)
    sheet = MYE_SHEETS.get(sex)
    if sheet is None:
        raise ValueError(f"sex must be one of {sorted(MYE_SHEETS)}, not {sex!r}")
    body, header_row = read_table(
        path, ["Code", "Name", "Geography", "All ages", "0", "90+"], sheet=sheet
    )
    if year is None:
        year = _year_from_title(body.attrs.get("preamble", []), path, sheet)
    columns = list(body.columns)
    where = {"file": path.name, "sheet": sheet, "row": header_row}
    code_at = column_position(columns, "Code", **where)
    name_at = column_position(columns, "Name", **where)
    geography_at = column_position(columns, "Geography", **where)
    total_at = column_position(columns, "All ages", **where)
    age_labels = [str(age) for age in range(OLDEST_AGE)] + [f"{OLDEST_AGE}+"]
    age_at = [
        column_position(columns, _age_header(columns, label), **where) for label in age_labels
    ]

    body = drop_blank_rows(body)
    numbers = {"file": path.name, "sheet": sheet, "header_row": header_row}
    codes = body.iloc[:, code_at].astype(str).str.strip()
    _check_codes(codes, file=path.name, sheet=sheet, header_row=header_row)
    counts = to_numbers(body, age_at, **numbers)
    counts.columns = range(len(age_labels))
    total = to_numbers(body, [total_at], **numbers).iloc[:, 0]
    gap = (counts.sum(axis=1) - total).abs()
    if (gap > ALL_AGES_TOLERANCE).any():
        index = gap[gap > ALL_AGES_TOLERANCE].index[0]
        raise InputFileError(
            f"ages add up to {counts.loc[index].sum():,.0f}, not the 'All ages' "
            f"{total[index]:,.0f}",
            file=path.name,
            sheet=sheet,
            row=header_row + 1 + int(index),
            column="All ages",
            hint="a column may be shifted or missing",
        )
    counts.insert(0, "area_code", codes)
    counts.insert(1, "area_name", body.iloc[:, name_at].astype(str).str.strip())
    counts.insert(2, "geography", body.iloc[:, geography_at].astype(str).str.strip())
    table = counts.melt(
        id_vars=["area_code", "area_name", "geography"], var_name="age", value_name="population"
    )
    table["age"] = table.age.astype(int)
    table = table.sort_values(["area_code", "age"], kind="stable").reset_index(drop=True)
    table.insert(3, "year", year)
    table.insert(4, "sex", sex)
    return table[["area_code", "area_name", "geography", "year", "sex", "age", "population"]]


def _check_codes(codes: pd.Series, *, file: str, sheet: str | None, header_row: int) -> None:
    bad = codes[~codes.str.fullmatch(r"[A-Z]\d{8}")]
    if len(bad):
        raise InputFileError(
            f"{bad.iloc[0]!r} is not a GSS area code",
            file=file,
            sheet=sheet,
            row=header_row + 1 + int(bad.index[0]),
            column="Code",
        )


def _age_header(columns: list[str], label: str) -> str:
    """Excel gives age headers as 0.0/1.0 or "0"/"1": accept either spelling."""
    if label in columns:
        return label
    for name in columns:
        try:
            if float(name) == float(label):
                return name
        except ValueError:
            continue
    return label  # let column_position raise with the published label


def _year_from_title(preamble: list[str], path: Path, sheet: str) -> int:
    for value in preamble:
        match = re.search(r"mid-(\d{4})", str(value))
        if match:
            return int(match.group(1))
    raise InputFileError(
        "no 'mid-YYYY' in the sheet title",
        file=path.name,
        sheet=sheet,
        row=1,
        hint="pass year= explicitly",
    )


SNPP_BANDS = (*(f"{lo}-{lo + 4}" for lo in range(0, 90, 5)), "90+")


def read_snpp(path: str | Path) -> pd.DataFrame:
    """2018-based subnational projections, persons by 5-year age group.

    Returns ``area_code, area_name, age_group, year, population`` (projected people at 30 June
    of ``year``). The "All ages" rows are left out. ``age_group`` is "0-4" … "85-89", "90+".
    """
    path = Path(path)
    body, header_row = read_table(path, ["CODE", "AREA", "AGE GROUP"])
    columns = list(body.columns)
    where = {"file": path.name, "sheet": None, "row": header_row}
    code_at = column_position(columns, "CODE", **where)
    name_at = column_position(columns, "AREA", **where)
    band_at = column_position(columns, "AGE GROUP", **where)
    years = [(i, int(name)) for i, name in enumerate(columns) if re.fullmatch(r"\d{4}", name)]
    if not years:
        raise InputFileError("no year columns (2018, 2019, …)", **where)
    body = drop_blank_rows(body)
    bands = body.iloc[:, band_at].astype(str).str.strip()
    body, bands = body[bands.str.lower() != "all ages"], bands[bands.str.lower() != "all ages"]
    unknown = bands[~bands.isin(SNPP_BANDS)]
    if len(unknown):
        raise InputFileError(
            f"unknown age group {unknown.iloc[0]!r}",
            file=path.name,
            row=header_row + 1 + int(unknown.index[0]),
            column="AGE GROUP",
            hint="expected 0-4, 5-9, …, 90+",
        )
    values = to_numbers(
        body, [at for at, _ in years], file=path.name, sheet=None, header_row=header_row
    )
    values.columns = [year for _, year in years]
    values.insert(0, "area_code", body.iloc[:, code_at].astype(str).str.strip())
    values.insert(1, "area_name", body.iloc[:, name_at].astype(str).str.strip())
    values.insert(2, "age_group", bands)
    table = values.melt(
        id_vars=["area_code", "area_name", "age_group"], var_name="year", value_name="population"
    )
    table["year"] = table.year.astype(int)
    return table[["area_code", "area_name", "age_group", "year", "population"]]
