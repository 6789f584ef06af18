"""Agreement figures against values worked by hand (and published worked examples)."""

import pandas as pd
import pytest

from highneeds.consult.analysis.agreement import (
    agreement_table,
    count_table,
    group_differences,
    newcombe_difference,
    publication_table,
    suppression_mask,
    wilson_interval,
)
from highneeds.consult.analysis.schema import validate_responses
from highneeds.errors import InputFileError, UnknownLabelError

ANSWERS = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know", ""]


def make_responses(groups: dict[str, list[int]], by: str = "respondent_type") -> pd.DataFrame:
    """Responses to proposal P1 with the given answer counts per group (order of ANSWERS)."""
    rows = []
    for group, counts in groups.items():
        for answer, count in zip(ANSWERS, counts, strict=True):
            for _ in range(count):
                rows.append(
                    {
                        "response_id": f"R{len(rows) + 1}",
                        "version": "standard",
                        "respondent_type": "parent_carer",
                        "source": "online",
                        by: group,
                        "P1__agree": answer or None,
                        "P1__why": "",
                    }
                )
    return pd.DataFrame(rows)


def test_wilson_matches_hand_computation():
    # 8 of 10: centre (0.8 + z²/20)/(1 + z²/10), half-width z/(1+z²/10)·sqrt(0.016 + z²/400).
    low, high = wilson_interval(8, 10)
    assert float(low) == pytest.approx(0.4902, abs=1e-4)
    assert float(high) == pytest.approx(0.9433, abs=1e-4)
    low, high = wilson_interval(0, 10)
    assert float(low) == 0.0
    assert float(high) == pytest.approx(0.2775, abs=1e-4)


def test_newcombe_matches_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example 56/70 vs 48/80, method 10.
    difference, low, high = newcombe_difference(56, 70, 48, 80)
    assert difference == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=1e-4)
    assert high == pytest.approx(0.3339, abs=1e-4)


def test_agreement_table_counts_percentages_and_bases():
    responses = make_responses({"parent_carer": [5, 3, 0, 2, 0, 1, 1]})
    table = agreement_table(responses).set_index("answer")
    # 10 answered on the scale; 12 responses in all.
    assert table.loc["strongly_agree", "count"] == 5
    assert table.loc["strongly_agree", "base"] == 10
    assert table.loc["strongly_agree", "percent"] == pytest.approx(50.0)
    assert table.loc["agree_total", "count"] == 8
    assert table.loc["agree_total", "ci_low"] == pytest.approx(49.02, abs=0.01)
    assert table.loc["disagree_total", "percent"] == pytest.approx(20.0)
    assert table.loc["dont_know", "base"] == 12
    assert table.loc["not_answered", "count"] == 1
    assert table.loc["not_answered", "percent_of"] == "all"


def test_agreement_by_group_lists_every_group():
    responses = make_responses(
        {"parent_carer": [1, 0, 0, 0, 0, 0, 0], "other": [0, 0, 0, 2, 0, 0, 0]}
    )
    table = agreement_table(responses, by="respondent_type")
    groups = set(table["group"])
    assert groups == {
        "parent_carer",
        "young_person",
        "school_staff",
        "health_care_professional",
        "voluntary_org",
        "other",
    }
    empty = table[(table["group"] == "young_person") & (table["answer"] == "agree")]
    assert empty["count"].item() == 0 and pd.isna(empty["percent"].item())


def test_primary_and_secondary_suppression_worked_by_hand():
    responses = make_responses(
        {
            "parent_carer": [5, 3, 0, 2, 1, 1, 0],
            "school_staff": [1, 2, 1, 1, 0, 0, 1],
            "young_person": [1, 1, 0, 1, 0, 0, 0],
        }
    )
    counts = count_table(responses, "P1", "respondent_type")
    assert counts.loc["all"].tolist() == [7, 6, 1, 4, 1, 1, 1, 21]
    hidden = suppression_mask(counts)
    columns = [
        "strongly_agree",
        "agree",
        "neither",
        "disagree",
        "strongly_disagree",
        "dont_know",
        "not_answered",
        "total",
    ]
    expected = {
        "parent_carer": [False, True, False, True, True, True, False, False],
        # every count 1-4 hidden; the total 6 hidden second, since the young people's hidden
        # total could otherwise be worked out as 21 - 12 - 6.
        "school_staff": [True, True, True, True, False, False, True, True],
        "young_person": [True] * 8,  # fewer than 5 in the group: the whole row
        "all": [False, False, True, True, True, True, True, False],
    }
    for group, flags in expected.items():
        assert hidden.loc[group, columns].tolist() == flags, group
    for group in ("health_care_professional", "voluntary_org", "other"):
        assert not hidden.loc[group].any()


def test_secondary_suppression_stops_working_back_from_a_row_total():
    responses = make_responses({"standard": [10, 6, 2, 7, 5, 0, 0]}, by="version")
    published = publication_table(responses, "P1", "version")
    # 2 is hidden; then 5 (the smallest other non-zero count) so 30 - shown cells reveals nothing.
    assert published.loc["standard", "neither"] == "c"
    assert published.loc["standard", "strongly_disagree"] == "c"
    assert published.loc["standard", "agree"] == "6"
    assert published.loc["standard", "total"] == "30"
    assert published.loc["all", "neither"] == "c"
    assert published.loc["standard", "agree_percent"] == "c"
    assert published.loc["easy_read", "agree_percent"] == "z"


def test_publication_percentages_rounded_when_nothing_hidden():
    responses = make_responses(
        {"standard": [10, 10, 5, 5, 10, 5, 5], "easy_read": [5, 5, 5, 5, 5, 0, 0]}, by="version"
    )
    published = publication_table(responses, "P1", "version")
    assert (published[["strongly_agree", "agree", "total"]] != "c").all().all()
    assert published.loc["standard", "agree_percent"] == "50"
    assert published.loc["easy_read", "agree_percent"] == "40"
    assert published.loc["all", "agree_percent"] == "46"  # 30 of 65
    assert published.loc["all", "disagree_percent"] == "38"  # 25 of 65


def test_group_differences_flags_a_clear_gap_with_its_interval():
    responses = make_responses(
        {"parent_carer": [20, 10, 5, 5, 0, 0, 0], "school_staff": [5, 5, 10, 10, 10, 0, 0]}
    )
    differences = group_differences(responses, by="respondent_type").set_index("group")
    parents = differences.loc["parent_carer"]
    assert parents["difference"] == pytest.approx(50.0)  # 30/40 against 10/40
    assert parents["ci_low"] > 0 and parents["ci_high"] < 100
    assert bool(parents["notable"])
    assert "more often" in parents["statement"] and "+50 points" in parents["statement"]
    # Groups with nobody are not compared.
    assert "young_person" not in differences.index


def test_validation_names_row_and_column():
    responses = make_responses({"parent_carer": [1, 1, 0, 0, 0, 0, 0]})
    responses.loc[1, "P1__agree"] = "agreee"
    with pytest.raises(UnknownLabelError) as error:
        validate_responses(responses, file="export.csv")
    assert "row 3" in str(error.value) and "P1__agree" in str(error.value)
    assert "agree" in str(error.value)
    with pytest.raises(InputFileError, match="source"):
        validate_responses(responses.drop(columns="source"))
