"""Small-number suppression for every table highneeds publishes about children or respondents.

DfE and LA practice (docs/jsna.md): a count from 1 to ``threshold`` - 1 is shown as ``c``
(primary suppression), and wherever a row or column total has exactly one hidden member, a
second member is hidden too (secondary suppression), so that no hidden count can be worked
back by subtracting the shown ones from a total. Zeros are shown: a zero is never hidden.
Percentages are shown as whole numbers, and as ``c`` when their numerator or denominator is.

Tables handed to :func:`suppression_mask` hold counts with, optionally, a total as their last
column (each row's parts sum to it) and a total as their last row (:func:`with_totals` adds
both). Masks are boolean frames of the same shape: True where a cell is published as ``c``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: DfE symbol for a confidential (suppressed) figure.
SUPPRESSED = "c"
#: DfE symbol for "not applicable" (a percentage of nothing).
NOT_APPLICABLE = "z"
#: What each DfE symbol means, in the words of DfE's data guidance. A symbol stands where a
#: figure is not published; it is never a zero.
SYMBOL_MEANINGS = {
    SUPPRESSED: "confidential (a small number, suppressed)",
    "x": "not available",
    NOT_APPLICABLE: "not applicable",
    "low": "rounds to zero but is not zero",
    "u": "low reliability",
}


def symbol_legend(symbols) -> str:
    """One line saying what each of ``symbols`` (DfE symbols shown in a table) means."""
    present = set(symbols)
    shown = [s for s in SYMBOL_MEANINGS if s in present]
    if not shown:
        return ""
    return "Symbols: " + "; ".join(f"{s} = {SYMBOL_MEANINGS[s]}" for s in shown) + "."


#: Counts below this are hidden unless a caller asks for another threshold.
DEFAULT_THRESHOLD = 5
TOTAL = "Total"


def with_totals(counts: pd.DataFrame, label: str = TOTAL) -> pd.DataFrame:
    """``counts`` with a total column (sum of each row) and a total row (sum of each column)."""
    out = counts.copy()
    out[label] = out.sum(axis=1)
    out.loc[label] = out.sum(axis=0)
    return out.astype(int)


def _lines(n_rows: int, n_cols: int, total_column: bool, total_row: bool) -> list[list]:
    """Every sum in the table as its cells, parts first and the total last."""
    lines = []
    if total_column:
        lines += [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    if total_row:
        lines += [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    return lines


def _second_cell(values: np.ndarray, hidden: np.ndarray, line: list) -> tuple | None:
    """The cell to hide beside a line's single hidden member: its smallest shown non-zero part,
    else its total. Zeros are never chosen: a single hidden cell beside shown zeros is either
    the total (then some part is non-zero) or a part (then the total is non-zero)."""
    parts, total = line[:-1], line[-1]
    candidates = sorted(
        (cell for cell in parts if not hidden[cell] and values[cell] != 0),
        key=lambda cell: values[cell],
    )
    if not candidates and not hidden[total] and values[total] != 0:
        candidates = [total]
    return candidates[0] if candidates else None


def suppression_mask(
    counts: pd.DataFrame,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    total_column: bool = True,
    total_row: bool = True,
    hide_small_rows: bool = True,
    hidden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which cells of a count table to publish as ``c``.

    With ``total_column`` the last column is each row's total (its parts sum to it); with
    ``total_row`` the last row is each column's total. (Tables of themes, where one answer can
    carry several themes, have no total row.)
    Primary: any count from 1 to ``threshold``-1, and, with ``hide_small_rows`` where rows have
    totals, every cell of a row (a group of respondents) with fewer than ``threshold`` members,
    zeros included, since "none of the three agreed" says something about each of them.
    ``hidden`` marks cells already hidden for another reason (a total hidden in a linked table).
    Secondary: wherever a sum has exactly one hidden member (which the reader could work back
    by subtraction), also hide its smallest other non-zero member, repeated until no sum has a
    single hidden member.
    """
    values = counts.to_numpy(dtype=int)
    mask = (values > 0) & (values < threshold)
    if hidden is not None:
        mask |= hidden.reindex_like(counts).fillna(False).to_numpy(dtype=bool)
    if total_column and hide_small_rows:
        small_groups = (values[:, -1] > 0) & (values[:, -1] < threshold)
        if total_row:
            small_groups[-1] = False  # the total row is handled cell by cell
        mask[small_groups, :] = True

    lines = _lines(*values.shape, total_column, total_row)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(bool(mask[cell]) for cell in line) != 1:
                continue
            second = _second_cell(values, mask, line)
            if second is not None:
                mask[second] = True
                changed = True
    return pd.DataFrame(mask, index=counts.index, columns=counts.columns)


def lone_hidden_cells(
    hidden: pd.DataFrame, *, total_column: bool = True, total_row: bool = True
) -> list[tuple]:
    """(row, column) labels of hidden cells that are the only hidden member of a sum, and so
    could be worked back by subtraction. Empty for any mask :func:`suppression_mask` returns
    (unless every other member of that sum is zero, when there is nothing to protect)."""
    mask = hidden.to_numpy(dtype=bool)
    lone = []
    for line in _lines(*mask.shape, total_column, total_row):
        members = [cell for cell in line if mask[cell]]
        if len(members) == 1:
            r, c = members[0]
            lone.append((hidden.index[r], hidden.columns[c]))
    return lone


def published_counts(counts: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Counts as text with thousands separators (1,218), hidden ones as ``c``."""
    return counts.astype(int).map(lambda v: f"{v:,}").where(~hidden, SUPPRESSED)


def published_percent(
    numerator: pd.Series,
    denominator: pd.Series,
    hidden: pd.Series,
) -> pd.Series:
    """Whole-number percentages as text: ``c`` where ``hidden`` (the numerator or denominator
    is hidden, so the percentage times the base would give it back), ``z`` for a percentage of
    nothing."""
    base = denominator.astype(float)
    share = 100 * numerator.astype(float) / base.where(base > 0)
    text = share.map(lambda v: NOT_APPLICABLE if pd.isna(v) else f"{v:.0f}")
    return text.where(~hidden.astype(bool), SUPPRESSED)
