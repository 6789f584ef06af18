import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.transitions import COLUMNS, stock, validate_transitions


def test_clean_frame_keeps_joiners_and_leavers_as_missing(make_transitions):
    frame = make_transitions(
        [(2020, 3, None, None, "ASD", "MAIN"), (2020, 5, "ASD", "MAIN", None, None)]
    )
    clean = validate_transitions(frame)
    assert list(clean.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert clean.loc[0, "need_from"] is None and clean.loc[0, "need_to"] == "ASD"
    assert clean.loc[1, "setting_to"] is None


def test_blank_strings_count_as_missing(make_transitions):
    frame = make_transitions([(2020, 3, " ", "", "ASD", "MAIN")])
    assert validate_transitions(frame).loc[0, "setting_from"] is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"ncy_to": 7}, "ncy_from \\+ 1"),
        ({"ncy_from": 21, "ncy_to": 22}, "outside"),
        ({"need_to": None}, "both be given"),
        ({"year": "twenty"}, "not a whole number"),
    ],
)
def test_bad_rows_name_row_and_column(change, expected, make_transitions):
    frame = make_transitions([(2020, 5, "ASD", "MAIN", "ASD", "MAIN")] * 2)
    for column, value in change.items():
        frame[column] = frame[column].astype(object)
        frame.loc[1, column] = value
    with pytest.raises(ModelInputError, match=expected) as info:
        validate_transitions(frame)
    assert "row 3" in str(info.value)


def test_leaver_from_last_ncy_is_allowed_but_not_a_held_ncy_21(make_transitions):
    ok = make_transitions([(2020, 20, "ASD", "FE", None, None)])
    assert len(validate_transitions(ok)) == 1
    bad = make_transitions([(2020, 20, "ASD", "FE", "ASD", "FE")])
    with pytest.raises(ModelInputError, match="NCY 21 is outside"):
        validate_transitions(bad)


def test_missing_column_is_named(make_transitions):
    frame = make_transitions([(2020, 5, "ASD", "MAIN", "ASD", "MAIN")]).drop(columns="ncy_to")
    with pytest.raises(ModelInputError, match="ncy_to"):
        validate_transitions(frame)


def test_row_on_no_plan_either_side_is_rejected(make_transitions):
    frame = make_transitions([(2020, 5, None, None, None, None)])
    with pytest.raises(ModelInputError, match="neither before nor after"):
        validate_transitions(frame)


def test_stock_counts_to_states_of_the_previous_year(make_transitions):
    frame = make_transitions(
        [
            (2020, 5, "ASD", "MAIN", "ASD", "MAIN"),
            (2020, 5, "ASD", "MAIN", None, None),
            (2020, 2, None, None, "ASD", "MAIN"),
            (2019, 4, "ASD", "MAIN", "ASD", "MAIN"),
        ]
    )
    result = stock(validate_transitions(frame), 2021)
    assert result["count"].sum() == 2
    assert set(result["ncy"]) == {6, 3}
    assert isinstance(result, pd.DataFrame)
