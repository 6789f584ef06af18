"""Opening spreadsheet files with pandas, one way everywhere.

pandas picks openpyxl for .xlsx today and warns, whenever calamine is installed (it is: the
SEN2 workbook reader uses it), that the default will change. Our finance, reference and
consultation readers were written and tested against openpyxl's cell types, so they name
it. Old .xls files (ONS publishes some) go to calamine, since pandas deprecates xlrd; .ods
keeps pandas' choice (odf).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from highneeds.readers.archive import check_unpacked_size


def engine_for(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "openpyxl"
    return "calamine" if suffix == ".xls" else None


def excel_file(path: str | Path) -> pd.ExcelFile:
    """``pd.ExcelFile`` for ``path``, after the unpacked-size check (InputFileError); a file
    that is no workbook raises ``ValueError`` (as pandas does when it sniffs the format
    itself), whatever the engine's own error."""
    check_unpacked_size(path)
    try:
        return pd.ExcelFile(path, engine=engine_for(path))
    except zipfile.BadZipFile as error:
        raise ValueError(f"not a valid workbook: {error}") from None
    except (ValueError, OSError):
        raise
    except Exception as error:  # a damaged workbook: zlib, XML and KeyError from inside it
        raise _damaged(error) from None


def read_sheet(book: pd.ExcelFile, **options) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """``pd.read_excel`` of an open workbook: a sheet damaged inside (its XML cut short or
    garbled; openpyxl reads sheets only now) raises ``ValueError`` like a damaged file."""
    try:
        return pd.read_excel(book, **options)
    except (ValueError, OSError):
        raise
    except Exception as error:  # XML ParseError, zlib.error, KeyError, IndexError…
        raise _damaged(error) from None


def _damaged(error: Exception) -> ValueError:
    return ValueError(f"not a valid workbook: it is damaged ({type(error).__name__})")


def read_excel(path: str | Path, **options) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """``pd.read_excel`` of ``path``, opened as above."""
    with excel_file(path) as book:
        return read_sheet(book, **options)


def read_workbook_table(path: str | Path, **options) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """``read_excel`` for files people upload: one that is not a readable workbook (random
    bytes, a damaged or truncated download, another format renamed) raises InputFileError
    naming the file, in one sentence, instead of the engine's own exception."""
    from highneeds.errors import InputFileError

    try:
        return read_excel(path, **options)
    except InputFileError:
        raise
    except Exception as error:  # openpyxl, zipfile and pandas each raise their own types
        raise InputFileError(
            f"is not a readable Excel workbook ({type(error).__name__})",
            file=Path(path).name,
            hint="open it in Excel and save it again as .xlsx",
        ) from None
