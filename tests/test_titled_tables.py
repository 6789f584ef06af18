"""TitledTable: code-named columns kept, labels applied when shown, saved and read back."""

from __future__ import annotations

import math

import pandas as pd

from highneeds.tables import TitledTable, column_label, notes_table


def test_labels_come_from_the_table_then_common_headings_then_the_vocabulary():
    table = TitledTable(
        "EHCPs by setting group",
        pd.DataFrame({"year": [2024], "special": [3], "age_5_10": [4], "la": [5], "odd_code": [6]}),
        labels={"la": "Stockport"},
    )
    assert list(table.labelled().columns) == [
        "January census year",
        "Special school",
        "Age 5 to 10",
        "Stockport",
        "Odd code",
    ]
    assert list(table.frame.columns) == ["year", "special", "age_5_10", "la", "odd_code"]


def test_percent_columns_say_so_and_quantiles_read_as_bounds():
    assert column_label("mainstream_pct") == "Mainstream school (%)"
    assert [column_label(c) for c in ("q2.5", "median", "q97.5")] == [
        "Lower 95% bound",
        "Median",
        "Upper 95% bound",
    ]


def test_saved_table_keeps_code_names_and_reads_back_the_same():
    frame = pd.DataFrame({"year": [2024, 2025], "median": [606.0, float("nan")]})
    table = TitledTable(
        "Forecast", frame, labels={"median": "Middle"}, notes=("n",), unit="children"
    )
    saved = table.to_json()
    assert saved["columns"] == ["year", "median"]
    assert saved["data"][1][1] is None  # JSON has no NaN
    back = TitledTable.from_json(saved)
    assert back.title == "Forecast" and back.unit == "children" and back.notes == ("n",)
    assert list(back.labelled().columns) == ["January census year", "Middle"]
    assert back.frame["median"].iloc[0] == 606.0 and math.isnan(back.frame["median"].iloc[1])


def test_results_saved_before_titles_were_kept_still_read():
    old = {"columns": ["January census year", "Median"], "data": [[2024, 404]]}
    back = TitledTable.from_json(old)
    assert back.title == ""
    assert list(back.labelled().columns) == ["January census year", "Median"]


def test_notes_are_a_one_column_table():
    notes = notes_table("About", ["first", "second"])
    assert notes.labelled().to_dict("list") == {"Note": ["first", "second"]}


def test_the_cli_shows_labels_on_screen_and_code_names_in_csv(capsys):
    from highneeds.cli.output import Format, emit_titled

    table = TitledTable(
        "Forecast", pd.DataFrame({"year": [2025], "q97.5": [652.0]}), notes=("From 2024.",)
    )
    emit_titled(table, Format.csv)
    assert capsys.readouterr().out.splitlines() == ["year,q97.5", "2025,652.0"]
    emit_titled(table)
    shown = capsys.readouterr().out
    assert "Upper 95% bound" in shown and "q97.5" not in shown
    assert "From 2024." in shown
