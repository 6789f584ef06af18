"""JSNA tables from the store to a workbook: read the LA's SEN2 tables, write a sheet per table
and a Notes sheet (sources, census date, the suppression rule). See :mod:`highneeds.analysis.jsna`.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from highneeds.analysis.jsna import (
    TITLES,
    UNAVAILABLE,
    JsnaInputs,
    JsnaTables,
    jsna_tables,
    labelled,
)
from highneeds.sen2 import schema as sen2
from highneeds.sen2.build import census_day
from highneeds.store import schema as store_schema
from highneeds.suppression import NOT_APPLICABLE, SUPPRESSED

SHEETS = {
    "need_by_age": "Need by age",
    "setting_by_age": "Setting by age",
    "need_by_sex": "Need by sex",
    "trend": "Trend",
    "ceased_by_reason": "Ceased by reason",
}
NOT_FOR_PUBLICATION = "Exact figures — not for publication."


def _read(store, table: sa.Table, la_code: str, *columns: str) -> pd.DataFrame:
    query = sa.select(*(table.c[name] for name in columns)).where(table.c.la_code == la_code)
    return store.read_frame(query)


def stored_inputs(store, la_code: str) -> JsnaInputs:
    """Every stored year of the LA's SEN2 child states, persons and derived tables."""
    return JsnaInputs(
        states=_read(
            store, sen2.states, la_code, "year", "child_id", "age_band", "need", "setting_group"
        ),
        persons=_read(store, sen2.persons, la_code, "year", "child_id", "sex"),
        funnel=_read(store, sen2.funnel, la_code, "year", "stage", "children"),
        timeliness=_read(
            store,
            sen2.timeliness,
            la_code,
            "year",
            "exceptions",
            "plans_issued",
            "within_20_weeks",
        ),
        ceased=_read(store, sen2.ceased, la_code, "year", "cease_reason", "children"),
    )


def stored_years(store, la_code: str) -> list[int]:
    """Census years of the LA's stored SEN2 returns, newest first."""
    query = sa.select(sen2.funnel.c.year).where(sen2.funnel.c.la_code == la_code).distinct()
    return sorted(store.read_frame(query)["year"].astype(int), reverse=True)


def sources(store, la_code: str, year: int) -> pd.DataFrame:
    """The SEN2 returns (provenance rows of hn_import) the tables of ``year`` are made from."""
    imports = store_schema.imports
    query = (
        sa.select(imports.c.kind, imports.c.file_name, imports.c.imported_at)
        .where(imports.c.owner == la_code, imports.c.kind.like("sen2:%"))
        .order_by(imports.c.kind)
    )
    found = store.read_frame(query)
    found["year"] = found["kind"].str.removeprefix("sen2:").astype(int)
    return found[found["year"] <= year].reset_index(drop=True)


def stored_jsna(store, la_code: str, year: int, threshold: int) -> tuple[JsnaTables, pd.DataFrame]:
    """(the JSNA tables, their source files) for the LA and census year, from the store."""
    tables = jsna_tables(
        stored_inputs(store, la_code), la_code=la_code, year=year, threshold=threshold
    )
    return tables, sources(store, la_code, year)


def notes(tables: JsnaTables, source_files: pd.DataFrame, *, exact: bool) -> list[str]:
    """The Notes sheet, a line each."""
    day = census_day(tables.year)
    lines = [
        f"SEND JSNA tables: LA {tables.la_code}, January {tables.year} census.",
        *([NOT_FOR_PUBLICATION] if exact else []),
        f"Census date: {day:%d %B %Y} (the SEN2 census day). Tables by need, setting, age band "
        "and sex count children with an EHC plan on that day.",
        "Years are January census years. New plans, 20-week timeliness and ceased plans of "
        "census year Y are those of the calendar year Y - 1, which that census reports.",
        "20-week timeliness: plans issued in the calendar year, from the request to the final "
        "plan, excluding plans where an exception to the time limit applies (DfE's method).",
        "Age bands: age on 31 August before the census, from the national curriculum year.",
    ]
    if exact:
        lines.append("No figure is suppressed in this workbook.")
    else:
        lines += [
            f"Suppression: counts from 1 to {tables.threshold - 1} are shown as {SUPPRESSED} "
            f"(threshold {tables.threshold}). Where a row or column total would let a hidden "
            f"count be worked out by subtraction, a further count is hidden (secondary "
            f"suppression); a total two tables share is hidden in both. Zeros are shown.",
            f"Percentages are rounded to whole numbers and shown as {SUPPRESSED} when their "
            "numerator or denominator is hidden.",
        ]
    lines.append(
        f"Symbols: {SUPPRESSED} confidential (suppressed), {UNAVAILABLE} not available, "
        f"{NOT_APPLICABLE} not applicable."
    )
    lines += tables.notes
    lines.append("Source files (SEN2 returns imported into highneeds):")
    lines += [f"  {row.file_name} (January {row.year} census)" for row in source_files.itertuples()]
    return lines


def _cell(value):
    """Published counts are text; write whole numbers as numbers so spreadsheets sum them."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def write_workbook(
    tables: JsnaTables,
    source_files: pd.DataFrame,
    target: Path | io.BytesIO,
    *,
    exact: bool = False,
) -> None:
    """A sheet per table (its title in A1, the table from row 3) and a Notes sheet."""
    chosen = tables.exact if exact else tables.published
    suffix = " — exact figures, not for publication" if exact else ""
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, table in chosen.items():
            frame = labelled(table, name)
            if not exact:
                frame = frame.map(_cell)
            frame.to_excel(writer, sheet_name=SHEETS[name], startrow=2)
            sheet = writer.sheets[SHEETS[name]]
            sheet["A1"] = f"{TITLES[name]}: LA {tables.la_code}, January {tables.year}{suffix}"
        pd.DataFrame({"Notes": notes(tables, source_files, exact=exact)}).to_excel(
            writer, sheet_name="Notes", index=False
        )


def pdf_bytes(tables: JsnaTables, source_files: pd.DataFrame, *, exact: bool = False) -> bytes:
    """The tables as a tagged PDF (PDF/UA-1) a council can publish: a heading and a table
    with header cells per table, then the notes (highneeds.pdf)."""
    import html

    from highneeds.pdf import document_html, table_html, tagged_pdf

    chosen = tables.exact if exact else tables.published
    title = f"SEND JSNA tables: LA {tables.la_code}, January {tables.year} census"
    parts = []
    for name, table in chosen.items():
        frame = labelled(table, name)
        parts.append(f"<h2>{html.escape(TITLES[name])}</h2>")
        parts.append(table_html(frame, f"{TITLES[name]}, January {tables.year}"))
    notes_html = "".join(
        f"<li>{html.escape(line.strip())}</li>" for line in notes(tables, source_files, exact=exact)
    )
    parts.append(f'<h2>Notes</h2><ul class="note">{notes_html}</ul>')
    return tagged_pdf(document_html(title, "".join(parts)))


def workbook_bytes(tables: JsnaTables, source_files: pd.DataFrame, *, exact: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_workbook(tables, source_files, buffer, exact=exact)
    return buffer.getvalue()


def write_csvs(tables: JsnaTables, folder: Path, *, exact: bool = False) -> list[Path]:
    """One CSV per table in ``folder`` (no notes: keep them with the workbook)."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = tables.exact if exact else tables.published
    written = []
    for name, table in chosen.items():
        path = folder / f"{tables.la_code}-{tables.year}-{name}.csv"
        labelled(table, name).to_csv(path)
        written.append(path)
    return written
