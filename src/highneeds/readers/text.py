"""Opening text (CSV) files whatever encoding an LA's system saved them in, one way everywhere.

Case-management systems and Excel on Windows still save CSVs as Windows-1252 (a surname
"O’Brien" is the byte 0x92 there), so a file that is not UTF-8 is read as cp1252 rather than
refused. A file that is neither (random bytes, a workbook or PDF renamed .csv) is refused in
one sentence that says what to do, never with a decoding traceback.
"""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError

UTF8, CP1252 = "utf-8-sig", "cp1252"
_CHUNK = 1 << 20
# Control characters text files never hold (tab, newline, carriage return and form feed may).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _not_text(path: Path, kind: str = "CSV") -> InputFileError:
    if kind != "CSV":
        return InputFileError(
            f"is not a {kind} text file (it holds bytes no text file has: it may be a "
            "workbook, a PDF or a damaged file)",
            file=path.name,
            hint=f"open it in a text editor and save it as {kind} (UTF-8)",
        )
    return InputFileError(
        "is not a text CSV file (it holds bytes no CSV has: it may be a workbook, a PDF or a "
        "damaged file)",
        file=path.name,
        hint="open it in a spreadsheet program and save it as CSV (UTF-8)",
    )


def _decodes(path: Path, encoding: str, kind: str = "CSV") -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                if chunk.translate(None, _BINARY_BYTES) != chunk:
                    raise _not_text(path, kind)
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def text_encoding(path: str | Path, kind: str = "CSV") -> str:
    """``"utf-8-sig"`` or ``"cp1252"``: the encoding ``path`` reads in. Raises InputFileError
    for a missing file or one that is not text at all (``kind`` names what it should be)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError("file not found", file=str(path))
    for encoding in (UTF8, CP1252):
        if _decodes(path, encoding, kind):
            return encoding
    raise _not_text(path, kind)


def read_text(path: str | Path, kind: str) -> str:
    """The whole of a small text file (a TOML or YAML file of ``kind``) in UTF-8 or cp1252;
    InputFileError, in one sentence naming the file, for anything else."""
    path = Path(path)
    encoding = text_encoding(path, kind)
    try:
        return path.read_text(encoding=encoding)
    except OSError as error:
        raise InputFileError(f"cannot be read: {error.strerror}", file=path.name) from None


def open_text(path: str | Path) -> io.TextIOWrapper:
    """``path`` opened for reading as text (for the csv module), in its own encoding."""
    return open(path, newline="", encoding=text_encoding(path))


def read_text_csv(path: str | Path, **options) -> pd.DataFrame:
    """``pd.read_csv`` of ``path`` in its own encoding; a malformed or empty file raises
    InputFileError naming the file (and the row, when pandas says it)."""
    import re

    path = Path(path)
    try:
        return pd.read_csv(path, encoding=text_encoding(path), **options)
    except pd.errors.EmptyDataError:
        raise InputFileError(
            "the file is empty", file=path.name, hint="check you exported the right file"
        ) from None
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputFileError(
            "a row has the wrong number of fields",
            file=path.name,
            row=int(match.group(1)) if match else None,
            hint="check the file is one table with one header row",
        ) from None
