"""Open a SEN2 return in whichever layout it comes: one XML file, the Blade CSV files, the
D2I m1-m5 module CSVs (told apart by their headers: m-files have a ``Person ID`` column), or
one workbook (the DfE Excel template or a pre-submission workbook, told apart by sheets)."""

from __future__ import annotations

from pathlib import Path

from highneeds import config
from highneeds.errors import InputFileError
from highneeds.sen2.model import Sen2Return
from highneeds.sen2.read_csv import read_blade_csv
from highneeds.sen2.read_csv import read_header_row as _blade_header
from highneeds.sen2.read_excel import read_workbook
from highneeds.sen2.read_modules import looks_like_module_csv, read_module_csv
from highneeds.sen2.read_xml import read_xml


def check_size(path: Path) -> None:
    """Refuse a file larger than the configured limit before reading a byte of it."""
    if not path.exists():
        raise InputFileError("file not found", file=str(path))
    limit = config.max_upload_bytes()
    size = path.stat().st_size
    if size > limit:
        raise InputFileError(
            f"the file is {size / 1048576:.1f} MB, over the {limit / 1048576:.0f} MB limit",
            file=path.name,
            hint="raise HIGHNEEDS_MAX_UPLOAD_MB if this return really is that large",
        )


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".xml", ".xml.gz")):
        return "xml"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv" if name.endswith(".csv") else "other"


def _looks_like_blade(path: Path) -> bool:
    return any(name.endswith("tableid") for name in _blade_header(path))


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, with a folder standing for the CSV and XML files inside it."""
    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if _kind(p) in {"csv", "xml"})
        else:
            files.append(item)
    return files


def read_returns(
    paths: list[str | Path], *, year: int | None = None, la_code: str | None = None
) -> list[Sen2Return]:
    """Every return in ``paths``: each XML file or workbook is one return; all CSV files
    together are one.

    ``year`` and ``la_code`` are needed only for the m1-m5 CSVs and pre-submission
    workbooks, which do not say them.
    """
    files = expand(paths)
    if not files:
        raise InputFileError("no SEN2 files given", hint="name an .xml file or the Blade CSV files")
    for path in files:
        check_size(path)
    xml = [p for p in files if _kind(p) == "xml"]
    csvs = [p for p in files if _kind(p) == "csv"]
    books = [p for p in files if _kind(p) == "xlsx"]
    other = [p for p in files if p not in xml and p not in csvs and p not in books]
    if other:
        raise InputFileError(
            "not a SEN2 file type",
            file=other[0].name,
            hint="give .xml, Blade .csv files or the DfE Excel template (.xlsx)",
        )
    returns = [read_xml(p) for p in xml]
    returns += [read_workbook(p, year=year, la_code=la_code) for p in books]
    # Any file with "Person ID" makes the CSVs an m1-m5 return; a file that then fits no
    # m-module gets that reader's expected-vs-found error, unless it is plainly Blade.
    if any(looks_like_module_csv(p) for p in csvs):
        blade = [p for p in csvs if _looks_like_blade(p)]
        if blade:
            raise InputFileError(
                "m1-m5 module CSVs and Blade CSVs given together",
                file=blade[0].name,
                hint="give the CSV files of one return in one layout",
            )
        returns.append(read_module_csv(csvs, year=year, la_code=la_code))
    elif csvs:
        returns.append(read_blade_csv(csvs))
    return returns


def read_return(
    paths: str | Path | list[str | Path], *, year: int | None = None, la_code: str | None = None
) -> Sen2Return:
    """Exactly one return from ``paths`` (an XML file, a folder, or the CSV files)."""
    items = paths if isinstance(paths, list) else [paths]
    returns = read_returns(items, year=year, la_code=la_code)
    if len(returns) != 1:
        raise InputFileError(
            f"expected one return, found {len(returns)}",
            file=", ".join(str(p) for p in items),
        )
    return returns[0]
