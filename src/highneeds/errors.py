"""Errors that reach users.

Every error names what was wrong and where (file, row, column or form field) in the user's
terms, and says what to do. Shells print ``str(error)``; they never show a traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass


class HighneedsError(Exception):
    """Base class for errors a user can act on."""


@dataclass(frozen=True)
class Location:
    """Where in an input a problem sits. Rows are 1-based as a spreadsheet shows them."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts) or "input"


class InputFileError(HighneedsError):
    """An input file cannot be read as what it claims to be. Nothing was imported."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
        hint: str | None = None,
    ):
        self.location = Location(file=file, row=row, column=column, sheet=sheet)
        self.message = message
        self.hint = hint
        text = f"{self.location}: {message}"
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class UnknownLabelError(InputFileError):
    """A label in a source file has no entry in the vocabulary. Never silently dropped."""

    def __init__(
        self,
        label: str,
        kind: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        known: list[str] | None = None,
    ):
        self.label = label
        self.kind = kind
        hint = None
        if known:
            import difflib

            close = difflib.get_close_matches(label, known, n=3, cutoff=0.6)
            if close:
                hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
        super().__init__(
            f"unknown {kind} label {label!r}",
            file=file,
            row=row,
            column=column,
            hint=hint or "add it to highneeds.vocabulary if it is a new published label",
        )


class NotFoundError(HighneedsError):
    """A named thing (LA, scenario, consultation) does not exist."""


class ModelInputError(HighneedsError):
    """Data given to a model is inconsistent (unknown state, missing year, missing cost…)."""


class StoreError(HighneedsError):
    """The database refused a write; the transaction was rolled back and nothing changed."""
