"""The transitions contract: one row per child per January-to-January year.

Other parts of highneeds (the SEN2 importer, the witan.send reader) produce this table; the
forecasting models consume it. Needs and settings are plain string labels, so the models work
with vocabulary codes from real data and with synthetic labels alike.

=============  ==============================================================================
column         meaning
=============  ==============================================================================
year           January census year of the FROM state (int); the TO state is in ``year + 1``
child_id       pseudonymous child identifier (str, optional; never a name or UPN)
ncy_from       national curriculum year in ``year`` (int)
need_from      primary need label in ``year``; missing for a joiner (not on a plan then)
setting_from   setting label in ``year``; missing for a joiner
ncy_to         national curriculum year in ``year + 1``; always ``ncy_from + 1``
need_to        primary need label in ``year + 1``; missing for a leaver (plan ceased)
setting_to     setting label in ``year + 1``; missing for a leaver
=============  ==============================================================================
"""

from __future__ import annotations

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.vocabulary import NCY_MAX, NCY_MIN

YEAR = "year"
CHILD_ID = "child_id"
NCY_FROM = "ncy_from"
NEED_FROM = "need_from"
SETTING_FROM = "setting_from"
NCY_TO = "ncy_to"
NEED_TO = "need_to"
SETTING_TO = "setting_to"

#: Required columns in order; ``child_id`` is optional.
COLUMNS: tuple[str, ...] = (
    YEAR,
    NCY_FROM,
    NEED_FROM,
    SETTING_FROM,
    NCY_TO,
    NEED_TO,
    SETTING_TO,
)
LABEL_COLUMNS: tuple[str, ...] = (NEED_FROM, SETTING_FROM, NEED_TO, SETTING_TO)


def _row(index_position: int) -> int:
    """Spreadsheet-style row number of a data row (header is row 1)."""
    return index_position + 2


def _fail(message: str, source: str, position: int | None, column: str | None) -> None:
    where = source
    if position is not None:
        where += f", row {_row(position)}"
    if column:
        where += f", column {column!r}"
    raise ModelInputError(f"{where}: {message}")


def validate_transitions(frame: pd.DataFrame, *, source: str = "transitions") -> pd.DataFrame:
    """Check ``frame`` against the contract and return a clean copy.

    The copy has integer ``year``/``ncy_*`` columns and labels as ``str`` with ``None`` for
    missing. Raises :class:`ModelInputError` naming the row and column of the first problem:
    a missing column, a non-integer year or NCY, ``ncy_to != ncy_from + 1``, an NCY outside
    the range a plan can cover, a half-missing state, or a row that is neither on a plan
    before nor after (which would carry no information and usually means a mapping bug).
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ModelInputError(
            f"{source}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    out = pd.DataFrame(index=range(len(frame)))
    for column in (YEAR, NCY_FROM, NCY_TO):
        values = pd.to_numeric(frame[column].reset_index(drop=True), errors="coerce")
        bad = values.isna() | (values != values.round())
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            _fail(f"{frame[column].iloc[pos]!r} is not a whole number", source, pos, column)
        out[column] = values.astype("int64")
    for column in LABEL_COLUMNS:
        values = frame[column].reset_index(drop=True)
        cleaned = [None if pd.isna(v) or str(v).strip() == "" else str(v).strip() for v in values]
        out[column] = pd.Series(cleaned, dtype=object)
    if CHILD_ID in frame.columns:
        out[CHILD_ID] = frame[CHILD_ID].reset_index(drop=True).astype("string")

    step = out[NCY_TO] - out[NCY_FROM]
    if (step != 1).any():
        pos = int((step != 1).to_numpy().nonzero()[0][0])
        _fail(
            f"ncy_to ({out[NCY_TO].iloc[pos]}) must be ncy_from + 1 "
            f"({out[NCY_FROM].iloc[pos] + 1}): one row is one year",
            source,
            pos,
            NCY_TO,
        )
    for a, b in ((NEED_FROM, SETTING_FROM), (NEED_TO, SETTING_TO)):
        half = out[a].isna() != out[b].isna()
        if half.any():
            pos = int(half.to_numpy().nonzero()[0][0])
            _fail(f"{a} and {b} must both be given or both be missing", source, pos, a)
    on_before = out[SETTING_FROM].notna()
    on_after = out[SETTING_TO].notna()
    neither = ~on_before & ~on_after
    if neither.any():
        pos = int(neither.to_numpy().nonzero()[0][0])
        _fail(
            "the child is on a plan neither before nor after; drop the row or fill the state",
            source,
            pos,
            SETTING_FROM,
        )
    # A held state must lie in the plan age range; a joiner's "from" NCY and a leaver's "to"
    # NCY are one step outside it at most (a child leaving from NCY 20 is 'in' NCY 21 next).
    for column, held, low, high in (
        (NCY_FROM, on_before, NCY_MIN, NCY_MAX),
        (NCY_TO, on_after, NCY_MIN, NCY_MAX),
        (NCY_FROM, ~on_before, NCY_MIN - 1, NCY_MAX),
        (NCY_TO, ~on_after, NCY_MIN, NCY_MAX + 1),
    ):
        bad = held & ((out[column] < low) | (out[column] > high))
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            _fail(
                f"NCY {out[column].iloc[pos]} is outside {low}..{high} "
                f"(plans cover NCY {NCY_MIN} to {NCY_MAX}, age 25 = NCY {NCY_MAX})",
                source,
                pos,
                column,
            )
    order = list(COLUMNS) + ([CHILD_ID] if CHILD_ID in out.columns else [])
    return out[order]


def is_joiner(frame: pd.DataFrame) -> pd.Series:
    """Rows where the child starts a plan during the year."""
    return frame[SETTING_FROM].isna()


def is_leaver(frame: pd.DataFrame) -> pd.Series:
    """Rows where the child's plan ends (or the child leaves the LA) during the year."""
    return frame[SETTING_TO].isna()


def stock(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """Children on a plan in January ``year``: the TO states of transitions from ``year - 1``.

    Returns columns ncy, need, setting, count.
    """
    rows = frame[(frame[YEAR] == year - 1) & ~is_leaver(frame)]
    out = (
        rows.groupby([NCY_TO, NEED_TO, SETTING_TO], dropna=False)
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={NCY_TO: "ncy", NEED_TO: "need", SETTING_TO: "setting"})
    )
    return out
