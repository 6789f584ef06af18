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
    assert len(rows) == 1 and rows[0]["Release"] == "2022"

    shown = runner.invoke(app, ["la", "show", "stockport", "--format", "json", "--year", "2019"])
    assert shown.exit_code == 0, shown.output
    records = json.loads(shown.output)["rows"]
    ehcps = {
        (r["Section"], r["Area code"], r["January census"]): r["Value"]
        for r in records
        if r["Measure"] == "EHCPs"
    }
    assert ehcps[("The LA by January census", "356", 2022)] == 2618
    assert ehcps[("Beside its neighbours, region and England", "356", 2019)] == 2195

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
    names = {row["Local authority"] for row in json.loads(result.output)["rows"]}
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


@pytest.mark.slow
def test_a_fresh_embedded_store_loads_the_bundled_release_once(monkeypatch, tmp_path):
    """`pip install . && highneeds la show Stockport` works: no import step first."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path / "fresh"))
    first = runner.invoke(app, ["la", "show", "Stockport"])
    assert first.exit_code == 0, first.output
    assert first.output.count("highneeds loaded the release it ships with") == 1
    assert "2,618" in first.output  # Stockport, January 2022, as published
    again = runner.invoke(app, ["la", "show", "Stockport"])
    assert again.exit_code == 0 and "loaded the release" not in again.output
    listed = runner.invoke(app, ["data", "list", "--format", "json"])
    assert len(json.loads(listed.output)["rows"]) == 1


def test_a_team_database_is_not_filled_behind_its_owners_back(cli_env):
    """With DATABASE_URL set, an empty store says what to import instead of importing."""
    result = runner.invoke(app, ["la", "show", "Stockport"])
    assert result.exit_code == 1 and "loaded the release" not in result.output


@pytest.fixture
def imported(cli_env):
    from highneeds.importers.dfe import bundled_release_path, import_release

    import_release(cli_env, bundled_release_path())
    return cli_env


@pytest.mark.slow
@pytest.mark.parametrize("model", ["2021", "2025"])
def test_tables_fit_80_columns_without_cutting_a_name(imported, model):
    from highneeds import reference

    result = runner.invoke(
        app, ["la", "show", "Stockport", "--neighbours", model], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output
    for name in reference.statistical_neighbours("356", model=model)["neighbour_name"]:
        assert any(name in line for line in lines), name  # whole, on one line
    assert f"Neighbours: mean of 10 (DfE {model} model)" in result.output


@pytest.mark.slow
def test_out_writes_what_the_screen_would_show(imported, tmp_path):
    target = tmp_path / "stockport.csv"
    written = runner.invoke(app, ["la", "show", "Stockport", "--format", "csv", "--out", target])
    assert written.exit_code == 0, written.output
    assert f"Wrote {target}" in written.output
    printed = runner.invoke(app, ["la", "show", "Stockport", "--format", "csv"])
    assert target.read_text(encoding="utf-8") == printed.stdout
    header = printed.stdout.splitlines()[0]
    assert header == "Section,Area code,Area,January census,Measure,Value"


def test_out_to_a_folder_that_does_not_exist_is_a_clear_error(tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "las.csv"
    result = runner.invoke(app, ["la", "list", "--format", "csv", "--out", str(target)])
    assert result.exit_code == 1
    assert "could not write" in result.output and "Traceback" not in result.output
