"""JSNA tables (highneeds.analysis.jsna) on a small hand-made caseload, worked by hand."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from highneeds.analysis.jsna import TITLES, JsnaInputs, jsna_tables
from highneeds.errors import ModelInputError
from highneeds.suppression import TOTAL

# (need, age band, setting group, sex, children) with a plan at the January 2024 census.
CASELOAD_2024 = [
    ("ASD", "under_5", "mainstream", "M", 2),
    ("ASD", "5_10", "mainstream", "M", 5),
    ("ASD", "5_10", "mainstream", "F", 5),
    ("ASD", "11_15", "special", "M", 12),
    ("SEMH", "5_10", "mainstream", "F", 6),
    ("SEMH", "11_15", "special", "M", 10),
    ("SEMH", "11_15", "special", "F", 10),
    ("SLCN", "under_5", "early_years", "F", 8),
    ("SLCN", "5_10", "mainstream", "M", 9),
    ("HI", "5_10", "mainstream", "F", 3),
]


def _children(year: int, rows) -> tuple[pd.DataFrame, pd.DataFrame]:
    states, persons = [], []
    for need, band, group, sex, n in rows:
        for _ in range(n):
            child = f"c{year}-{len(states)}"
            states.append((year, child, band, need, group))
            persons.append((year, child, sex))
    return (
        pd.DataFrame(states, columns=["year", "child_id", "age_band", "need", "setting_group"]),
        pd.DataFrame(persons, columns=["year", "child_id", "sex"]),
    )


def _inputs(rows_2024=CASELOAD_2024) -> JsnaInputs:
    s23, p23 = _children(2023, [("ASD", "5_10", "mainstream", "M", 4)])
    s24, p24 = _children(2024, rows_2024)
    funnel = pd.DataFrame({"year": [2023, 2024], "stage": "plans_issued", "children": [12, 41]})
    timeliness = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024],
            "exceptions": ["included", "excluded"] * 2,
            "plans_issued": [12, 12, 41, 40],
            "within_20_weeks": [9, 9, 30, 30],
        }
    )
    ceased = pd.DataFrame(
        {
            "year": [2023, 2023, 2024, 2024, 2024],
            "cease_reason": ["1", "2", "2", "5", "missing"],
            "children": [6, 2, 10, 7, 1],
        }
    )
    return JsnaInputs(
        states=pd.concat([s23, s24], ignore_index=True),
        persons=pd.concat([p23, p24], ignore_index=True),
        funnel=funnel,
        timeliness=timeliness,
        ceased=ceased,
    )


def _rows(table: pd.DataFrame) -> dict[str, list]:
    return {row: table.loc[row].tolist() for row in table.index}


def test_exact_tables_count_children_with_totals():
    tables = jsna_tables(_inputs(), la_code="999", year=2024)
    need_age = tables.exact["need_by_age"]
    assert list(need_age.columns) == [
        "Under 5",
        "Age 5 to 10",
        "Age 11 to 15",
        "Age 16 to 19",
        "Age 20 to 25",
        TOTAL,
    ]
    assert _rows(need_age) == {
        "Autistic spectrum disorder": [2, 10, 12, 0, 0, 24],
        "Social, emotional and mental health": [0, 6, 20, 0, 0, 26],
        "Speech, language and communication needs": [8, 9, 0, 0, 0, 17],
        "Hearing impairment": [0, 3, 0, 0, 0, 3],
        TOTAL: [10, 28, 32, 0, 0, 70],
    }
    assert _rows(tables.exact["need_by_sex"])[TOTAL] == [32, 38, 0, 70]
    assert _rows(tables.exact["setting_by_age"])["Mainstream school"] == [2, 28, 0, 0, 0, 30]
    trend = tables.exact["trend"]
    assert trend.loc[2024].tolist() == [70, 41, 30, 10, 40, 75.0, 18]
    assert trend.loc[2023, "ehcps"] == 4 and trend.loc[2023, "percent_within_20_weeks"] == 75.0


def test_published_need_by_age_hides_across_both_totals_and_linked_tables():
    published = jsna_tables(_inputs(), la_code="999", year=2024).published
    # Primary: ASD under 5 (2), hearing impairment 5-10 and its total (3). ASD's row then hides
    # 10; the totals column (3 hidden alone) hides SLCN's 17, so SLCN's row hides 8. The
    # setting table must hide the under-5 and 5-10 totals (its early years row is 8 alone and
    # its 5-10 column is all mainstream), so they are hidden here too: else 10 - 8 would be
    # worked back from the settings table.
    assert _rows(published["need_by_age"]) == {
        "Autistic spectrum disorder": ["c", "c", "12", "0", "0", "24"],
        "Social, emotional and mental health": ["0", "6", "20", "0", "0", "26"],
        "Speech, language and communication needs": ["c", "9", "0", "0", "0", "c"],
        "Hearing impairment": ["0", "c", "0", "0", "0", "c"],
        TOTAL: ["c", "c", "32", "0", "0", "70"],
    }
    assert _rows(published["setting_by_age"]) == {
        "Mainstream school": ["c", "c", "0", "0", "0", "c"],
        "Special school": ["0", "0", "32", "0", "0", "32"],
        "Non-maintained early years": ["c", "0", "0", "0", "0", "c"],
        TOTAL: ["c", "c", "32", "0", "0", "70"],
    }
    # The need totals hidden in one need table are hidden in the other.
    assert published["need_by_sex"][TOTAL].tolist() == ["24", "26", "c", "c", "70"]


def test_published_trend_and_ceased_hide_small_counts_and_their_percentages():
    published = jsna_tables(_inputs(), la_code="999", year=2024).published
    trend = published["trend"]
    # 2023: 4 EHCPs; 3 plans late of 12, so 9 hidden too, and so the percentage.
    assert trend.loc[2023].tolist() == ["c", "12", "c", "c", "12", "c", "8"]
    assert trend.loc[2024].tolist() == ["70", "41", "30", "10", "40", "75", "18"]
    ceased = published["ceased_by_reason"]
    assert list(ceased.columns) == ["2023", "2024", TOTAL]
    assert ceased.loc["Reached maximum age"].tolist() == ["c", "0", "c"]
    assert ceased.loc["Needs met without a plan"].tolist() == ["c", "c", "12"]
    assert ceased.loc["Reason not recorded"].tolist() == ["0", "c", "c"]
    assert ceased.loc["Deceased"].tolist() == ["0", "0", "0"]  # a zero is never hidden
    assert ceased.loc[TOTAL].tolist() == ["8", "18", "26"]


def test_threshold_and_missing_year_and_missing_sex():
    lenient = jsna_tables(_inputs(), la_code="999", year=2024, threshold=2).published
    assert lenient["need_by_age"].loc["Hearing impairment"].tolist()[-1] == "3"
    with pytest.raises(ModelInputError, match="no SEN2 return for January 2022"):
        jsna_tables(_inputs(), la_code="999", year=2022)
    inputs = _inputs()
    no_sex = JsnaInputs(
        inputs.states,
        inputs.persons.assign(sex=None),
        inputs.funnel,
        inputs.timeliness,
        inputs.ceased,
    )
    tables = jsna_tables(no_sex, la_code="999", year=2024)
    assert "need_by_sex" not in tables.published
    assert any("sex" in note for note in tables.notes)


def _lines(table: pd.DataFrame) -> list[pd.Series]:
    """Every sum in a published table: each row with its total, each column with its total."""
    return [table.loc[row] for row in table.index] + [table[column] for column in table.columns]


def test_no_published_table_gives_a_hidden_cell_back_from_its_totals():
    needs = ["ASD", "SEMH", "SLCN", "MLD", "HI", "VI", "PD"]
    bands = ["under_5", "5_10", "11_15", "16_19", "20_25"]
    groups = ["mainstream", "special", "fe", "early_years", "educated_elsewhere"]
    for seed in range(40):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(5, 200))
        rows = [
            (
                needs[min(int(rng.exponential(1.5)), len(needs) - 1)],
                str(rng.choice(bands, p=[0.1, 0.35, 0.35, 0.15, 0.05])),
                str(rng.choice(groups, p=[0.5, 0.3, 0.1, 0.05, 0.05])),
                str(rng.choice(["F", "M", "U"], p=[0.3, 0.68, 0.02])),
                1,
            )
            for _ in range(n)
        ]
        tables = jsna_tables(
            _inputs(rows), la_code="999", year=2024, threshold=int(rng.integers(3, 11))
        )
        published = tables.published
        for name in ("need_by_age", "setting_by_age", "need_by_sex", "ceased_by_reason"):
            table, exact = published[name], tables.exact[name]
            assert (table == "c").where(exact > 0, False).equals(table == "c"), "a zero hidden"
            small = (exact > 0) & (exact < tables.threshold)
            assert (table == "c")[small].fillna(True).all().all(), "a small count shown"
            for line in _lines(table):
                assert (line == "c").sum() != 1, (seed, name, line.name)
        # Totals two tables share are hidden alike.
        need_totals = published["need_by_age"][TOTAL]
        assert need_totals.equals(published["need_by_sex"][TOTAL].rename(need_totals.name))
        assert published["need_by_age"].loc[TOTAL].equals(published["setting_by_age"].loc[TOTAL])
        assert published["trend"].loc[2024, "ehcps"] == published["need_by_age"].loc[TOTAL, TOTAL]


def test_tables_as_a_tagged_pdf_to_publish():
    from pypdf import PdfReader

    from highneeds.analysis.jsna_export import pdf_bytes
    from pdf_checks import assert_tagged

    tables = jsna_tables(_inputs(), la_code="999", year=2024, threshold=5)
    sources = pd.DataFrame({"file_name": ["sen2-2024.xml"], "year": [2024]})
    pdf = pdf_bytes(tables, sources)
    assert_tagged(pdf, title="SEND JSNA tables: LA 999, January 2024 census")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Notes" in text and "sen2-2024.xml" in text
    for name in tables.published:
        assert TITLES[name].split()[0] in text
