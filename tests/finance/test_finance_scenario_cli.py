"""``highneeds scenario run --la LA FILE…``: any LA's scenarios, with intervals, in one command."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.scenario import app, change_programme_examples
from highneeds.finance.scenario_store import list_scenarios
from highneeds.importers.dfe import bundled_release_path
from highneeds.readers.dfe_ehcp import read_release
from highneeds.store import Store

FILES = {p.name: str(p) for p in change_programme_examples()}


def _run(tmp_path, *args):
    database = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    result = CliRunner().invoke(
        app,
        ["run", *args],
        env={"COLUMNS": "160", "DATABASE_URL": database, "HIGHNEEDS_HOME": str(tmp_path)},
    )
    assert result.exit_code == 0, result.output
    return result, database


@pytest.mark.slow
def test_a_real_la_from_a_fresh_store_gets_costs_and_caseload_with_intervals(tmp_path):
    files = [FILES[n] for n in ("status_quo.toml", "places.toml", "early_help.toml")]
    result, _ = _run(
        tmp_path, "--la", "Stockport", *files, "--format", "csv", "--simulations", "100"
    )
    table = pd.read_csv(io.StringIO(result.stdout))
    names = {"Baseline", "Status quo", "More specialist places", "Early help and SEN support"}
    assert set(table.scenario) == names
    projected = table[table.year > table.year.min()]
    assert (projected.cost_gbp_q05 < projected.cost_gbp_mean).all()
    assert (projected.cost_gbp_mean < projected.cost_gbp_q95).all()
    assert (projected.children_q05 < projected.children_q95).all()
    # the first year is Stockport's published January caseload, the same in every scenario
    tidy = read_release(bundled_release_path())
    published = tidy[
        (tidy.area_code == "356")
        & (tidy.year == table.year.min())
        & (tidy.measure == "caseload")
        & (tidy.dimension == "age_band")
        & (tidy.setting == "total")
    ].value.sum()
    first = table[table.year == table.year.min()]
    assert first.children_mean.round().eq(round(published)).all()
    # early help only acts on new plans: fewer children later, the same at first
    early = table[table.scenario == "Early help and SEN support"].set_index("year")
    base = table[table.scenario == "Baseline"].set_index("year")
    assert (early.children_mean <= base.children_mean + 1e-9).all()
    assert early.children_mean.iloc[-1] < base.children_mean.iloc[-1]
    assert (early.saving_gbp_mean.iloc[-2:] > 0).all()


@pytest.mark.slow
def test_la_is_a_name_a_dfe_number_or_a_gss_code_alike(tmp_path):
    outputs = []
    for la in ("Stockport", "356", "E08000007"):
        result, _ = _run(
            tmp_path, "--la", la, FILES["early_help.toml"], "--format", "csv", "--simulations", "20"
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


@pytest.mark.slow
def test_the_workbook_lists_every_source_and_assumption_and_scenarios_are_saved(tmp_path):
    out = tmp_path / "out"
    _, database = _run(
        tmp_path, "--la", "Leeds", "--folder", str(out), "--simulations", "20", "--save"
    )
    for chart in ("cost_by_scenario.png", "cost_by_scenario.svg", "saving_by_scenario.png"):
        assert (out / chart).stat().st_size > 1000
    book = openpyxl.load_workbook(out / "scenario_comparison.xlsx", read_only=True)
    assert len([n for n in book.sheetnames if n.endswith(" cost")]) == 5  # baseline + four
    sources = pd.read_excel(
        out / "scenario_comparison.xlsx", sheet_name="Sources and assumptions", engine="openpyxl"
    )
    assert {"Unit costs", "High Needs allocation", "Allocation growth", "Inflation"} <= set(
        sources.Input
    )
    assert len(list_scenarios(Store(database), "383")) == 4


def test_a_bad_scenario_file_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "Bad"\n[[intervention]]\ntype = "early_help"\nreduction = 2\nfrom_year = 2027\n'
    )
    result = CliRunner().invoke(app, ["run", "--la", "356", str(bad)])
    assert result.exit_code == 1
    assert "bad.toml" in result.output and "reduction" in result.output


def test_an_unknown_la_is_refused_with_a_message(tmp_path):
    result = CliRunner().invoke(
        app,
        ["run", "--la", "Stockbridge"],
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}",
            "HIGHNEEDS_HOME": str(tmp_path),
        },
    )
    assert result.exit_code == 1
    assert "Stockbridge" in result.output and "Traceback" not in result.output
