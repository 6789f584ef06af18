"""Column codes become headings people read."""

import pytest

from highneeds.headings import heading


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("cost_gbp_q05", "Cost (£), 5th percentile"),
        ("cost_gbp_mean", "Cost (£), mean"),
        ("children_q97.5", "Children, 97.5th percentile"),
        ("probability_short", "Chance of being short"),
        ("cumulative_saving_gbp_q50", "Cumulative saving (£), 50th percentile"),
        ("growth_pct", "Growth (%)"),
        ("year", "January census year"),
        ("Stockport", "Stockport"),
        ("Neighbours' median", "Neighbours' median"),
        ("la_name", "Local authority"),
    ],
)
def test_heading(code, words):
    assert heading(code) == words
