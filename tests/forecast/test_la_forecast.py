"""One LA's forecast as titled tables: the public-data model for an LA without SEN2 returns."""

from __future__ import annotations

import pytest

from highneeds.errors import NotFoundError
from highneeds.forecast.la_forecast import la_forecast, public_forecast


@pytest.fixture(scope="module")
def stockport(bundled_stats):
    return public_forecast(bundled_stats, "356", horizon=3)


def test_public_forecast_starts_from_the_published_caseload(stockport, bundled_stats):
    total = stockport["total"].frame
    published = bundled_stats[
        (bundled_stats["area_code"] == "356")
        & (bundled_stats["year"] == 2022)
        & (bundled_stats["measure"] == "caseload")
        & (bundled_stats["setting"] == "total")
        & (bundled_stats["dimension"] == "total")
    ]["value"]
    assert total["year"].tolist() == [2022, 2023, 2024, 2025]
    assert total.iloc[0]["median"] == published.item()
    notes = " ".join(stockport["notes"].frame["note"])
    assert f"Forecast from January 2022, when the LA had {published.item():,.0f} EHCPs" in notes
    assert "Public-data model" in notes


def test_public_forecast_has_intervals_whose_bounds_differ(stockport):
    ahead = stockport["total"].frame.iloc[1:]
    assert (ahead["q2.5"] < ahead["q10"]).all()
    assert (ahead["q10"] < ahead["median"]).all()
    assert (ahead["median"] < ahead["q90"]).all()
    assert (ahead["q90"] < ahead["q97.5"]).all()
    assert stockport["total"].labelled().columns[-1] == "Upper 95% bound"


def test_public_forecast_breaks_down_by_age_band_and_setting_group(stockport):
    bands = stockport["by_age_band"].labelled()
    assert list(bands.columns)[:2] == ["January census year", "Under 5"]
    groups = stockport["by_setting_group"].frame.set_index("year")
    total = stockport["total"].frame.set_index("year").loc[groups.index]
    # medians of parts need not add up to the median of the whole, but lie within its 80%
    added = groups.sum(axis=1)
    assert ((total["q10"] < added) & (added < total["q90"])).all()


def test_an_la_without_returns_or_statistics_is_told_what_to_upload(store):
    with pytest.raises(NotFoundError, match="upload its SEN2 returns, or a DfE EHCP release"):
        la_forecast(store, "356", horizon=3, simulations=100, seed=1, estimation="bayes")
