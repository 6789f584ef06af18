"""The register of specialist places: planned, opened and closed, by academic year.

One row per change: a scheme (a new special school, a resourced provision, a unit's
expansion) that plans, opens or closes a number of places of one funding category (the DSG
management plan's placement groups), optionally designated for some needs, in one phase.
It answers "how many places have we added since 2020 against plan" and turns opened and
closed places into changes of commissioned capacity for sufficiency and scenarios.

Columns of a register file (CSV or XLSX; headers in words or codes):
``scheme, funding_category, designated_needs, phase, status, academic_year, places, source``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.finance.scenarios import designated_need_codes
from highneeds.finance.sufficiency import capacity_with_register  # noqa: F401 - its home
from highneeds.readers.excel import read_excel
from highneeds.strategy.measures import year_ending as academic_year_end
from highneeds.tables import TitledTable
from highneeds.vocabulary import FUNDING_CATEGORIES, NEED_BY_CODE, normalise_label

COLUMNS = {
    "scheme": "Scheme",
    "funding_category": "Type of place",
    "designated_needs": "Designated needs",
    "phase": "Phase",
    "status": "Status",
    "academic_year": "Academic year",
    "places": "Places",
    "source": "Source",
}
REQUIRED = ("scheme", "funding_category", "status", "academic_year", "places")
STATUSES = {"planned": "Planned", "opened": "Opened", "closed": "Closed"}
PHASES = {
    "early_years": "Early years",
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "post_16": "Post-16",
}
#: Specialist funding categories whose places a register can hold.
SPECIALIST_CATEGORIES = {
    c.code: c.label
    for c in FUNDING_CATEGORIES
    if c.code in ("resourced_provision", "maintained_special", "independent_special", "hospital_ap")
}
#: Largest number of places one row may add: a new special school is a few hundred.
MAX_PLACES = 5_000


def _code_of(value: object, choices: dict[str, str]) -> str | None:
    key = normalise_label(str(value))
    for code, label in choices.items():
        if key in (normalise_label(code), normalise_label(label)):
            return code
    return None


def read_register(path: str | Path, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check a places register (CSV/XLSX at ``path``, or ``frame`` as read).

    Returns the columns of :data:`COLUMNS` with codes (``year`` added: the January of the
    academic year). Raises :class:`InputFileError` naming the row and column of the first
    problem; nothing is returned half-checked.
    """
    path = Path(path)
    name = path.name
    if frame is None:
        try:
            if path.suffix.lower() in (".xlsx", ".xlsm", ".ods"):
                frame = read_excel(path, dtype=str)
            else:
                frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
            raise InputFileError(
                f"cannot be read as a places register ({error})", file=name
            ) from None
    by_key = {normalise_label(code): code for code in COLUMNS}
    by_key.update({normalise_label(label): code for code, label in COLUMNS.items()})
    frame = frame.rename(columns=lambda c: by_key.get(normalise_label(str(c)), str(c)))
    missing = [COLUMNS[c] for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputFileError(f"columns missing: {', '.join(missing)}", file=name)
    rows = []
    for index, row in frame.iterrows():
        line = int(index) + 2  # the header is row 1
        if all(pd.isna(row.get(c)) or str(row.get(c)).strip() == "" for c in REQUIRED):
            continue
        rows.append(_checked_row(row, line, name))
    if not rows:
        raise InputFileError("the register has no rows", file=name)
    return pd.DataFrame(rows, columns=[*COLUMNS, "year"])


def _checked_row(row: pd.Series, line: int, name: str) -> dict:
    def fail(column: str, message: str) -> InputFileError:
        return InputFileError(message, file=name, row=line, column=COLUMNS[column])

    def text(column: str) -> str:
        value = row.get(column)
        return "" if value is None or pd.isna(value) else str(value).strip()

    out = {"scheme": text("scheme"), "source": text("source")}
    if not out["scheme"]:
        raise fail("scheme", "every row needs the scheme's name")
    category = _code_of(text("funding_category"), SPECIALIST_CATEGORIES)
    if category is None:
        raise fail(
            "funding_category",
            f"{text('funding_category')!r} is not a type of specialist place; use one of "
            + ", ".join(SPECIALIST_CATEGORIES.values()),
        )
    out["funding_category"] = category
    needs = designated_need_codes(text("designated_needs") or None)
    unknown = [n for n in needs if n not in NEED_BY_CODE]
    if unknown:
        raise fail("designated_needs", f"{unknown} are not need codes ({', '.join(NEED_BY_CODE)})")
    out["designated_needs"] = ";".join(needs)
    phase = text("phase")
    out["phase"] = _code_of(phase, PHASES) if phase else ""
    if out["phase"] is None:
        raise fail("phase", f"{phase!r} is not a phase; use one of {', '.join(PHASES.values())}")
    status = _code_of(text("status"), STATUSES)
    if status is None:
        raise fail("status", f"{text('status')!r} is not Planned, Opened or Closed")
    out["status"] = status
    year = academic_year_end(text("academic_year"))
    if year is None or not 2000 <= year <= 2060:
        raise fail(
            "academic_year", f"{text('academic_year')!r} is not an academic year like 2025/26"
        )
    out["academic_year"] = f"{year - 1}/{year % 100:02d}"
    out["year"] = year
    places = pd.to_numeric(text("places"), errors="coerce")
    if pd.isna(places) or places != int(places) or not 0 < places <= MAX_PLACES:
        raise fail(
            "places", f"{text('places')!r} is not a whole number of places from 1 to {MAX_PLACES:,}"
        )
    out["places"] = int(places)
    return out


def delivered_by_year(register: pd.DataFrame, since: int | None = None) -> pd.DataFrame:
    """Places planned and delivered by academic year: ``year, academic_year, planned, opened,
    closed, net_places, net_places_cumulative, planned_cumulative`` from ``since`` (a January
    year; default the register's first)."""
    first = int(register["year"].min()) if since is None else int(since)
    last = int(register["year"].max())
    sums = register.pivot_table(
        index="year", columns="status", values="places", aggfunc="sum", fill_value=0
    ).reindex(range(first, last + 1), fill_value=0)
    for status in STATUSES:
        if status not in sums.columns:
            sums[status] = 0
    # Places delivered before ``since`` are the starting point, not progress.
    out = pd.DataFrame({"year": sums.index.astype(int)})
    out["academic_year"] = [f"{y - 1}/{y % 100:02d}" for y in out["year"]]
    for status in STATUSES:
        out[status] = sums[status].to_numpy().astype(int)
    out["net_places"] = out["opened"] - out["closed"]
    out["net_places_cumulative"] = out["net_places"].cumsum()
    out["planned_cumulative"] = out["planned"].cumsum()
    return out


def against_plan(register: pd.DataFrame, since: int, until: int | None = None) -> dict[str, int]:
    """ "How many places have we added since ``since`` against plan": places opened, closed,
    net and planned from the academic year ending in January ``since`` up to ``until``."""
    rows = register[register["year"] >= since]
    if until is not None:
        rows = rows[rows["year"] <= until]
    sums = rows.groupby("status")["places"].sum()
    opened, closed = int(sums.get("opened", 0)), int(sums.get("closed", 0))
    return {
        "opened": opened,
        "closed": closed,
        "net": opened - closed,
        "planned": int(sums.get("planned", 0)),
    }


def register_for_download(register: pd.DataFrame) -> pd.DataFrame:
    """The register with headers and codes in words, as written to CSV/XLSX."""
    out = register[list(COLUMNS)].copy()
    out["funding_category"] = out["funding_category"].map(SPECIALIST_CATEGORIES)
    out["status"] = out["status"].map(STATUSES)
    out["phase"] = out["phase"].map(lambda p: PHASES.get(p, ""))
    return out.rename(columns=COLUMNS)


DELIVERED_LABELS = {
    "academic_year": "Academic year",
    "planned": "Places planned",
    "opened": "Places opened",
    "closed": "Places closed",
    "net_places": "Net places added",
    "net_places_cumulative": "Net places added to date",
    "planned_cumulative": "Places planned to date",
}


def delivered_table(register: pd.DataFrame, since: int | None = None) -> TitledTable:
    """:func:`delivered_by_year` as a titled table for the shells (one row per academic
    year)."""
    frame = delivered_by_year(register, since=since).drop(columns=["year"])
    return TitledTable(
        title="Specialist places planned, opened and closed by academic year",
        frame=frame,
        labels=DELIVERED_LABELS,
        unit="places",
    )


def against_plan_sentence(register: pd.DataFrame, since: int) -> str:
    """ "Since 2019/20: 600 places opened, 20 closed, 580 added in all; 200 more planned." """
    totals = against_plan(register, since)
    return (
        f"Since {since - 1}/{since % 100:02d}: {totals['opened']:,} places opened, "
        f"{totals['closed']:,} closed, {totals['net']:,} added in all; "
        f"{totals['planned']:,} more planned."
    )
