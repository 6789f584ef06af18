"""The responses table the analysis reads: one row per response, as the collection app exports it.

Columns
-------
response_id      text, unique
version          'standard' | 'easy_read' | 'young_person'
respondent_type  'parent_carer' | 'young_person' | 'school_staff' | 'health_care_professional'
                 | 'voluntary_org' | 'other'
source           'online' | 'paper' | 'email' | 'event'
P__agree         for each proposal P: one of AGREEMENT_SCALE, 'dont_know', or empty (not answered)
P__why           for each proposal P: free text, or empty

The web app (highneeds.web) imports these lists from here, so collection and analysis share one
spelling of every code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from highneeds.errors import InputFileError, UnknownLabelError

AGREEMENT_SCALE: tuple[str, ...] = (
    "strongly_agree",
    "agree",
    "neither",
    "disagree",
    "strongly_disagree",
)
DONT_KNOW = "dont_know"
NOT_ANSWERED = "not_answered"
AGREEMENT_ANSWERS: tuple[str, ...] = (*AGREEMENT_SCALE, DONT_KNOW)

AGREEMENT_LABELS: dict[str, str] = {
    "strongly_agree": "Strongly agree",
    "agree": "Agree",
    "neither": "Neither agree nor disagree",
    "disagree": "Disagree",
    "strongly_disagree": "Strongly disagree",
    DONT_KNOW: "Don't know",
    NOT_ANSWERED: "Not answered",
}

VERSIONS: dict[str, str] = {
    "standard": "Standard",
    "easy_read": "Easy read",
    "young_person": "Young person",
}
RESPONDENT_TYPES: dict[str, str] = {
    "parent_carer": "Parent or carer",
    "young_person": "Child or young person",
    "school_staff": "School or college staff",
    "health_care_professional": "Health or care professional",
    "voluntary_org": "Voluntary or community organisation",
    "other": "Other",
}
SOURCES: dict[str, str] = {
    "online": "Online",
    "paper": "Paper",
    "email": "Email",
    "event": "Event",
}

# Stance comes from the respondent's own agreement answer, never from the text.
SUPPORT = "support"
OPPOSE = "oppose"
NEUTRAL = "neutral"
STANCE_OF_ANSWER: dict[str, str] = {
    "strongly_agree": SUPPORT,
    "agree": SUPPORT,
    "neither": NEUTRAL,
    "disagree": OPPOSE,
    "strongly_disagree": OPPOSE,
    DONT_KNOW: NEUTRAL,
    NOT_ANSWERED: NEUTRAL,
}
STANCES: tuple[str, ...] = (SUPPORT, OPPOSE, NEUTRAL)

AGREE_SUFFIX = "__agree"
WHY_SUFFIX = "__why"
GROUPINGS: dict[str, dict[str, str]] = {
    "respondent_type": RESPONDENT_TYPES,
    "version": VERSIONS,
    "source": SOURCES,
}


@dataclass(frozen=True)
class ResponsesSchema:
    """The fixed columns and the proposals found in a responses table."""

    proposals: tuple[str, ...]

    @property
    def agree_columns(self) -> list[str]:
        return [agree_column(p) for p in self.proposals]

    @property
    def why_columns(self) -> list[str]:
        return [why_column(p) for p in self.proposals]


FIXED_COLUMNS: dict[str, dict[str, str] | None] = {
    "response_id": None,
    "version": VERSIONS,
    "respondent_type": RESPONDENT_TYPES,
    "source": SOURCES,
}


def agree_column(proposal: str) -> str:
    return f"{proposal}{AGREE_SUFFIX}"


def why_column(proposal: str) -> str:
    return f"{proposal}{WHY_SUFFIX}"


def proposals_in(responses: pd.DataFrame) -> tuple[str, ...]:
    """Proposal codes in column order, found from the ``P__agree`` / ``P__why`` columns."""
    seen: dict[str, None] = {}
    for column in responses.columns:
        for suffix in (AGREE_SUFFIX, WHY_SUFFIX):
            if str(column).endswith(suffix):
                seen[str(column)[: -len(suffix)]] = None
    return tuple(seen)


def _is_blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and pd.isna(value))
        or (isinstance(value, str) and not value.strip())
        or value is pd.NA
    )


def validate_responses(responses: pd.DataFrame, *, file: str | None = None) -> ResponsesSchema:
    """Check a responses table against the contract and return the proposals it holds.

    Raises InputFileError (missing column, duplicate or empty id) or UnknownLabelError (a code
    outside the lists above), naming the spreadsheet row (header is row 1) and column.
    Nothing is dropped or recoded: a bad row stops the analysis so it can be fixed at source.
    """
    for column in FIXED_COLUMNS:
        if column not in responses.columns:
            raise InputFileError(
                f"the responses table has no {column!r} column",
                file=file,
                column=column,
                hint="export the responses from the consultation again; columns: "
                + ", ".join(FIXED_COLUMNS),
            )
    proposals = proposals_in(responses)
    if not proposals:
        raise InputFileError(
            "no proposal columns found (expected names like 'P1__agree' and 'P1__why')",
            file=file,
        )
    ids = responses["response_id"]
    for position, value in enumerate(ids):
        if _is_blank(value):
            raise InputFileError(
                "response_id is empty", file=file, row=position + 2, column="response_id"
            )
    duplicated = ids.astype(str).duplicated()
    if duplicated.any():
        position = int(duplicated.to_numpy().nonzero()[0][0])
        raise InputFileError(
            f"response_id {ids.iloc[position]!r} appears more than once",
            file=file,
            row=position + 2,
            column="response_id",
            hint="each response must have its own id; review likely duplicates in the app",
        )
    checks: dict[str, tuple[str, ...]] = {
        column: tuple(codes) for column, codes in FIXED_COLUMNS.items() if codes is not None
    }
    for proposal in proposals:
        if agree_column(proposal) in responses.columns:
            checks[agree_column(proposal)] = AGREEMENT_ANSWERS
    for column, known in checks.items():
        required = column in FIXED_COLUMNS
        for position, value in enumerate(responses[column]):
            if _is_blank(value):
                if required:
                    raise InputFileError(
                        f"{column} is empty",
                        file=file,
                        row=position + 2,
                        column=column,
                        hint="every response needs one",
                    )
                continue
            if value not in known:
                raise UnknownLabelError(
                    str(value),
                    column,
                    file=file,
                    row=position + 2,
                    column=column,
                    known=list(known),
                )
    return ResponsesSchema(proposals=proposals)


def agreement_answers(responses: pd.DataFrame, proposal: str) -> pd.Series:
    """The agreement answers for one proposal with blanks spelled NOT_ANSWERED (index kept)."""
    column = agree_column(proposal)
    values = responses[column].astype(object)
    return values.map(lambda v: NOT_ANSWERED if _is_blank(v) else v)


def stance_of(responses: pd.DataFrame, proposal: str) -> pd.Series:
    """Each respondent's stance on a proposal from their own agreement answer."""
    return agreement_answers(responses, proposal).map(STANCE_OF_ANSWER)


def free_text(responses: pd.DataFrame, proposal: str) -> pd.Series:
    """Non-empty 'tell us why' answers for a proposal, indexed by response_id."""
    column = why_column(proposal)
    texts = responses.set_index("response_id")[column]
    keep = ~texts.map(_is_blank)
    return texts[keep].astype(str)
