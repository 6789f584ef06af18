"""``highneeds consult …``: analyse consultation responses exported by the collection app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from highneeds.cli.output import Format, FormatOption, OutOption, Tables, console, fail
from highneeds.errors import HighneedsError

app = typer.Typer(
    help="Consultation analysis: agreement by group, themes in free text, and evaluation.",
    no_args_is_help=True,
)


def _read_responses(path: Path):

    from highneeds.consult.analysis.schema import validate_responses
    from highneeds.errors import InputFileError
    from highneeds.readers.excel import read_workbook_table
    from highneeds.readers.text import read_text_csv

    if not path.exists():
        raise InputFileError("file not found", file=str(path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = read_workbook_table(path, dtype=str)
    else:
        frame = read_text_csv(path, dtype=str, keep_default_na=False).replace("", None)
    for column in frame.columns:
        if str(column).endswith("__why"):
            frame[column] = frame[column].fillna("")
    validate_responses(frame, file=str(path))
    return frame


@app.command()
def evaluate(
    data: Annotated[
        Path | None,
        typer.Option(
            help="Folder with responses.csv, coding.csv, codebook.csv (default: shipped)."
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="all, discovery or codebook.")] = "all",
    seeds: Annotated[int, typer.Option(help="Seeds for discovery stability.")] = 5,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the F1 interval.")] = 1000,
    keyword_weight: Annotated[
        float, typer.Option(help="Weight of codebook keyword rules (0 switches them off).")
    ] = 1.0,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Score machine coding against human coding: F1 (95% bootstrap interval), exact match,
    overlap rate, and theme-count stability across seeds."""
    from highneeds.consult.analysis.evaluate import (
        evaluate_codebook,
        evaluate_discovery,
        load_labelled_set,
    )

    if mode not in ("all", "discovery", "codebook"):
        fail(f"--mode must be all, discovery or codebook, not {mode!r}")
    try:
        labelled = load_labelled_set(data)
        frames, stability = [], None
        if mode in ("all", "discovery"):
            found = evaluate_discovery(labelled, seeds=tuple(range(seeds)), bootstrap=bootstrap)
            frames.append(found.results)
            stability = found.stability
        if mode in ("all", "codebook"):
            frames.append(
                evaluate_codebook(
                    labelled,
                    bootstrap=bootstrap,
                    classifier_params={"keyword_weight": keyword_weight},
                ).results
            )
    except HighneedsError as error:
        fail(str(error))
    import pandas as pd

    results = pd.concat(frames, ignore_index=True)
    results["setting"] = results["mode"] + ": " + results["setting"]
    results = results.drop(columns=["mode", "bootstrap"]).set_index("setting")
    decimals = {c: 3 for c in ("f1", "f1_low", "f1_high", "exact_match", "overlap_rate")}
    tables = Tables(fmt, out)
    tables.add(
        results,
        "Machine coding against human coding",
        decimals=decimals,
        labels={"setting": "Setting", "f1": "F1", "f1_low": "F1 95% low", "f1_high": "F1 95% high"},
    )
    if stability is not None:
        summary = stability.groupby("question").agg(
            themes_min=("themes", "min"),
            themes_max=("themes", "max"),
            f1_min=("f1", "min"),
            f1_max=("f1", "max"),
            assignment_agreement=("assignment_agreement", "mean"),
        )
        tables.add(
            summary,
            f"Discovery across {seeds} seeds",
            decimals={"f1_min": 3, "f1_max": 3, "assignment_agreement": 3},
            labels={"f1_min": "F1 lowest", "f1_max": "F1 highest"},
        )
    tables.show()


@app.command()
def agreement(
    responses: Annotated[Path, typer.Argument(help="Responses export (CSV or XLSX).")],
    by: Annotated[
        str | None, typer.Option(help="respondent_type, version or source (default: everyone).")
    ] = None,
    publish: Annotated[
        bool, typer.Option(help="Suppressed table fit to publish (needs --by).")
    ] = False,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Agreement with each proposal: counts, percentages and Wilson 95% intervals."""
    from highneeds.consult.analysis.agreement import agreement_table, publication_table
    from highneeds.consult.analysis.schema import GROUPINGS, proposals_in

    if by is not None and by not in GROUPINGS:
        fail(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    try:
        frame = _read_responses(responses)
    except HighneedsError as error:
        fail(str(error))
    if publish:
        if by is None:
            fail("--publish needs --by (a table of groups)")
        tables = Tables(fmt, out)
        for proposal in proposals_in(frame):
            tables.add(publication_table(frame, proposal, by), f"{proposal} (c = fewer than 5)")
        tables.show()
        return
    table = agreement_table(frame, by=by)
    Tables(fmt, out).add(
        table.drop(columns="group_by").set_index("proposal"),
        "Agreement",
        decimals={"percent": 1, "ci_low": 1, "ci_high": 1},
        labels={"ci_low": "95% interval from", "ci_high": "95% interval to", "percent": "%"},
    ).show()


@app.command()
def themes(
    responses: Annotated[Path, typer.Argument(help="Responses export (CSV or XLSX).")],
    question: Annotated[str, typer.Option(help="Proposal code, e.g. P1.")],
    n_themes: Annotated[str, typer.Option(help="A number, or auto.")] = "auto",
    seed: Annotated[int, typer.Option()] = 0,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Candidate themes in one question's free text (offline TF-IDF + NMF), with stance."""
    from highneeds.consult.analysis.schema import free_text
    from highneeds.consult.analysis.themes import ThemeFinder, themes_by_stance

    try:
        frame = _read_responses(responses)
        count = n_themes if n_themes == "auto" else int(n_themes)
        finder = ThemeFinder(n_themes=count, seed=seed).fit(free_text(frame, question))
    except (HighneedsError, ValueError) as error:
        fail(str(error))
    stance = themes_by_stance(finder.assignments_, frame, question).set_index("theme_id")
    table = finder.themes_frame().set_index("theme_id")[["label", "responses"]].join(stance)
    Tables(fmt, out).add(table, f"Themes in answers to {question}").show()
    if fmt is Format.table and out is None:
        for theme in finder.themes_:
            console.print(f"[bold]{theme.theme_id} {theme.label}[/]: {theme.description}")
            for quote in theme.quotes:
                console.print(f"  “{quote.text}”", highlight=False)


@app.command()
def report(
    responses: Annotated[Path, typer.Argument(help="Responses export (CSV or XLSX).")],
    out: Annotated[Path, typer.Option(help="report.pdf, report.html or report.docx.")],
    we_did: Annotated[
        Path | None,
        typer.Option(help="The council's titles and 'we did' text (YAML, JSON or TOML)."),
    ] = None,
    codebook: Annotated[
        Path | None,
        typer.Option(help="Code free text against this codebook instead of discovering themes."),
    ] = None,
    quotes: Annotated[
        Path | None,
        typer.Option(
            help="The moderated export (CSV with moderated free text only): the only wording "
            "the report quotes. Without it the report quotes no one."
        ),
    ] = None,
    threshold: Annotated[int, typer.Option(help="Counts below this are published as c.")] = 5,
    seed: Annotated[int, typer.Option()] = 0,
) -> None:
    """The outcome report: methods, who responded, agreement with intervals (small counts
    suppressed), themes with quotes by stance and group, and 'we asked, you said, we did'."""
    from highneeds.consult.analysis.coding import codebook_theme_sets
    from highneeds.consult.report import build_report, read_we_did, render

    file_format = out.suffix.lower().lstrip(".")
    if file_format not in ("pdf", "html", "docx"):
        fail(f"--out must end in .pdf, .html or .docx, not {out.name!r}")
    try:
        frame = _read_responses(responses)
        outcome = read_we_did(we_did) if we_did else None
        theme_sets, method = None, None
        if codebook is not None:
            theme_sets, method = codebook_theme_sets(frame, codebook)
        built = build_report(
            frame,
            we_did=outcome,
            theme_sets=theme_sets,
            quotable=_read_responses(quotes) if quotes is not None else None,
            source=responses.name,
            source_bytes=responses.read_bytes(),
            threshold=threshold,
            seed=seed,
            theme_method=method,
        )
        body = render(built, file_format)
    except HighneedsError as error:
        fail(str(error))
    out.write_bytes(body)
    console.print(
        f"Wrote {out} ({len(body):,} bytes) from {built.provenance['responses']:,} responses, "
        f"export SHA-256 {built.provenance['file_sha256'][:12]}"
    )
