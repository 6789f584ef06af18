"""The command line over a real store: import the bundled release, then show an LA."""

import json

import pytest
from typer.testing import CliRunner

from highneeds.cli.main import app

runner = CliRunner()


@pytest.fixture
def cli_env(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store.url)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    return store


@pytest.mark.slow
def test_import_list_show_round_trip(cli_env):
    first = runner.invoke(app, ["data", "import", "--bundled"])
    assert first.exit_code == 0, first.output
    assert "imported" in first.output
    again = runner.invoke(app, ["data", "import", "--bundled"])
    assert again.exit_code == 0 and "already imported" in again.output

    listed = runner.invoke(app, ["data", "list", "--format", "json"])
    rows = json.loads(listed.output)["rows"]
    assert len(rows) == 1 and rows[0]["release"] == "2022"

    shown = runner.invoke(app, ["la", "show", "stockport", "--format", "json", "--year", "2019"])
    assert shown.exit_code == 0, shown.output
    records = json.loads(shown.output)["rows"]
    ehcps = {
        (r["section"], r["area_code"], r["year"]): r["value"]
        for r in records
        if r["measure"] == "ehcps"
    }
    assert ehcps[("history", "356", 2022)] == 2618
    assert ehcps[("comparison", "356", 2019)] == 2195

    table = runner.invoke(app, ["la", "show", "Stockport"])
    assert table.exit_code == 0 and "2,618" in table.output and "473,255" in table.output


def test_show_before_import_explains_what_to_do(cli_env):
    result = runner.invoke(app, ["la", "show", "Stockport"])
    assert result.exit_code == 1
    assert "highneeds data import --bundled" in result.output


def test_misspelt_la_is_an_error_with_suggestions(cli_env):
    result = runner.invoke(app, ["la", "show", "Stokport"])
    assert result.exit_code == 1 and "Stockport" in result.output


def test_la_list_by_region():
    result = runner.invoke(app, ["la", "list", "--region", "north west", "--format", "json"])
    assert result.exit_code == 0, result.output
    names = {row["la_name"] for row in json.loads(result.output)["rows"]}
    assert "Stockport" in names and "Leeds" not in names
    assert len(names) == 24  # the North West since April 2023 (Cumbria became two LAs)


def test_unknown_region_lists_the_regions():
    result = runner.invoke(app, ["la", "list", "--region", "Atlantis"])
    assert result.exit_code == 1 and "North West" in result.output


def test_help_explains_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("data", "la", "demo"):
        assert command in result.output
