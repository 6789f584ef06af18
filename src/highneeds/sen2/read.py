"""Open a SEN2 return in whichever layout it comes: one XML file, or the Blade CSV files."""

from __future__ import annotations

from pathlib import Path

from highneeds import config
from highneeds.errors import InputFileError
from highneeds.sen2.model import Sen2Return
from highneeds.sen2.read_csv import read_blade_csv
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
    return "csv" if name.endswith(".csv") else "other"


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, with a folder standing for the CSV and XML files inside it."""
    files: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if _kind(p) in {"csv", "xml"})
        else:
            files.append(item)
    return files


def read_returns(paths: list[str | Path]) -> list[Sen2Return]:
    """Every return in ``paths``: each XML file is one return; all CSV files together are one."""
    files = expand(paths)
    if not files:
        raise InputFileError("no SEN2 files given", hint="name an .xml file or the Blade CSV files")
    for path in files:
        check_size(path)
    xml = [p for p in files if _kind(p) == "xml"]
    csvs = [p for p in files if _kind(p) == "csv"]
    other = [p for p in files if p not in xml and p not in csvs]
    if other:
        raise InputFileError(
            "not a SEN2 file type", file=other[0].name, hint="give .xml or Blade .csv files"
        )
    returns = [read_xml(p) for p in xml]
    if csvs:
        returns.append(read_blade_csv(csvs))
    return returns


def read_return(paths: str | Path | list[str | Path]) -> Sen2Return:
    """Exactly one return from ``paths`` (an XML file, a folder, or the Blade CSV files)."""
    items = paths if isinstance(paths, list) else [paths]
    returns = read_returns(items)
    if len(returns) != 1:
        raise InputFileError(
            f"expected one return, found {len(returns)}",
            file=", ".join(str(p) for p in items),
        )
    return returns[0]
