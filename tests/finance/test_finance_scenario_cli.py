"""``highneeds scenario run FILE…``: the comparison workbook and charts in one command."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.scenario import DEMO_LA_CODE, app
from highneeds.finance.demo import example_scenarios
from highneeds.finance.scenario_store import list_scenarios
from highneeds.spreadsheet import read_coded
from highneeds.store import Store


@pytest.mark.slow
def test_scenario_run_writes_the_plan_layout_workbook_and_charts(tmp_path):
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    files = [str(p) for p in example_scenarios()]
    result = CliRunner().invoke(
        app,
        [
            "run",
            *files,
            "--out",
            str(tmp_path / "out"),
            "--simulations",
            "30",
            "--source",
            "synthetic",
            "--save",
        ],
        env={"COLUMNS": "160", "DATABASE_URL": database, "HIGHNEEDS_HOME": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    for chart in ("cost_by_scenario.png", "cost_by_scenario.svg", "saving_by_scenario.png"):
        assert (out / chart).stat().st_size > 1000
    book = openpyxl.load_workbook(out / "scenario_comparison.xlsx", read_only=True)
    cost_sheets = [n for n in book.sheetnames if n.endswith(" cost")]
    assert len(cost_sheets) == 4  # baseline + three scenarios
    plan = pd.read_excel(
        out / "scenario_comparison.xlsx", sheet_name=cost_sheets[0], engine="openpyxl"
    )
    assert list(plan.columns[:2]) == ["Funding category", "Age band"]
    assert {2027, 2030} <= set(plan.columns)  # years across
    assert "All categories" in set(plan["Funding category"])
    comparison = read_coded(out / "scenario_comparison.xlsx", "Scenario comparison")
    quo = comparison[comparison.scenario == "Status quo"].cost_gbp_mean.to_numpy()
    base = comparison[comparison.scenario == "Baseline"].cost_gbp_mean.to_numpy()
    assert (quo == base).all()
    notes = pd.read_excel(out / "scenario_comparison.xlsx", sheet_name="Notes", engine="openpyxl")[
        "Notes"
    ]
    assert notes.str.contains("reference default").any()  # example costs lack "other"
    saved = list_scenarios(Store(database), DEMO_LA_CODE)
    assert len(saved) == 3


def test_a_bad_scenario_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "Bad"\n[[intervention]]\ntype = "early_help"\nreduction = 2\nfrom_year = 2027\n'
    )
    result = CliRunner().invoke(app, ["run", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "reduction" in result.output
