"""Small-number suppression (highneeds.suppression), worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from highneeds.suppression import (
    SUPPRESSED,
    lone_hidden_cells,
    published_counts,
    published_percent,
    suppression_mask,
    with_totals,
)


def _table(rows: dict[str, list[int]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def test_a_count_of_three_is_hidden_five_and_zero_are_shown():
    counts = _table({"r": [3, 0, 5, 12]}, ["a", "b", "c", "d"])
    hidden = suppression_mask(counts, total_column=False, total_row=False)
    assert hidden.loc["r"].tolist() == [True, False, False, False]
    assert published_counts(counts, hidden).loc["r"].tolist() == ["c", "0", "5", "12"]


def test_the_threshold_is_the_smallest_count_shown():
    counts = _table({"r": [7, 10]}, ["a", "b"])
    assert suppression_mask(counts, 10, total_column=False, total_row=False).loc["r"].tolist() == [
        True,
        False,
    ]


def test_a_row_total_with_one_hidden_member_forces_a_second_and_never_a_zero():
    # 3 is hidden; 31 - 0 - 8 - 20 would give it back, so the smallest other non-zero part (8)
    # is hidden too, not the zero.
    counts = _table({"r": [3, 0, 8, 20, 31]}, ["a", "b", "c", "d", "total"])
    hidden = suppression_mask(counts, total_row=False, hide_small_rows=False)
    assert hidden.loc["r"].tolist() == [True, False, True, False, False]


def test_beside_shown_zeros_the_total_is_hidden_not_a_zero():
    # 7 is hidden for another reason (a linked table); its row is 7, 0, 0 | 7. Hiding a zero
    # would protect nothing a reader could not see, so the total goes.
    counts = _table({"r": [7, 0, 0, 7]}, ["a", "b", "c", "total"])
    forced = counts.astype(bool) & False
    forced.loc["r", "a"] = True
    hidden = suppression_mask(counts, total_row=False, hidden=forced)
    assert hidden.loc["r"].tolist() == [True, False, False, True]


def test_secondary_suppression_across_row_and_column_totals_worked_by_hand():
    counts = with_totals(
        _table({"r1": [3, 10, 20], "r2": [12, 8, 30], "r3": [0, 7, 9]}, ["a", "b", "c"])
    )
    assert counts.loc["Total"].tolist() == [15, 25, 59, 99]  # totals consistent
    assert counts["Total"].tolist() == [33, 50, 16, 99]
    hidden = suppression_mask(counts, hide_small_rows=False)
    # Round 1: 3 (primary); row r1 then hides 10; column a hides 12; column b hides 7.
    # Round 2: row r2 (12 hidden alone) hides 8; row r3 (7 alone) hides 9, never its 0;
    # column c (9 alone) hides 20. Then every row and column has 0 or at least 2 hidden.
    expected = {
        "r1": [True, True, True, False],
        "r2": [True, True, False, False],
        "r3": [False, True, True, False],
        "Total": [False, False, False, False],
    }
    for row, flags in expected.items():
        assert hidden.loc[row].tolist() == flags, row
    assert lone_hidden_cells(hidden) == []
    published = published_counts(counts, hidden)
    assert published.loc["r3"].tolist() == ["0", "c", "c", "16"]


def test_small_rows_hide_their_zeros_only_when_asked():
    counts = _table({"small": [3, 0, 3], "big": [10, 20, 30], "all": [13, 20, 33]}, ["a", "b", "t"])
    consult = suppression_mask(counts)  # a group of 3 respondents: the whole row
    assert consult.loc["small"].all()
    jsna = suppression_mask(counts, hide_small_rows=False)
    assert jsna.loc["small"].tolist() == [True, False, True]


def test_percentages_rounded_and_hidden_with_their_parts():
    numerator = pd.Series([1, 40, 7, 0])
    denominator = pd.Series([3, 81, 9, 0])
    hidden = pd.Series([True, False, False, False])
    assert published_percent(numerator, denominator, hidden).tolist() == [
        SUPPRESSED,
        "49",
        "78",
        "z",
    ]


def test_no_random_table_gives_a_hidden_count_back_from_a_total():
    rng = np.random.default_rng(7)
    for _ in range(300):
        shape = rng.integers(1, 6, size=2)
        parts = pd.DataFrame(rng.choice([0, 0, 1, 2, 3, 4, 5, 8, 20, 60], size=shape))
        counts = with_totals(parts)
        hidden = suppression_mask(counts, hide_small_rows=bool(rng.integers(2)))
        values = counts.to_numpy()
        assert hidden.to_numpy()[(values > 0) & (values < 5)].all()  # primary
        for row, column in lone_hidden_cells(hidden):
            # Only possible where every other member of the sum is zero and the hidden cell
            # is zero too: there is nothing to protect.
            assert counts.loc[row, column] == 0
