"""`highneeds forecast markov --la CODE` forecasts from the SEN2 returns in the store."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.cli.main import app
from highneeds.importers.sen2 import import_demo

runner = CliRunner()


@pytest.fixture
def cli_store(store, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", store.url)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    return store


def test_la_without_returns_says_what_to_import(cli_store, tmp_path):
    result = runner.invoke(app, ["forecast", "markov", "--la", "999", "--folder", str(tmp_path)])
    assert result.exit_code == 1
    assert "import its SEN2 returns" in result.output


def test_csv_and_la_together_are_refused(cli_store, tmp_path):
    result = runner.invoke(app, ["forecast", "markov", "x.csv", "--la", "999"])
    assert result.exit_code == 1 and "not both" in result.output


@pytest.mark.slow
def test_forecast_from_the_demo_la_in_the_store(cli_store, tmp_path):
    import_demo(cli_store)
    out = tmp_path / "fc"
    result = runner.invoke(
        app,
        [
            "forecast",
            "markov",
            "--la",
            "999",
            "--folder",
            str(out),
            "--simulations",
            "200",
            "--horizon",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    total = pd.read_csv(out / "total.csv")
    first = total.iloc[0]
    # The origin year is the last census in the store: no uncertainty about it.
    assert first["q2.5"] == first["q97.5"] == first["expected"]
    assert list(total["year"]) == list(range(int(first["year"]), int(first["year"]) + 4))
    assert (total["q10"] <= total["median"]).all() and (total["median"] <= total["q90"]).all()
