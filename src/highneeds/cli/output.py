"""Presenting DataFrames on the terminal or as CSV / JSON, the same way for every command."""

from __future__ import annotations

import enum
import json
import math
import sys

import pandas as pd
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from highneeds.tables import TitledTable

console = Console()
errors = Console(stderr=True)


def print_table(table: Table) -> None:
    """Print a table without ever cutting a figure short.

    Rich shrinks a table that is wider than the terminal and ends cut cells with "…"; a
    figure such as £9.49m must never be shown as £9.4…. So the table is laid out at least as
    wide as it needs for no word to be cut (the terminal then wraps long lines, hiding nothing).
    """
    # The minimum width is where every cell may wrap between words but no word is cut.
    # (Rich's measure leaves headers a character short, hence the margin per column.)
    minimum = Measurement.get(console, console.options.update_width(400), table).minimum
    needed = minimum + len(table.columns)
    if needed <= console.width:
        console.print(table)
        return
    # Console.print never lays out wider than its console, so use a wider one for this table.
    wide = Console(
        width=min(needed, 400), force_terminal=console.is_terminal, no_color=console.no_color
    )
    wide.print(table)


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _cell(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        if value.is_integer() and decimals == 0:
            return f"{int(value):,}"
        return f"{value:,.{decimals}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def emit(
    frame: pd.DataFrame,
    fmt: Format = Format.table,
    *,
    title: str | None = None,
    decimals: dict[str, int] | None = None,
    index: bool = True,
) -> None:
    """Print ``frame`` as a rich table, CSV or JSON records (missing values as null/empty)."""
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=index)
        return
    if fmt is Format.json:
        data = frame.reset_index() if index else frame
        records = json.loads(data.to_json(orient="records", double_precision=6, date_format="iso"))
        console.print_json(json.dumps({"title": title, "rows": records}))
        return
    table = Table(title=title, title_justify="left", header_style="bold")
    columns = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right", overflow="fold")
    decimals = decimals or {}
    for key, row in frame.iterrows():
        cells = [str(key)] if index else []
        cells += [
            _cell(v, decimals.get(str(c), 1 if ("pct" in str(c) or "%" in str(c)) else 0))
            for c, v in row.items()
        ]
        table.add_row(*cells)
    print_table(table)


def fail(message: str, code: int = 1) -> None:
    """Print a user-facing error (no traceback) and exit with ``code``."""
    import typer

    errors.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def emit_titled(table: TitledTable, fmt: Format = Format.table) -> None:
    """Print a core titled table: on screen under the headings people read, with its notes
    below; as CSV or JSON with the code names scripts key on."""
    if fmt is not Format.table:
        emit(table.frame, fmt, title=table.title, index=False)
        return
    emit(table.labelled(), fmt, title=table.title, index=False)
    for note in table.notes:
        console.print(note, highlight=False)
