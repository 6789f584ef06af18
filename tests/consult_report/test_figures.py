"""Agreement figures in the report against values worked out by hand, including suppression."""

import math

import pandas as pd

from highneeds.consult.report import build_report, render_html


def _responses() -> pd.DataFrame:
    """20 parents/carers and 3 school staff answering P1 (no free text).

    Parents: 8 strongly agree, 6 agree, 6 disagree. Staff: one each of strongly agree, agree,
    disagree. Everyone: 9 strongly agree, 7 agree, 7 disagree of 23.
    """
    answers = ["strongly_agree"] * 8 + ["agree"] * 6 + ["disagree"] * 6
    staff = ["strongly_agree", "agree", "disagree"]
    rows = [("parent_carer", a) for a in answers] + [("school_staff", a) for a in staff]
    return pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(len(rows))],
            "version": "standard",
            "respondent_type": [t for t, _ in rows],
            "source": "online",
            "P1__agree": [a for _, a in rows],
            "P1__why": "",
        }
    )


def _row(table, label):
    return next(row for row in table.rows if row[0] == label)


def test_everyone_table_matches_hand_computed_wilson_interval():
    report = build_report(_responses(), source="hand.csv")
    overall = report.proposals[0].overall
    agree = _row(overall, "Agree or strongly agree")
    # 16 of 23 agree: 69.6%. Wilson by hand, z = 1.96:
    # centre = (p + z²/2n) / (1 + z²/n) = (0.69565 + 0.08351) / 1.16703 = 0.66764
    # half = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²) = 1.67948 * 0.10498 = 0.17631
    assert agree[1] == "16"
    assert agree[2] == "70%"
    assert agree[3] == "49% to 84%"
    p, n, z = 16 / 23, 23, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert round(100 * (centre - half)) == 49 and round(100 * (centre + half)) == 84
    assert _row(overall, "Strongly agree")[1:3] == ["9", "39%"]  # 9 of 23
    assert _row(overall, "Disagree")[1:3] == ["7", "30%"]


def test_small_group_is_suppressed_in_tables_and_left_out_of_charts():
    report = build_report(_responses(), source="hand.csv")
    by_type = report.proposals[0].by_group[0]
    staff = _row(by_type, "School or college staff")
    assert set(staff[1:]) == {"c"}  # 3 respondents: the whole row is hidden
    parents = _row(by_type, "Parent or carer")
    # Staff hide one count in each of three columns; each column total (the 'All' row) is
    # published, so the parents' count in those columns must go too (secondary suppression).
    assert parents[1] == "c" and parents[2] == "c" and parents[4] == "c"
    assert parents[8] == "c"  # and the parents' total, since their row now sums hidden cells
    everyone = _row(by_type, "All respondents")
    assert everyone[1:3] == ["9", "7"]
    assert "School or college staff" in report.proposals[0].charted_note
    assert "School or college staff" not in report.proposals[0].chart.alt
    html = render_html(report)
    assert "49% to 84%" in html
    assert "Responses by type of respondent" in html


def test_profile_suppresses_small_counts():
    report = build_report(_responses(), source="hand.csv")
    profile = {row[0]: row[1] for row in report.profile[0].rows}
    assert profile["Parent or carer"] == "c"  # secondary: total minus it would give staff's 3
    assert profile["School or college staff"] == "c"
    assert profile["All respondents"] == "23"
