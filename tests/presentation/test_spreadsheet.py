"""Workbooks and CSV downloads: words for headings, codes in a data dictionary, number
formats set, full values kept in XLSX and sensibly rounded in CSV."""

import io

import pandas as pd
from openpyxl import load_workbook

from highneeds import spreadsheet

COMPARISON = pd.DataFrame(
    {
        "scenario": ["Baseline", "=HYPERLINK()"],
        "year": [2025, 2025],
        "cost_gbp_q05": [44_652_699.123, 40_000_000.5],
        "children_mean": [3091.04, 2733.8],
        "probability_short": [0.31181515, 0.5],
        "growth_pct": [31.18151500714626, 2.0],
        "uses_reference_default": [True, False],
    }
)


def test_workbook_headings_words_codes_in_dictionary_and_formats():
    book = load_workbook(io.BytesIO(spreadsheet.xlsx_bytes({"comparison": COMPARISON})))
    sheet = book["Comparison"]
    headings = [c.value for c in sheet[1]]
    assert headings == [
        "Scenario",
        "January census year",
        "Cost (£), 5th percentile",
        "Children, mean",
        "Chance of being short",
        "Growth (%)",
        "Uses a national reference default",
    ]
    assert all("_" not in h for h in headings)
    assert [sheet["G2"].value, sheet["G3"].value] == ["yes", "no"]
    cost = sheet["C2"]
    assert cost.value == 44_652_699.123  # the full value stays in the cell
    assert "£" in cost.number_format and "0.0" not in cost.number_format
    assert sheet["D2"].number_format == "#,##0"
    assert sheet["E2"].number_format == "0.0%"
    assert sheet["F2"].number_format == '0.0"%"'
    assert sheet["B2"].number_format == "0"  # a year, not "2,025"
    assert sheet["A3"].value == "'=HYPERLINK()"  # a formula made inert
    assert sheet.freeze_panes == "A2"

    dictionary = book[spreadsheet.DICTIONARY_SHEET]
    rows = {r[2]: r for r in dictionary.iter_rows(min_row=2, values_only=True)}
    assert rows["cost_gbp_q05"] == (
        "Comparison",
        "Cost (£), 5th percentile",
        "cost_gbp_q05",
        "pounds (£)",
    )
    assert rows["scenario"][3] == "text"


def test_csv_rounds_by_kind_and_uses_words():
    text = spreadsheet.csv_bytes(COMPARISON).decode("utf-8-sig")
    table = pd.read_csv(io.StringIO(text))
    assert "Cost (£), 5th percentile" in table.columns
    assert table["Cost (£), 5th percentile"].tolist() == [44_652_699.12, 40_000_000.5]
    assert table["Growth (%)"].iloc[0] == 31.18
    assert "31.18151500714626" not in text


def test_sheet_names_are_unique_and_short():
    book = load_workbook(
        io.BytesIO(
            spreadsheet.xlsx_bytes(
                {
                    "a very long sheet name that Excel would refuse": COMPARISON,
                    "a very long sheet name that Excel would refuse too": COMPARISON,
                }
            )
        )
    )
    names = book.sheetnames
    assert len(set(names)) == len(names) == 3
    assert all(len(n) <= 31 for n in names)


def test_dfe_symbols_fill_only_missing_figures_and_whole_counts_stay_whole():
    """A symbol replaces a missing figure only (a symbol beside a figure is ignored); an index
    written out as a column shifts nothing; a count column with a gap is written 2618, not
    2618.0."""
    frame = pd.DataFrame(
        {"ehcps": [2618.0, None, None], "rate_per_1000": [3.14159, None, 2.5]},
        index=pd.Index(["Stockport", "Bury", "Wigan"], name="la_name"),
    )
    symbols = pd.DataFrame(
        {"ehcps": ["x", "c", None], "rate_per_1000": [None, "low", None]}, dtype=object
    )
    rows = spreadsheet.csv_bytes(frame, symbols=symbols).decode("utf-8-sig").splitlines()
    assert rows[1:] == ["Stockport,2618,3.14", "Bury,c,low", "Wigan,,2.5"]
    book = load_workbook(io.BytesIO(spreadsheet.xlsx_bytes({"t": frame}, symbols={"t": symbols})))
    values = [[c.value for c in row] for row in book["T"].iter_rows(min_row=2)]
    assert values == [["Stockport", 2618, 3.14159], ["Bury", "c", "low"], ["Wigan", None, 2.5]]
