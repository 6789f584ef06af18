"""Zip containers (release zips, .xlsx workbooks) are checked before they are opened.

A few kilobytes of zip can unpack to gigabytes (a "zip bomb"); the upload limit on the file
itself does not stop that. A zip's directory states each member's unpacked size, and Python's
zipfile never returns more than that, so summing it is a sound bound.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from highneeds import config
from highneeds.errors import InputFileError

#: What Python's zipfile raises for a damaged archive: besides BadZipFile, a corrupt header
#: can claim an unsupported version (NotImplementedError), a bad name or size (ValueError),
#: or a member that does not inflate (zlib.error).
ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError, zlib.error)


def check_unpacked_size(path: str | Path) -> None:
    """Refuse a zip container whose members unpack to more than the upload limit.

    Files that are not zips pass untouched: their readers report what is wrong with them."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        return
    limit = config.max_upload_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except ZIP_ERRORS as error:
        raise InputFileError(f"not a readable zip archive ({error})", file=path.name) from None
    if unpacked > limit:
        raise InputFileError(
            f"unpacked, the file holds {unpacked / 1048576:.0f} MB, over the "
            f"{limit / 1048576:.0f} MB limit",
            file=path.name,
            hint="raise HIGHNEEDS_MAX_UPLOAD_MB if this file really is that large",
        )
