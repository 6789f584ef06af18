"""Open a DfE statistics release (a zip as downloaded, or a folder of its files) and read its CSVs.

Everything that can go wrong with the bytes themselves (a truncated or corrupt zip, a file that is
not UTF-8, an empty file, rows with the wrong number of fields, a missing column) is reported here
as an :class:`~highneeds.errors.InputFileError` naming the file, the row (1-based, as a spreadsheet
shows it: the header is row 1) and the column. Nothing is guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.readers.archive import ZIP_ERRORS, check_unpacked_size

#: DfE's symbols for figures that are not published (not applicable, unavailable, confidential,
#: low, unreliable). They become NaN in ``value`` with the symbol kept in ``status``; never 0.
DFE_SYMBOLS = ("x", "z", "c", "low", "u")


#: The DfE EHCP release shipped inside highneeds (reporting year 2022, every LA, OGL v3).
BUNDLED_RELEASE = "education-health-and-care-plans_2022.zip"


def bundled_release_path() -> Path:
    """Where the shipped release is (read by the importer, and by plans before any import)."""
    return Path(str(resources.files("highneeds.data").joinpath("dfe", BUNDLED_RELEASE)))


@dataclass(frozen=True)
class ReleaseSource:
    """The files of one release, by path inside the release (``data/caseload.csv``)."""

    path: Path
    members: tuple[str, ...]

    @classmethod
    def open(cls, path: str | Path) -> ReleaseSource:
        path = Path(path)
        if path.is_dir():
            members = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
            return cls(path, tuple(members))
        if not path.is_file():
            raise InputFileError("no such file or folder", file=str(path))
        check_unpacked_size(path)  # a release from the command line meets the upload limit too
        try:
            with zipfile.ZipFile(path) as archive:
                members = tuple(i.filename for i in archive.infolist() if not i.is_dir())
        except ZIP_ERRORS as error:
            raise InputFileError(
                f"not a readable zip archive ({error})",
                file=path.name,
                hint="download the release again: the file looks truncated or corrupt",
            ) from error
        return cls(path, members)

    @property
    def is_zip(self) -> bool:
        return self.path.is_file()

    def find(self, file_name: str) -> str | None:
        """The member whose base name is ``file_name`` (case-insensitive), if any."""
        wanted = file_name.lower()
        found = [m for m in self.members if PurePosixPath(m).name.lower() == wanted]
        return found[0] if found else None

    def display_name(self, member: str) -> str:
        """How errors name a member: ``release.zip:data/caseload.csv`` or the file's path."""
        if self.is_zip:
            return f"{self.path.name}:{member}"
        return str(self.path / member)

    def read_bytes(self, member: str) -> bytes:
        name = self.display_name(member)
        if not self.is_zip:
            return (self.path / member).read_bytes()
        try:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(member)
        except ZIP_ERRORS as error:
            raise InputFileError(
                f"cannot extract this file from the zip ({error})",
                file=name,
                hint="download the release again: the archive looks truncated or corrupt",
            ) from error

    def read_text(self, member: str) -> str:
        return decode_utf8(self.read_bytes(member), self.display_name(member))

    def sha256(self) -> str:
        """Identity of the release: the zip's bytes, or every file's name and bytes in a folder."""
        digest = hashlib.sha256()
        if self.is_zip:
            digest.update(self.path.read_bytes())
            return digest.hexdigest()
        for member in self.members:
            digest.update(member.encode())
            digest.update(hashlib.sha256((self.path / member).read_bytes()).digest())
        return digest.hexdigest()


def decode_utf8(data: bytes, name: str) -> str:
    """Text of a release file. DfE publishes UTF-8; anything else is reported, never guessed.

    We do not fall back to cp1252: a mis-decoded LA or ethnicity label would silently become a
    different label, whereas an error tells the user to re-save the file as UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        start = error.start
        row = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        field_index = data[line_start:start].count(b",")
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
        try:
            columns = next(csv.reader([header]), [])
        except csv.Error:  # the header line itself is damaged: name no column
            columns = []
        column = columns[field_index] if field_index < len(columns) else None
        raise InputFileError(
            f"is not UTF-8 text (byte 0x{data[start]:02x} cannot be decoded)",
            file=name,
            row=row,
            column=column,
            hint="save the file as UTF-8 (DfE publishes its files in UTF-8) and import again",
        ) from error


def read_csv(source: ReleaseSource, member: str, required: Iterable[str] = ()) -> pd.DataFrame:
    """Every cell of a release CSV as text (``""`` where empty), checked for shape.

    Raises InputFileError for an empty file, a header without rows, a row with the wrong number of
    fields, a duplicated column whose copies differ, or a missing ``required`` column.
    """
    name = source.display_name(member)
    text = source.read_text(member)
    if not text.strip():
        raise InputFileError("the file is empty", file=name, row=1)
    try:
        header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]))
    except csv.Error as error:  # a stray carriage return or quote in the header line
        raise InputFileError(
            f"the header row cannot be read as CSV ({error})", file=name, row=1
        ) from None
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            # Python strings, not Arrow: the reader gathers these cells a lot, and numpy takes
            # on object arrays are several times faster than Arrow string takes.
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            header=None,
            skiprows=1,
            names=range(len(header)),
            engine="c",
        )
    except pd.errors.ParserError as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputFileError(
            f"a row has the wrong number of fields ({error})",
            file=name,
            row=int(match.group(1)) if match else None,
        ) from error
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=range(len(header)), dtype=str)
    if frame.empty:
        raise InputFileError("the file has a header but no data rows", file=name, row=2)
    frame = _drop_duplicate_columns(frame, header, name)
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InputFileError(
            f"required column {missing[0]!r} is missing"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""),
            file=name,
            row=1,
            column=missing[0],
            hint="is this the file as DfE published it?",
        )
    return frame


def _drop_duplicate_columns(frame: pd.DataFrame, header: list[str], name: str) -> pd.DataFrame:
    """Name the columns; a column published twice is kept once if both copies agree."""
    keep: dict[str, int] = {}
    for index, column in enumerate(header):
        column = column.strip()
        if column in keep:
            first = frame[keep[column]]
            differs = first.ne(frame[index])
            if differs.any():
                raise InputFileError(
                    f"column {column!r} appears twice with different values",
                    file=name,
                    row=int(differs.to_numpy().argmax()) + 2,
                    column=column,
                )
            continue
        keep[column] = index
    out = frame[list(keep.values())]
    out.columns = list(keep)
    return out


def to_values(raw: pd.Series, file: str, column_of: pd.Series, row_of: pd.Series):
    """Numbers and DfE symbols from published text: returns (value float Series, status Series).

    Symbols give NaN with the symbol as status. Any other text is an InputFileError naming the
    first offending row and column (``column_of``/``row_of`` locate each cell).
    """
    raw = raw.reset_index(drop=True)
    value = pd.to_numeric(raw, errors="coerce")
    missing = value.isna()
    # Only the few cells that are not numbers need folding (" x ", "Z").
    folded = pd.Series(None, index=raw.index, dtype=object)
    folded[missing] = raw[missing].str.strip().str.lower()
    bad = missing & ~folded.isin(DFE_SYMBOLS)
    if bad.any():
        first = bad.to_numpy().argmax()
        cell = str(raw.iloc[first]).strip()
        raise InputFileError(
            f"{cell!r} is neither a number nor a DfE symbol ({', '.join(DFE_SYMBOLS)})"
            if cell
            else f"empty cell where a number or a DfE symbol ({', '.join(DFE_SYMBOLS)}) belongs",
            file=file,
            row=int(row_of.iloc[first]),
            column=str(column_of.iloc[first]),
        )
    return value.astype("float64"), folded.where(missing)
