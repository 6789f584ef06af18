"""Files and folders only this installation's account can read: the embedded store, uploads
and backups hold children's (pseudonymised or raw) records, so nothing is created readable
by other accounts on the machine, whatever the umask."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

FILE_MODE, FOLDER_MODE = 0o600, 0o700


def private_folder(path: str | Path) -> Path:
    """``path`` made 0700, created if needed with any missing parents (also 0700; parents
    that exist already keep their mode)."""
    path = Path(path)
    for folder in [*reversed(path.parents), path]:
        if not folder.exists():
            folder.mkdir(mode=FOLDER_MODE, exist_ok=True)
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is masked by the umask
    os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: str | Path) -> BinaryIO:
    """``path`` opened for writing (binary, truncated), created 0600 from the first byte."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.chmod(path, FILE_MODE)  # an existing file keeps its mode through os.open
    return os.fdopen(descriptor, "wb")


def make_private(*paths: str | Path) -> None:
    """Make each existing file in ``paths`` 0600 (missing ones are skipped)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, FILE_MODE)
