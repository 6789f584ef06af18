"""One interface for tables: --format table|csv|json and --out on every table-printing command;
tables fit 80 columns without cutting a word; word headers, formatted numbers on screen, full
values in csv and json."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.cli.output import Format, Shown, Tables, print_table

runner = CliRunner()


def _lines(text: str) -> list[str]:
    return text.splitlines()


def test_a_wide_table_is_split_into_parts_that_fit():
    frame = pd.DataFrame(
        {f"measure_{i}": [1234567.0 * i, 2.5] for i in range(12)},
        index=pd.Index(["Kingston upon Hull, City of", "Barking and Dagenham"], name="area"),
    )
    out = Console(file=io.StringIO(), width=80, no_color=True)
    print_table(Shown(frame, "Wide", labels={"area": "Area"}).rich(), out)
    text = out.file.getvalue()
    assert max(len(line) for line in _lines(text)) <= 80
    assert "…" not in text
    assert "(part 1 of" in text
    for name in frame.index:  # each part repeats the row's name, whole on one line
        assert sum(name in line for line in _lines(text)) > 1
    for i in range(1, 12):  # every figure is shown, formatted
        assert f"{1234567 * i:,}" in text


def test_table_mode_formats_csv_keeps_full_values(capsys):
    frame = pd.DataFrame(
        {"ehcps": [2618.0, None], "growth_pct": [9.8615, None]},
        index=pd.Index([2022, 2023], name="year"),
    )
    symbols = pd.DataFrame({"ehcps": [None, "c"], "growth_pct": [None, None]}, index=frame.index)
    how = {"labels": {"year": "January census", "ehcps": "EHCPs", "growth_pct": "Growth %"}}
    Tables(Format.table).add(
        frame, "T", symbols=symbols, row_label=lambda y: f"January {y}", **how
    ).show()
    shown = capsys.readouterr().out
    assert "2,618" in shown and "9.9" in shown and "9.8615" not in shown
    assert "January 2023" in shown and " c " in shown and "–" in shown
    Tables(Format.csv).add(frame, "T", symbols=symbols, **how).show()
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == {"January census": "2022", "EHCPs": "2618.0", "Growth %": "9.8615"}
    assert rows[1]["EHCPs"] == "c" and rows[1]["Growth %"] == ""


def test_several_tables_stack_into_one_in_csv_and_json(capsys):
    tables = Tables(Format.json)
    tables.add(pd.DataFrame({"a": [1]}, index=pd.Index(["x"], name="k")), "First")
    tables.add(pd.DataFrame({"b": [2]}, index=pd.Index(["y"], name="k")), "Second")
    tables.note("a caveat")
    tables.show()
    data = json.loads(capsys.readouterr().out)
    assert [row["Table"] for row in data["rows"]] == ["First", "Second"]
    assert data["notes"] == ["a caveat"]


@pytest.mark.parametrize(
    "command",
    [
        ["data", "list"],
        ["la", "list"],
        ["la", "show", "Stockport"],
        ["finance", "show", "Stockport"],
        ["consult", "agreement", "x.csv"],
        ["consult", "themes", "x.csv", "q"],
        ["consult", "evaluate"],
        ["sen2", "rules", "list"],
    ],
)
def test_every_table_command_takes_format_and_out(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--format" in result.output and "--out" in result.output


def test_finance_show_in_csv_json_and_at_80_columns(tmp_path):
    from highneeds.finance.benchmark import la_finance_profile

    profile = la_finance_profile("Stockport")
    place = profile.lines.set_index("label").loc["Place funding", "budget_gbp"]

    table = runner.invoke(app, ["finance", "show", "Stockport"], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.output
    assert max(len(line) for line in _lines(table.output)) <= 80
    assert "…" not in table.output and "£9.49m" in table.output
    assert "Statistical neighbours (DfE 2021 model)" in table.output

    target = tmp_path / "stockport-money.csv"
    written = runner.invoke(
        app, ["finance", "show", "Stockport", "--format", "csv", "--out", str(target)]
    )
    assert written.exit_code == 0, written.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {"Table", "Line", "Budget 2021-22", "Year", "Allocation"} <= set(rows[0])
    place_row = next(r for r in rows if r["Line"] == "Place funding")
    assert float(place_row["Budget 2021-22"]) == place  # full value, not £9.49m

    data = json.loads(runner.invoke(app, ["finance", "show", "356", "--format", "json"]).output)
    balance = [r for r in data["rows"] if r.get("Year") == "2021-22" and "Stockport %" in r]
    assert balance and balance[0]["Stockport %"] == pytest.approx(-2.13)
