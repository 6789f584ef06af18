"""``highneeds sen2``: validate and import SEN2 person-level returns; list and explain rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from highneeds.cli.output import (
    Format,
    FormatOption,
    OutOption,
    Tables,
    console,
)
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="SEN2 person-level returns: validate, import, rules, JSNA tables.", no_args_is_help=True
)
rules_app = typer.Typer(help="The validation rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

# Options validate and import share: the m1-m5 CSVs and pre-submission workbooks do not say
# their year or LA, so the analyst does.
Establishments = Annotated[
    Path | None, typer.Option(help="Establishments CSV: urn,name,gias_type_code")
]
Year = Annotated[
    int | None,
    typer.Option(
        help="Collection year (only for the m1-m5 CSVs and pre-submission workbooks, which do "
        "not say it)"
    ),
]
LaCode = Annotated[
    str | None,
    typer.Option(
        "--la", help="Three-digit LA code (only for the m1-m5 CSVs and pre-submission workbooks)"
    ),
]


def _establishments(path: Path | None):
    from highneeds.sen2.establishments import demo_establishments, read_establishments

    return read_establishments(path) if path else demo_establishments()


_ISSUE_LABELS = {
    "code": "Rule",
    "severity": "Severity",
    "module": "Module",
    "record": "Record",
    "row": "Row",
    "field": "Field",
    "child_id": "Child",
    "message": "What is wrong",
    "fields": "Fields read",
}


_ISSUE_COLUMNS = ["code", "severity", "module", "record", "row", "field", "child_id", "message"]


def _add_report(tables: Tables, report, title: str, limit: int = 50) -> None:
    """A return's issues: on screen the first ``limit``; in csv and json every one."""
    if tables.fmt is not Format.table:
        tables.add(report, title, index=False)
        return
    shown = report.head(limit)[_ISSUE_COLUMNS].astype(str).set_index("code")
    tables.add(shown, title, labels=_ISSUE_LABELS)
    if len(report) > limit:
        tables.note(f"{title}: … and {len(report) - limit} more (use --csv or --xlsx for all)")


@app.command()
def validate(
    files: list[Path] = typer.Argument(
        ..., help="An .xml return, the DfE Excel template (.xlsx), or the Blade CSV files / folder"
    ),
    establishments: Establishments = None,
    csv: Path | None = typer.Option(None, "--csv", help="Write the issue report as CSV"),
    xlsx: Path | None = typer.Option(None, "--xlsx", help="Write the issue report as XLSX"),
    year: Year = None,
    la: LaCode = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Check returns against their year's rules; exit code 1 if any error is found."""
    from highneeds.sen2.read import read_returns
    from highneeds.sen2.validate import has_errors, write_report
    from highneeds.sen2.validate import validate as run

    try:
        returns = read_returns(list(files), year=year, la_code=la)
        est = _establishments(establishments)
    except HighneedsError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    failed = False
    tables = Tables(fmt, out)
    for ret in returns:
        report = run(ret, est)
        errors = int((report["severity"] == "error").sum())
        title = f"{ret.file_name}: SEN2 {ret.year}, LA {ret.la_code}"
        tables.intro(f"{title}: {errors} errors, {len(report) - errors} warnings")
        if ret.header.get("unknown_elements"):
            names = ", ".join(ret.header["unknown_elements"])
            tables.intro(f"Elements not read (not in any SEN2 version known): {names}")
        if report.attrs.get("not_applicable"):
            codes = ", ".join(sorted(report.attrs["not_applicable"]))
            tables.intro(f"Rules not run (module not in this layout): {codes}")
        if len(report):
            _add_report(tables, report, title)
        for path in (csv, xlsx):
            if path:
                target = path if len(returns) == 1 else path.with_stem(f"{path.stem}-{ret.year}")
                write_report(report, target)
        failed |= has_errors(report)
    tables.show()
    raise typer.Exit(1 if failed else 0)


@app.command("import")
def import_(
    files: list[Path] = typer.Argument(
        ..., help="SEN2 returns (.xml, the DfE Excel template .xlsx, or Blade CSV files)"
    ),
    establishments: Establishments = None,
    year: Year = None,
    la: LaCode = None,
    replace: bool = typer.Option(
        False, "--replace", help="Replace a stored return of the same year without asking"
    ),
    accept_errors: bool = typer.Option(
        False, "--accept-errors", help="Import a return even though it has validation errors"
    ),
) -> None:
    """Pseudonymise and load returns into the store (needs HIGHNEEDS_SECRET).

    A return that would replace a stored year, or that has validation errors, is imported
    only when you confirm: at the prompt, or with --replace and --accept-errors. Exit code 0
    when imported, 1 when refused or declined, 2 when the files cannot be read.
    """
    from highneeds.importers.sen2 import ImportNeedsConfirmation, import_sen2
    from highneeds.store import open_store

    def run(replace: bool, accept_errors: bool):
        return import_sen2(
            list(files),
            open_store(),
            establishments=_establishments(establishments),
            year=year,
            la_code=la,
            replace=replace,
            accept_errors=accept_errors,
        )

    try:
        try:
            results = run(replace, accept_errors)
        except ImportNeedsConfirmation as asked:
            replace, accept_errors = _confirm(asked, replace, accept_errors)
            results = run(replace, accept_errors)
    except ImportNeedsConfirmation as refused:
        console.print(f"[red]not imported:[/red] {refused}{_flags_hint(refused)}")
        raise typer.Exit(1) from None
    except HighneedsError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    for r in results:
        state = "already imported" if r.result.already_imported else f"{r.result.rows} rows"
        console.print(
            f"SEN2 {r.year} LA {r.la_code}: {state}; {r.children} children with a plan; "
            f"{len(r.issues)} validation issues"
        )
        for reason in sorted(set(r.unavailable.values())):
            console.print(f"[yellow]not derived:[/yellow] {reason}")


def _confirm(asked, replace: bool, accept_errors: bool) -> tuple[bool, bool]:
    """Ask at the terminal what the flags did not say. Re-raises ``asked`` when nobody can be
    asked (not a terminal) or the answer is no."""
    if not _can_ask():
        raise asked
    for change in asked.changes:
        console.print(change.describe() + ".")
    if asked.needs_replace and not typer.confirm("Replace the stored return?", default=False):
        raise asked
    if asked.needs_accept_errors and not typer.confirm(
        "Import it with its validation errors?", default=False
    ):
        raise asked
    return True, True


def _can_ask() -> bool:
    """Whether a person is at the terminal to answer (not a script, cron job or pipe)."""
    import sys

    return sys.stdin.isatty()


def _flags_hint(refused) -> str:
    flags = [
        flag
        for flag, needed in (
            ("--replace", refused.needs_replace),
            ("--accept-errors", refused.needs_accept_errors),
        )
        if needed
    ]
    return f" Run the command again with {' '.join(flags)} to go ahead." if flags else ""


@rules_app.command("list")
def list_rules(
    year: int = typer.Option(2024, help="Collection year of the rule set"),
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Every rule of a year's set."""
    import pandas as pd

    from highneeds.sen2.rules import rules_for_year

    rules = pd.DataFrame(
        [
            {
                "code": rule.code,
                "severity": rule.severity,
                "fields": ", ".join(rule.fields),
                "message": rule.message,
            }
            for rule in rules_for_year(year)
        ]
    ).set_index("code")
    Tables(fmt, out).add(rules, f"SEN2 {year} validation rules", labels=_ISSUE_LABELS).show()


@rules_app.command("explain")
def explain(code: str) -> None:
    """What rule CODE checks, on which fields, in which years."""
    from highneeds.sen2.rules import load_rules

    rule = load_rules().get(code.upper())
    if rule is None:
        console.print(f"[red]no rule {code}[/red]; see `highneeds sen2 rules list`")
        raise typer.Exit(2)
    years = f"{rule.since}–{rule.until}" if rule.until else f"from {rule.since}"
    console.print(
        f"[bold]{rule.code}[/bold] ({rule.severity}, {years})\n{rule.message}\n"
        f"Fields: {', '.join(rule.fields)}"
    )
    if rule.doc:
        console.print(rule.doc)


@app.command()
def jsna(
    la: str = typer.Option(..., "--la", help="Three-digit LA code of the stored returns"),
    year: int = typer.Option(..., help="January census year of the tables"),
    out: Path = typer.Option(
        ...,
        help="File to write: .xlsx (a sheet per table and Notes) or .pdf (a tagged, accessible "
        "PDF to publish)",
    ),
    threshold: int = typer.Option(
        5, min=1, help="Smallest count published; counts from 1 to one below it show as c"
    ),
    exact: bool = typer.Option(
        False, "--exact", help="Exact figures, nothing suppressed: for use inside the LA only"
    ),
    csv: Path | None = typer.Option(None, "--csv", help="Also write one CSV per table here"),
) -> None:
    """Tables for a SEND JSNA from the LA's stored SEN2 returns, small numbers suppressed."""
    from highneeds.analysis.jsna_export import pdf_bytes, stored_jsna, write_csvs, write_workbook
    from highneeds.store import open_store

    try:
        tables, sources = stored_jsna(open_store(), la, year, threshold)
    except HighneedsError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if out.suffix.lower() == ".pdf":
        out.write_bytes(pdf_bytes(tables, sources, exact=exact))
    else:
        write_workbook(tables, sources, out, exact=exact)
    written = [out, *(write_csvs(tables, csv, exact=exact) if csv else [])]
    what = "exact figures — not for publication" if exact else f"suppressed below {threshold}"
    console.print(f"JSNA tables for LA {la}, January {year} ({what}): {len(tables.exact)} tables")
    for note in tables.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    for path in written:
        console.print(f"wrote {path}")
