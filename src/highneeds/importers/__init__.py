"""Importers load what readers return into the store, atomically, idempotently, with provenance."""

from highneeds.errors import InputFileError


class UnrecognisedFileError(InputFileError):
    """The file is none of the kinds highneeds imports (as opposed to a file of a known kind
    with a problem inside it). Nothing was imported."""
