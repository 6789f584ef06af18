"""Presenting tables on the terminal, or as CSV / JSON, the same way for every command.

Every command that prints a table takes the same two options (:data:`FormatOption`,
:data:`OutOption`) and hands its tables to :class:`Tables`:

* ``table`` (the default) is for reading: columns in words, counts with thousands separators,
  rates and percentages to one decimal place, money as £, DfE symbols as the symbol, and a
  table too wide for the terminal split into parts that each fit (repeating the first column),
  so the terminal never wraps a line and cuts an LA's name in the middle of a word;
* ``csv`` and ``json`` are for other tools: full values, the command's word headers (a column
  it gives no words for keeps its code name, which scripts may key on), a DfE symbol where DfE
  published one. Several tables are stacked into one (a ``Table`` column says which);
* ``markdown`` is for a report: each table as a Markdown table under its title.

``--out FILE`` writes what would be shown to FILE; a file named ``.csv``, ``.json`` or ``.md``
is written in that format unless ``--format`` names another one than ``table``.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
import math
import numbers
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from highneeds.progress import Progress, no_progress
from highneeds.tables import TitledTable

console = Console()
errors = Console(stderr=True)
# rich fixes a console's width from COLUMNS when the console is made (here: whenever this
# module is first imported); ours follow the terminal and COLUMNS at each print instead.
console._width = errors._width = None


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


#: The format a file's name implies when the command is left at ``--format table``.
_FORMAT_OF_SUFFIX = {".csv": Format.csv, ".json": Format.json, ".md": Format.markdown}


#: The one definition of the options every table-printing command takes.
FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="table to read on screen; csv or json to use the figures in other tools "
        "(full values, not rounded); markdown for a report.",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Write the tables to this file instead of the screen (a .csv, .json or .md "
        "file in that format).",
        dir_okay=False,
        writable=True,
    ),
]

#: Shown in table mode where there is no figure and DfE published no symbol either.
MISSING = "–"


def money(value: float | None, *, digits: int = 0) -> str:
    """£ with thousands separators (£1.23m from a million up); a dash for a missing figure."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    sign = "−" if value < 0 else ""
    if abs(value) >= 1_000_000 and digits == 0:
        return f"{sign}£{abs(value) / 1_000_000:,.2f}m"
    return f"{sign}£{abs(value):,.{digits}f}"


def _is_year(column: str) -> bool:
    """A year (2022, a January census, an origin) reads without a thousands separator."""
    return column in ("year", "origin") or column.endswith(("_year", "_origin"))


def _is_rate(column: str) -> bool:
    """Rates and percentages read best to one decimal place; counts to none."""
    return any(key in column for key in ("pct", "%", "per_", "rate"))


def _cell(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return _signed(f"{int(value):,}")
    if isinstance(value, numbers.Real):
        value = float(value)
        if value.is_integer() and decimals == 0:
            return _signed(f"{int(value):,}")
        return _signed(f"{value:,.{decimals}f}")
    return str(value)


def _signed(text: str) -> str:
    """A true minus sign, as money() writes one (a hyphen reads as a dash in a table)."""
    return "−" + text[1:] if text.startswith("-") else text


def words(code: str) -> str:
    """A column code as a heading on screen when no label is given: ``ci_low`` reads "Ci low",
    never ``ci_low`` (a snake_case name is not for people)."""
    text = code.replace("_pct", " %").replace("_gbp", " (£)").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass
class Shown:
    """One titled table: rows × code-named columns, and how to show them to people."""

    frame: pd.DataFrame
    title: str | None = None
    #: Words for column codes (and for the index's name); a code without words is shown as is.
    labels: Mapping[str, str] = field(default_factory=dict)
    #: Words for column codes on screen only: csv and json keep these columns' code names.
    screen: Mapping[str, str] = field(default_factory=dict)
    #: Decimal places by column code (default: one for rates and percentages, none otherwise).
    decimals: Mapping[str, int] = field(default_factory=dict)
    #: Columns that are pounds (besides those whose code ends in ``_gbp``, which always are).
    money: Iterable[str] = ()
    #: The DfE symbol standing for each missing figure (same shape as ``frame``), or None.
    symbols: pd.DataFrame | None = None
    #: Columns of figures already written as text (e.g. "£5.61m [£5.40m–£5.80m]"): set right
    #: like numbers.
    right: Iterable[str] = ()
    #: Show the index as the first column.
    index: bool = True
    #: How an index value reads in table mode ("January 2024" for 2024).
    row_label: Callable[[object], str] = str

    def header(self, code) -> str:
        return self.labels.get(str(code)) or self.screen.get(str(code)) or words(str(code))

    def words(self) -> pd.DataFrame:
        """Full values with word headers, a DfE symbol where there is one (for csv / json)."""
        frame = self.frame.astype(object).where(self.frame.notna(), None)
        if self.symbols is not None:
            symbols = self.symbols.reindex_like(self.frame)
            frame = frame.where(symbols.isna(), symbols)
        if self.index:
            frame = frame.reset_index()
        # Scripts may key on code names: only the labels a command gives replace them here.
        return frame.rename(columns=lambda c: self.labels.get(str(c), str(c)))

    def rich(self) -> Table:
        """The table as people read it."""
        table = Table(title=self.title, title_justify="left", header_style="bold")
        if self.index:
            table.add_column(self.header(self.frame.index.name or ""), justify="left")
        for i, column in enumerate(self.frame.columns):
            numeric = pd.api.types.is_numeric_dtype(self.frame[column])
            text = (i == 0 and not self.index) or not (numeric or column in self.right)
            table.add_column(self.header(column), justify="left" if text else "right")
        money_columns = {str(c) for c in self.money} | {
            str(c) for c in self.frame.columns if str(c).endswith("_gbp")
        }
        symbols = self.symbols.reindex_like(self.frame) if self.symbols is not None else None
        for position, (key, row) in enumerate(self.frame.iterrows()):
            cells = [self.row_label(key)] if self.index else []
            for j, (column, value) in enumerate(row.items()):
                code = str(column)
                symbol = symbols.iat[position, j] if symbols is not None else None
                if isinstance(symbol, str) and (value is None or pd.isna(value)):
                    cells.append(symbol)
                elif code in money_columns:
                    cells.append(money(value, digits=self.decimals.get(code, 0)))
                elif _is_year(code) and isinstance(value, numbers.Real) and not pd.isna(value):
                    cells.append(str(int(value)))
                else:
                    cells.append(_cell(value, self.decimals.get(code, 1 if _is_rate(code) else 0)))
            table.add_row(*cells)
        return table


def _narrowest(column, whole: bool) -> int:
    """The fewest characters ``column`` can take without cutting a word (or, when ``whole``,
    without wrapping a cell at all)."""
    texts = [str(column.header), *(str(cell) for cell in column.cells)]
    if whole:
        return max(len(text) for text in texts)
    return max([1, *(len(word) for text in texts for word in text.split())])


def _width(minimums: list[int]) -> int:
    """Characters a table of columns this narrow takes: a space either side of each cell and a
    rule between and around the columns."""
    return sum(minimums) + 3 * len(minimums) + 1


def _fit(minimums: list[int], maximums: list[int], available: int) -> list[int]:
    """Column widths for a table that fits ``available`` characters where it can: each column as
    wide as its longest cell, the widest narrowed first, none below its minimum. (Rich narrows
    columns without regard to the words in them, so the widths are fixed here.)"""
    widths = list(maximums)
    excess = _width(widths) - available
    while excess > 0:
        slack = [(w - m, w) for w, m in zip(widths, minimums, strict=True)]
        i = max(range(len(widths)), key=lambda j: (slack[j][0] > 0, slack[j][1]))
        if slack[i][0] <= 0:
            break
        widths[i] -= 1
        excess -= 1
    return widths


def _part(table: Table, columns: list[int], minimums: list[int], out: Console, title) -> Table:
    """A table of some of ``table``'s columns, as wide as ``out`` allows, no word cut (the
    first column not wrapped at all when its minimum is its longest cell)."""
    maximums = [_narrowest(table.columns[i], whole=True) for i in columns]
    widths = _fit([minimums[i] for i in columns], maximums, out.width)
    part = Table(title=title, title_justify="left", header_style="bold")
    for i, width in zip(columns, widths, strict=True):
        column = table.columns[i]
        whole = i == 0 and minimums[0] >= maximums[0]
        part.add_column(column.header, justify=column.justify, no_wrap=whole, width=width)
    cells = [list(table.columns[i].cells) for i in columns]
    for row in zip(*cells, strict=True):
        part.add_row(*row)
    return part


def print_table(table: Table, out: Console | None = None) -> None:
    """Print a table without cutting a figure or a name short, or letting the terminal wrap it.

    Rich would shrink a table wider than the terminal and end cut cells with "…" (£9.49m shown
    as £9.4…), and a terminal wraps a longer line wherever it reaches the edge (cutting an LA's
    name mid-word). So no column is laid out narrower than its longest word, the first column
    (the row's name) is not wrapped if it can be helped, and a table too wide is split into parts
    that each fit, each repeating the first column; headers wrap between words.
    """
    out = out or console
    # The first column names the row (an LA, a year): kept on one line unless that would take
    # more than half the width, when it wraps between words like the others.
    first = table.columns[0] if table.columns else None
    whole = first is not None and _narrowest(first, whole=True) <= out.width // 2
    minimums = [_narrowest(c, whole=whole and i == 0) for i, c in enumerate(table.columns)]
    if first is not None and not whole:
        # A long row name wraps, but over a third of the width rather than word by word.
        minimums[0] = max(minimums[0], min(_narrowest(first, whole=True), out.width // 3))
    title = str(table.title) if table.title else None
    parts: list[list[int]] = []
    current: list[int] = []
    for i in range(1, len(table.columns)):
        trial = [minimums[0], *(minimums[j] for j in current), minimums[i]]
        if current and _width(trial) > out.width:
            parts.append(current)
            current = [i]
        else:
            current.append(i)
    parts.append(current)
    if len(table.columns) <= 1:
        parts = [[]]
    for n, columns in enumerate(parts, start=1):
        part_title = f"{title} (part {n} of {len(parts)})" if title and len(parts) > 1 else title
        out.print(_part(table, [0, *columns], minimums, out, part_title))


class Tables:
    """Collects a command's tables and notes, then shows them in the format asked for."""

    def __init__(self, fmt: Format = Format.table, out: Path | None = None):
        self.fmt = Format(fmt)
        if self.fmt is Format.table and out is not None:
            self.fmt = _FORMAT_OF_SUFFIX.get(out.suffix.lower(), Format.table)
        self.out = out
        self.shown: list[Shown] = []
        self.intros: list[str] = []
        self.notes: list[str] = []

    def intro(self, text: str) -> Tables:
        """A line above the tables (what they are about); with the notes in csv and json."""
        self.intros.append(text)
        return self

    def add(self, frame: pd.DataFrame, title: str | None = None, **how) -> Tables:
        """Add a table (see :class:`Shown` for ``how``: labels, decimals, money, symbols…)."""
        self.shown.append(Shown(frame, title, **how))
        return self

    def note(self, text: str) -> Tables:
        """A line under the tables (a caveat, the source); in csv it goes to the error stream."""
        if text:
            self.notes.append(text)
        return self

    def show(self) -> None:
        if self.fmt is Format.table:
            self._show_tables()
            return
        text = {Format.csv: self._csv, Format.json: self._json, Format.markdown: self._markdown}[
            self.fmt
        ]()
        if self.out is None:
            sys.stdout.write(text)
            if self.fmt is Format.csv:
                for note in [*self.intros, *self.notes]:
                    errors.print(f"Note: {note}", highlight=False)
        else:
            self._write(text)

    def _show_tables(self) -> None:
        buffer = io.StringIO() if self.out is not None else None
        out = (
            Console(file=buffer, width=console.width, no_color=True, force_terminal=False)
            if buffer is not None
            else console
        )
        for line in self.intros:
            out.print(line, highlight=False)
        for shown in self.shown:
            print_table(shown.rich(), out)
        for note in self.notes:
            out.print(note, style="dim", highlight=False)
        if buffer is not None:
            self._write(buffer.getvalue())

    def _write(self, text: str) -> None:
        try:
            self.out.write_text(text, encoding="utf-8")
        except OSError as error:
            fail(f"could not write {self.out}: {error.strerror or error}")
        console.print(f"Wrote {self.out}", highlight=False, soft_wrap=True)

    def _stacked(self) -> pd.DataFrame:
        """One table: each table's rows under a ``Table`` column naming it."""
        if len(self.shown) == 1:
            return self.shown[0].words()
        if not self.shown:
            return pd.DataFrame()
        frames = [s.words().assign(Table=s.title or "") for s in self.shown]
        stacked = pd.concat(frames, ignore_index=True)
        return stacked[["Table", *(c for c in stacked.columns if c != "Table")]]

    def _csv(self) -> str:
        return self._stacked().to_csv(index=False)

    def _markdown(self) -> str:
        """Each table under its title as a Markdown table of the figures as shown on screen."""
        parts = [*self.intros, ""] if self.intros else []
        for shown in self.shown:
            table = shown.rich()
            if shown.title:
                parts += [f"### {shown.title}", ""]
            headers = [str(column.header) for column in table.columns]
            parts.append("| " + " | ".join(headers) + " |")
            parts.append(
                "|"
                + "|".join("---:" if c.justify == "right" else "---" for c in table.columns)
                + "|"
            )
            for row in zip(*(column.cells for column in table.columns), strict=True):
                cells = (str(cell).replace("|", "\\|") for cell in row)
                parts.append("| " + " | ".join(cells) + " |")
            parts.append("")
        parts += [f"{note}  " for note in self.notes]
        return "\n".join(parts).rstrip() + "\n"

    def _json(self) -> str:
        def records(frame: pd.DataFrame) -> list[dict]:
            text = frame.to_json(orient="records", double_precision=15, date_format="iso")
            return json.loads(text)

        if len(self.shown) == 1:
            rows = records(self.shown[0].words())
        else:  # each row keeps only its own table's columns
            rows = [
                {"Table": shown.title or "", **row}
                for shown in self.shown
                for row in records(shown.words())
            ]
        title = self.shown[0].title if len(self.shown) == 1 else None
        notes = [*self.intros, *self.notes]
        return json.dumps({"title": title, "rows": rows, "notes": notes}, indent=2) + "\n"


def emit(
    frame: pd.DataFrame,
    fmt: Format = Format.table,
    *,
    title: str | None = None,
    out: Path | None = None,
    **how,
) -> None:
    """Show one table (:class:`Tables` with a single table)."""
    Tables(fmt, out).add(frame, title, **how).show()


def emit_text(text: str, out: Path | None = None) -> None:
    """A command's own text report (e.g. a Markdown summary it lays out itself): on the
    screen, or to ``out``."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    Tables(Format.markdown, out)._write(text)


def say(text: str, fmt: Format = Format.table, out: Path | None = None) -> None:
    """A line for people beside a command's tables (what it wrote, how long it took): on the
    screen, or on the error stream while the standard output carries csv, json or markdown."""
    to_screen = Format(fmt) is Format.table or out is not None
    (console if to_screen else errors).print(text, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> None:
    """Print a user-facing error (no traceback) and exit with ``code``."""
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


@contextlib.contextmanager
def progress_display() -> Iterator[Progress]:
    """A progress bar on stderr while long work runs; yields the callback the core calls
    (``highneeds.progress``).

    Drawn only when stderr is an interactive terminal: a pipe, a log file or a CI job gets
    nothing (a redrawn bar would fill a log with copies of itself). The bar is cleared when the
    work ends, so what the command prints afterwards reads as before. Stdout is untouched.
    """
    if not errors.is_interactive:
        yield no_progress
        return
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        # Counts formatted like every number on screen ("1,024 of 10,000"), not "1024/10000".
        TextColumn("{task.completed:,.0f} of {task.total:,.0f}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("Starting", total=1)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=max(total, 1))

        yield report
