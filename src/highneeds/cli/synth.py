"""``highneeds synth``: write a synthetic LA's SEN2 returns as XML, Blade CSV or the DfE
Excel template."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Generate a synthetic local authority's SEN2 returns.")
from highneeds.cli.output import console  # noqa: E402 - one console that follows COLUMNS


@app.command()
def synth(
    out: Path = typer.Argument(..., help="Folder to write the returns into"),
    first_year: int = typer.Option(2019, help="First collection year"),
    last_year: int = typer.Option(2024, help="Last collection year"),
    children: int | None = typer.Option(
        None, help="Caseload of the last year (default: as Stockport)"
    ),
    seed: int = typer.Option(2024, help="Random seed (same seed, same LA)"),
    rate_20_weeks: float | None = typer.Option(
        None, help="Percent of new plans issued within 20 weeks (default: the real LA's rate)"
    ),
    inject: list[str] = typer.Option(
        [], help="Error kinds to inject (repeat); see docs/synthetic-la.md"
    ),
    fmt: str = typer.Option(
        "both", "--format", help="xml, csv, both (xml and csv) or xlsx (the DfE Excel template)"
    ),
) -> None:
    """Write one return per year: <out>/sen2-<year>.xml, <out>/csv-<year>/ or
    <out>/sen2-<year>.xlsx."""
    from highneeds.sen2.inject import ERROR_KINDS
    from highneeds.sen2.synth import SynthConfig, fictional_establishments, generate
    from highneeds.sen2.write import write_blade_csv, write_workbook, write_xml

    if fmt not in {"xml", "csv", "both", "xlsx"}:
        console.print(f"[red]unknown format {fmt!r}[/red]; choose xml, csv, both or xlsx")
        raise typer.Exit(2)
    unknown = [k for k in inject if k not in ERROR_KINDS]
    if unknown:
        console.print(
            f"[red]unknown error kind(s) {unknown}[/red]; choose from {', '.join(ERROR_KINDS)}"
        )
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    config = SynthConfig(
        first_year=first_year,
        last_year=last_year,
        seed=seed,
        children=children,
        rate_20_weeks=rate_20_weeks,
        inject=tuple(inject),
    )
    for ret in generate(config):
        if fmt in ("xml", "both"):
            write_xml(ret, out / f"sen2-{ret.year}.xml")
        if fmt in ("csv", "both"):
            write_blade_csv(ret, out / f"csv-{ret.year}")
        if fmt == "xlsx":
            write_workbook(ret, out / f"sen2-{ret.year}.xlsx")
        console.print(
            f"SEN2 {ret.year}: {len(ret['person'])} people, {len(ret['active_plan'])} active plans"
        )
    fictional_establishments().drop(columns="family").to_csv(
        out / "establishments.csv", index=False
    )
