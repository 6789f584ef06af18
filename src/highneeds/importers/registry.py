"""One entry point for any file an LA uploads: tell what it is by its content, then import it.

Kinds: a DfE "Education, health and care plans" release (zip or folder); a SEN2 return (XML,
the DfE Excel template or a pre-submission workbook, or a zip/folder of its Blade or m1-m5 CSV
files); an LA's filled finance template (unit costs, budget/outturn, capacity register; .xlsx
or .csv). A workbook is a SEN2 return when its sheets say so, otherwise a finance template.
File names are never trusted: a release renamed ``.xml`` or a capacity register called
``costs.csv`` is still recognised, and a file that is none of these is refused with a located
message before the store is touched.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.importers import UnrecognisedFileError
from highneeds.readers.archive import ZIP_ERRORS, check_unpacked_size
from highneeds.store import Store

DFE_RELEASE, SEN2, FINANCE = "dfe_release", "sen2", "finance"
WHAT_WE_READ = (
    "a DfE EHCP release (.zip), a SEN2 return (.xml, the DfE SEN2 Excel template, or a .zip "
    "of its Blade or m1-m5 CSV files), or a finance template (unit costs, budget/outturn or "
    "capacity register; .xlsx or .csv)"
)


@dataclass
class ImportedFile:
    """What one import did. ``rows``: rows written (0 when ``already_imported``)."""

    kind: str  # DFE_RELEASE, SEN2 or FINANCE
    label: str  # what people call it, e.g. "Capacity register"
    rows: int
    already_imported: bool
    children: int | None = None  # SEN2: children with an active plan at the census
    issues: pd.DataFrame | None = None  # SEN2: the validation report (pseudonymous)


def _is_dfe_release(path: Path) -> bool:
    from highneeds.readers.dfe_ehcp import detect_layout
    from highneeds.readers.dfe_files import ReleaseSource

    try:
        detect_layout(ReleaseSource.open(path))
    except InputFileError:
        return False
    return True


def _is_sen2_csv(path: Path) -> bool:
    from highneeds.sen2.read import _looks_like_blade
    from highneeds.sen2.read_modules import looks_like_module_csv

    try:
        return looks_like_module_csv(path) or _looks_like_blade(path)
    except (InputFileError, ValueError, OSError, UnicodeDecodeError):
        return False


def _is_finance(path: Path) -> bool:
    from highneeds.importers.finance import detect_template

    try:
        detect_template(path)
    except InputFileError:
        return False
    return True


def _sen2_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    xml = [p for p in files if p.name.lower().endswith((".xml", ".xml.gz"))]
    csvs = [p for p in files if p.suffix.lower() == ".csv" and _is_sen2_csv(p)]
    return xml or csvs


def _unzip(path: Path, into: Path) -> Path:
    """Extract a zip's files (flat, names only: no path from the archive is trusted), after
    checking the total unpacked size against the upload limit."""
    check_unpacked_size(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            for info in members:
                name = PurePosixPath(info.filename).name
                if name and not name.startswith("."):
                    (into / name).write_bytes(archive.read(info))
    except ZIP_ERRORS as error:
        raise InputFileError(f"not a readable zip archive ({error})", file=path.name) from None
    return into


def detect(path: str | Path, scratch: Path) -> tuple[str, list[Path]]:
    """``(kind, files)`` for ``path``: a zip of SEN2 files is unpacked into ``scratch``."""
    path = Path(path)
    if not path.exists():
        raise InputFileError("file not found", file=str(path))
    name = path.name.lower()
    if path.is_dir():
        if _is_dfe_release(path):
            return DFE_RELEASE, [path]
        if files := _sen2_files(path):
            return SEN2, files
    elif zipfile.is_zipfile(path) and not name.endswith((".xlsx", ".xlsm")):
        if _is_dfe_release(path):
            return DFE_RELEASE, [path]
        if files := _sen2_files(_unzip(path, scratch)):
            return SEN2, files
    elif name.endswith((".xml", ".xml.gz")):
        return SEN2, [path]
    elif name.endswith((".xlsx", ".xlsm")):
        from highneeds.importers.finance import detect_template
        from highneeds.sen2.read_excel import workbook_layout

        if workbook_layout(path):
            return SEN2, [path]

        detect_template(path)  # a workbook that is no template is refused here
        return FINANCE, [path]
    elif name.endswith(".csv"):
        if _is_finance(path):
            return FINANCE, [path]
        if _is_sen2_csv(path):
            return SEN2, [path]
    raise UnrecognisedFileError(
        "highneeds cannot tell what this file is", file=path.name, hint=f"upload {WHAT_WE_READ}"
    )


def import_file(
    store: Store,
    path: str | Path,
    *,
    la_code: str,
    imported_by: str | None = None,
    year: int | None = None,
    replace: bool = False,
    accept_errors: bool = False,
) -> ImportedFile:
    """Detect what ``path`` is by its content and import it for the workspace of ``la_code``.

    A SEN2 return for another LA is refused: an analyst of one LA must not load (or replace)
    another LA's children's records. The m1-m5 CSVs do not say their census year, so they
    need ``year`` (their LA is ``la_code``). Every refusal is an InputFileError raised before
    the store is touched. A SEN2 return that would replace a stored year needs ``replace``,
    one with validation errors ``accept_errors`` (ImportNeedsConfirmation otherwise).
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="highneeds-import-") as folder:
        kind, files = detect(path, Path(folder))
        if kind == DFE_RELEASE:
            from highneeds.importers.dfe import import_release

            done = import_release(store, path, imported_by=imported_by)
            return ImportedFile(
                kind, "DfE EHCP statistics (national, public)", done.rows, done.already_imported
            )
        if kind == FINANCE:
            from highneeds.importers.finance import import_finance

            done = import_finance(store, path, la_code=la_code, imported_by=imported_by)
            return ImportedFile(kind, done.label, done.result.rows, done.result.already_imported)
        confirmed = {"replace": replace, "accept_errors": accept_errors}
        return _import_sen2(store, path, files, la_code, imported_by, year, confirmed)


def _import_sen2(store, path, files, la_code, imported_by, year, confirmed) -> ImportedFile:
    from highneeds.importers.sen2 import import_sen2
    from highneeds.sen2.read import read_returns
    from highneeds.sen2.read_excel import workbook_layout
    from highneeds.sen2.read_modules import looks_like_module_csv

    modules = [p for p in files if p.suffix.lower() == ".csv" and looks_like_module_csv(p)]
    books = [p for p in files if p.suffix.lower() in {".xlsx", ".xlsm"}]
    if books and workbook_layout(books[0]) == "pre_submission" and year is None:
        raise InputFileError(
            "this is a SEN2 pre-submission workbook, which does not say its collection year",
            file=path.name,
            hint="give the year (on the command line: --year 2024), or upload the SEN2 XML "
            "return or the DfE Excel template instead",
        )
    if modules and year is None:
        raise InputFileError(
            "these are SEN2 m1-m5 module CSVs, which do not say their collection year",
            file=path.name,
            hint="give the year (on the command line: --year 2024), or upload the SEN2 XML "
            "return instead",
        )
    for found in read_returns(files, year=year, la_code=la_code):
        if str(found.la_code) != str(la_code):
            raise InputFileError(
                f"this is a SEN2 return for LA {found.la_code}, not for this workspace's LA "
                f"{la_code}",
                file=path.name,
                hint="upload it in that LA's workspace",
            )
    results = import_sen2(
        files, store, imported_by=imported_by, year=year, la_code=la_code, **confirmed
    )
    issues = pd.concat([r.issues for r in results], ignore_index=True) if results else None
    return ImportedFile(
        SEN2,
        "SEN2 return",
        sum(r.result.rows for r in results),
        all(r.result.already_imported for r in results),
        children=sum(r.children for r in results),
        issues=issues,
    )
