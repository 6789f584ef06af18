"""The overview after a newer DfE release (the 2023 layout, the 2025 sample) is imported:
every year and column it publishes, checked against the sample's own CSV files."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from highneeds.analysis.overview import la_overview, overview_from_store
from highneeds.cli.main import app
from highneeds.importers.dfe import bundled_release_path, import_release
from highneeds.readers.dfe_ehcp import read_release
from highneeds.readers.dfe_merge import newest_wins
from highneeds.vocabulary import age_band_of_age

runner = CliRunner()
SAMPLE = "dfe-ehcp-2025-sample"


@pytest.fixture(scope="module")
def raw_caseload(shared_data) -> pd.DataFrame:
    """Wakefield's rows of the sample's caseload.csv, as published (January census years)."""
    raw = pd.read_csv(shared_data / SAMPLE / "data" / "caseload.csv", dtype=str)
    raw = raw[raw["la_name"] == "Wakefield"].copy()
    raw["year"] = raw["time_period"].str[4:].astype(int) + 2000  # 202425 -> January 2025
    return raw


@pytest.fixture(scope="module")
def merged(shared_data, bundled_stats) -> pd.DataFrame:
    return newest_wins(pd.concat([bundled_stats, read_release(shared_data / SAMPLE)]))


@pytest.fixture(scope="module")
def wakefield(merged):
    return la_overview(merged, "Wakefield")


def test_latest_year_is_the_newest_release(wakefield, raw_caseload):
    assert wakefield.year == raw_caseload["year"].max() == 2025
    totals = raw_caseload[raw_caseload["breakdown_topic"] == "All EHC plans"]
    for row in totals.itertuples():
        assert wakefield.history.loc[row.year, "ehcps"] == float(row.ehcplans)


def test_early_years_from_the_newer_layout(wakefield, raw_caseload):
    """The 2023 layout gives non-maintained early years only as a placement column."""
    totals = raw_caseload[raw_caseload["breakdown_topic"] == "All EHC plans"]
    published = {row.year: float(row.nm_early_years) for row in totals.itertuples()}
    assert {2023, 2024, 2025} <= set(published)
    for year, count in published.items():
        assert wakefield.history.loc[year, "early_years"] == count


def test_age_bands_add_up_the_single_ages(wakefield, raw_caseload):
    ages = raw_caseload[raw_caseload["breakdown_topic"] == "Child or young persons age"].copy()
    assert not ages.empty
    years = sorted(ages["year"].unique())
    assert years[-1] == 2025
    number = ages["breakdown"].str.extract(r"(\d+)")[0].astype(int)
    under = ages["breakdown"].str.contains("under", case=False)
    ages["band"] = [age_band_of_age(n - 1 if u else n) for n, u in zip(number, under, strict=True)]
    ages["count"] = ages["ehcplans"].astype(float)
    expected = ages.groupby(["year", "band"])["count"].sum()
    for (year, band), count in expected.items():
        assert wakefield.history.loc[year, f"age_{band}"] == count
    # Bands of the two layouts add up to the caseload they describe (none is left out).
    bands = [c for c in wakefield.history if c.startswith("age_")]
    assert wakefield.history.loc[2025, bands].sum() <= wakefield.history.loc[2025, "ehcps"]


def test_symbols_are_kept_not_turned_into_gaps(merged, wakefield):
    """Where DfE published a symbol the overview keeps it beside the missing figure."""
    rows = merged[
        (merged.area_code == "384")
        & (merged.measure == "timeliness_20_weeks_incl_exceptions_pc")
        & (merged.setting == "total")
        & (merged.dimension == "total")
        & merged.status.notna()
    ]
    assert not rows.empty
    for row in rows.itertuples():
        assert pd.isna(wakefield.history.loc[row.year, "issued_within_20_weeks_pct"])
        assert wakefield.history_symbols.loc[row.year, "issued_within_20_weeks_pct"] == row.status


@pytest.fixture
def sample_store(store, monkeypatch, tmp_path, shared_data):
    monkeypatch.setenv("DATABASE_URL", store.url)
    monkeypatch.setenv("HIGHNEEDS_HOME", str(tmp_path))
    import_release(store, bundled_release_path())
    import_release(store, shared_data / SAMPLE)
    return store


@pytest.mark.slow
def test_la_show_wakefield_after_the_2025_sample(sample_store, raw_caseload):
    result = runner.invoke(app, ["la", "show", "Wakefield"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "January 2025" in result.output and "January 2023" in result.output
    assert "Non-maintained early years" in result.output
    assert "EHCPs by age band" in result.output  # the table (its headings may wrap)
    # The symbols DfE published print as themselves, with their meaning said once.
    assert "Symbols: x = not available; z = not applicable." in result.output

    shown = runner.invoke(app, ["la", "show", "Wakefield", "--format", "json"])
    rows = json.loads(shown.output)["rows"]
    history = {
        (r["January census"], r["Measure"]): r["Value"]
        for r in rows
        if r["Section"] == "The LA by January census"
    }
    totals = raw_caseload[raw_caseload["breakdown_topic"] == "All EHC plans"]
    for row in totals.itertuples():
        assert history[(row.year, "Non-maintained early years")] == float(row.nm_early_years)
    assert history[(2015, "New plans issued within 20 weeks %")] == "z"
    assert all(isinstance(history[(y, "Age 11 to 15")], float) for y in (2024, 2025))


@pytest.mark.slow
def test_cli_and_core_give_the_same_numbers(sample_store):
    """The command line shows what the one core path (also the web's) computes."""
    for model in ("2021", "2025"):
        core = overview_from_store(sample_store, "Stockport", neighbours_model=model)
        shown = runner.invoke(
            app, ["la", "show", "Stockport", "--neighbours", model, "--format", "json"]
        )
        assert shown.exit_code == 0, shown.output
        rows = json.loads(shown.output)["rows"]
        mean = next(
            r["Value"] for r in rows if r["Area code"] == "neighbours" and r["Measure"] == "EHCPs"
        )
        assert mean == pytest.approx(core.comparison.loc["neighbours", "ehcps"])
        assert f"mean of 10 (DfE {model} model)" in core.comparison.loc["neighbours", "area"]


@pytest.mark.slow
def test_the_web_overview_shows_the_command_lines_neighbours(sample_store):
    """The workspace's overview page is built from the same core path as `la show`."""
    from highneeds.analysis.overview_tables import overview_tables

    comparison = overview_tables(sample_store, "356")["comparison"].labelled().set_index("Area")
    shown = runner.invoke(app, ["la", "show", "Stockport", "--format", "json"])
    rows = json.loads(shown.output)["rows"]
    cli = {
        r["Area"]: r["Value"]
        for r in rows
        if r["Section"] != "The LA by January census" and r["Measure"] == "EHCPs"
    }
    label = "Neighbours: mean of 10 (DfE 2025 model)"
    assert label in comparison.index and label in cli
    assert comparison.loc[label, "EHCPs"] == pytest.approx(cli[label])
    assert comparison.loc["Stockport", "EHCPs"] == cli["Stockport"]
