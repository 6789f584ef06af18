"""Any survey export in and out: answers from named columns, assignments one row per theme.

Survey tools (SmartSurvey, Citizen Space, Microsoft Forms, Pol.is…) export CSV or XLSX with
their own column names. ``read_survey`` opens the file (CSV in UTF-8 or Windows-1252, as Excel
saves it), ``survey_answers`` picks the id, free-text and optional group and agreement columns
the user names, and ``assignments_table`` writes what the analysis found as one row per answer
and theme: ``id, theme_id, theme_label, assigned_by, confidence``. Every problem is an
InputFileError naming the file and column, never a traceback.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError

ASSIGNMENT_COLUMNS = ("id", "theme_id", "theme_label", "assigned_by", "confidence")
PERSON = "person"
MACHINE = "machine"
MACHINE_CODER = MACHINE  # the same word, for modules whose MACHINE is a decision's origin

# Excel on Windows saves "CSV" in the system code page; reading it as such beats refusing it.
ENCODINGS = ("utf-8-sig", "cp1252")


def _decode(data: bytes, file: str) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputFileError(
        "the file is neither UTF-8 nor Windows-1252 text",
        file=file,
        hint="save it from the survey tool or Excel as 'CSV UTF-8'",
    )


def read_survey(path: str | Path, *, name: str | None = None) -> pd.DataFrame:
    """Every column of a CSV or XLSX export as text (blank cells empty strings)."""
    path = Path(path)
    file = name or path.name
    if not path.is_file():
        raise InputFileError("file not found", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        from highneeds.readers.excel import read_excel

        try:
            frame = read_excel(path, dtype=str)
        except ValueError as error:
            raise InputFileError(f"not a readable workbook ({error})", file=file) from None
        frame = frame.fillna("")
    else:
        text = _decode(path.read_bytes(), file)
        if not text.strip():
            raise InputFileError("the file is empty", file=file, hint="export the answers again")
        try:
            dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
            separator = dialect.delimiter
        except csv.Error:
            separator = ","
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise InputFileError(f"not a readable CSV file ({error})", file=file) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise InputFileError("the file has a header but no answers", file=file)
    return frame


@dataclass(frozen=True)
class SurveyColumns:
    """Which columns of an export hold what. Only ``text`` is required."""

    text: str
    id: str | None = None
    group: str | None = None
    agreement: str | None = None

    def named(self) -> dict[str, str]:
        return {
            role: column
            for role, column in (
                ("id", self.id),
                ("text", self.text),
                ("group", self.group),
                ("agreement", self.agreement),
            )
            if column
        }


def _check_column(frame: pd.DataFrame, column: str, role: str, file: str | None) -> None:
    if column in frame.columns:
        return
    close = difflib.get_close_matches(column, list(frame.columns), n=3, cutoff=0.5)
    hint = (
        f"did you mean {', '.join(repr(c) for c in close)}?"
        if close
        else "columns: " + ", ".join(repr(c) for c in list(frame.columns)[:12])
    )
    raise InputFileError(f"there is no {role} column {column!r}", file=file, hint=hint)


def survey_answers(
    frame: pd.DataFrame, columns: SurveyColumns, *, file: str | None = None
) -> pd.DataFrame:
    """The answers with text, one row each: columns id, text (and group, agreement if named).

    Ids are the id column's values (each must be present and unique) or, without one, the
    spreadsheet row number (the header is row 1). Blank answers are left out.
    """
    for role, column in columns.named().items():
        _check_column(frame, column, role, file)
    if columns.id:
        ids = frame[columns.id].astype(str).str.strip()
        blank = ids == ""
        if blank.any():
            row = int(blank.to_numpy().nonzero()[0][0]) + 2
            raise InputFileError("the id is empty", file=file, row=row, column=columns.id)
        duplicated = ids.duplicated()
        if duplicated.any():
            position = int(duplicated.to_numpy().nonzero()[0][0])
            raise InputFileError(
                f"id {ids.iloc[position]!r} appears more than once",
                file=file,
                row=position + 2,
                column=columns.id,
                hint="choose a column that identifies each response",
            )
    else:
        ids = pd.Series([str(i + 2) for i in range(len(frame))], index=frame.index)
    answers = pd.DataFrame({"id": ids.to_numpy(), "text": frame[columns.text].astype(str)})
    for role in ("group", "agreement"):
        column = getattr(columns, role)
        if column:
            answers[role] = frame[column].astype(str).str.strip().to_numpy()
    answers["text"] = answers["text"].str.strip()
    answers = answers[answers["text"] != ""].reset_index(drop=True)
    if answers.empty:
        raise InputFileError(
            f"column {columns.text!r} holds no answers", file=file, column=columns.text
        )
    return answers


def stance_of_label(label: str) -> str:
    """support, oppose or neutral from an agreement answer as a survey tool words it."""
    words = label.strip().lower().replace("_", " ").replace("-", " ")
    if not words or "neither" in words:
        return "neutral"
    if "disagree" in words or words in ("no", "oppose", "against"):
        return "oppose"
    if "agree" in words:
        return "support"
    if words in ("yes", "support", "for"):
        return "support"
    return "neutral"


def read_hand_codes(path: str | Path, theme_ids: list[str]) -> dict[str, set[str]]:
    """``id,theme_id`` rows (answers a person coded) as id -> theme ids."""
    frame = read_survey(path)
    file = Path(path).name
    for column in ("id", "theme_id"):
        _check_column(frame, column, "hand-coding", file)
    coded: dict[str, set[str]] = {}
    known = set(theme_ids)
    for position, row in enumerate(frame[["id", "theme_id"]].itertuples(index=False)):
        answer, theme = str(row.id).strip(), str(row.theme_id).strip()
        if not answer:
            raise InputFileError("the id is empty", file=file, row=position + 2, column="id")
        coded.setdefault(answer, set())
        if not theme:  # a person looked and found no theme
            continue
        if theme not in known:
            raise InputFileError(
                f"theme {theme!r} is not in the codebook",
                file=file,
                row=position + 2,
                column="theme_id",
            )
        coded[answer].add(theme)
    return coded


def assignments_table(
    labels: Mapping[str, set[str]],
    theme_labels: Mapping[str, str],
    *,
    confidence: pd.DataFrame | None = None,
    by_person: Mapping[str, set[str]] | None = None,
) -> pd.DataFrame:
    """One row per answer and theme: id, theme_id, theme_label, assigned_by, confidence.

    ``by_person`` answers are written as the person coded them (confidence 1); the rest as the
    machine proposed, with ``confidence`` (0-1) read from the frame (answers × themes) if given.
    """
    rows = []
    by_person = by_person or {}
    for answer, themes in labels.items():
        person = answer in by_person
        for theme in sorted(by_person[answer] if person else themes):
            if person:
                sure = 1.0
            elif confidence is not None:
                sure = float(confidence.at[answer, theme])
            else:
                sure = float("nan")
            rows.append(
                (answer, theme, theme_labels.get(theme, theme), PERSON if person else MACHINE, sure)
            )
    table = pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))
    table["confidence"] = table["confidence"].round(3)
    return table


def _plain(label: str) -> str:
    return " ".join(label.strip().lower().replace("_", " ").replace("-", " ").split())


def _code_of(label: str, words: Mapping[str, str]) -> str | None:
    """The code whose code or words read as ``label`` (case and '_' aside), else None."""
    wanted = _plain(label)
    for code, text in words.items():
        if wanted in (_plain(code), _plain(text)):
            return code
    return None


def agreement_code(label: str) -> str:
    """An agreement answer as a survey tool words it, as the analysis's code ('' if blank).

    The five-point scale's own words are recognised ("Strongly agree", "neither_agree…");
    anything else goes by its stance: agree, disagree or neither."""
    from highneeds.consult.analysis.schema import AGREEMENT_LABELS, NOT_ANSWERED

    if not label.strip():
        return ""
    code = _code_of(label, AGREEMENT_LABELS)
    if code and code != NOT_ANSWERED:
        return code
    return {"support": "agree", "oppose": "disagree"}.get(stance_of_label(label), "neither")


def respondent_type_code(label: str) -> str:
    """A group ("Parent or carer", "parent_carer") as a respondent type; 'other' if unknown."""
    from highneeds.consult.analysis.schema import RESPONDENT_TYPES

    return _code_of(label, RESPONDENT_TYPES) or "other"


def responses_from_survey(answers: pd.DataFrame, question: str) -> pd.DataFrame:
    """``survey_answers`` as a responses table answering ``question`` (the analysis's layout:
    response_id, version, respondent_type, source, question__agree, question__why).

    A group column's values become respondent types where they name one (else 'other'); an
    agreement column's become agreement codes. Without them: 'other' and not answered."""
    from highneeds.consult.analysis.schema import agree_column, why_column

    group = answers["group"] if "group" in answers else pd.Series("", index=answers.index)
    agreement = (
        answers["agreement"] if "agreement" in answers else pd.Series("", index=answers.index)
    )
    return pd.DataFrame(
        {
            "response_id": answers["id"].to_numpy(),
            "version": "standard",
            "respondent_type": group.map(respondent_type_code).to_numpy(),
            "source": "online",
            agree_column(question): agreement.map(agreement_code).to_numpy(),
            why_column(question): answers["text"].to_numpy(),
        }
    )
