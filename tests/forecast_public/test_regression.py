"""The pooled direct regression: one of the parts the public-data model can combine."""

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.public import PublicStockFlowForecaster
from highneeds.forecast.public_regression import direct_growth

#: England's yearly log growth and how much a point of inflow above England's adds to it
#: in the hand-made process below.
ENGLAND_GROWTH = 0.05
INFLOW_EFFECT = 0.6


def _process(las: int = 30, years: int = 12, seed: int = 1):
    """Caseload whose growth over England's is INFLOW_EFFECT × the LA's inflow rate (new
    plans ÷ caseload) over England's that year, exactly; the inflow rates are random."""
    rng = np.random.default_rng(seed)
    total = np.zeros((las, years))
    rate = rng.uniform(0.05, 0.2, (las, years))
    total[:, 0] = rng.uniform(500, 3000, las)
    for t in range(years - 1):
        national = (rate[:, t] * total[:, t]).sum() / total[:, t].sum()
        total[:, t + 1] = total[:, t] * np.exp(
            ENGLAND_GROWTH + INFLOW_EFFECT * (rate[:, t] - national)
        )
    england = 1e5 * np.exp(ENGLAND_GROWTH * np.arange(years))
    return total, rate * total, england


def test_direct_growth_learns_the_inflow_effect_from_earlier_years_only():
    total, new, england = _process()
    o = 8
    growth = direct_growth(total, new, england, o, horizon=2, years=2)
    national = new[:, o].sum() / total[:, o].sum()
    inflow = new[:, o] / total[:, o]
    # one year ahead the process is linear in the features, so the fit is exact
    truth = np.log(total[:, o + 1] / total[:, o])
    np.testing.assert_allclose(growth[:, 0], truth, atol=1e-9)
    np.testing.assert_allclose(growth[:, 0], ENGLAND_GROWTH + INFLOW_EFFECT * (inflow - national))
    # two years ahead only the first year's inflow is known: about half the effect a year
    relative = growth[:, 1] / 2 - ENGLAND_GROWTH
    slope = np.polyfit(inflow - national, relative, 1)[0]
    assert 0.4 * INFLOW_EFFECT < slope < 0.6 * INFLOW_EFFECT
    # nothing after the origin is read: change it all and the forecast stays
    later = total.copy()
    later[:, o + 1 :] *= 3
    gone = new.copy()
    gone[:, o + 1 :] = np.nan
    np.testing.assert_array_equal(direct_growth(later, gone, england, o, 2, 2), growth)


def test_direct_growth_is_nan_where_it_cannot_be_fitted():
    total, new, england = _process(years=4)
    assert np.isnan(direct_growth(total, new, england, 1, 1, 2)).all()  # no two-year growth
    # origin 3: one training year for horizon 1 (30 rows, fewer than it needs)
    assert np.isnan(direct_growth(total, new, england, 3, 1, 2)).all()


def test_the_regression_alone_grows_the_origin_total_and_is_ignored_at_weight_zero(
    synthetic_panel,
):
    model = PublicStockFlowForecaster(combination=(0, 0, 0, 1)).fit(synthetic_panel, 2020)
    table = model.predict(7)  # past the five horizons fitted: the fifth's rate continues
    o = list(synthetic_panel.years).index(2020)
    start = pd.Series(synthetic_panel.total[:, o], index=synthetic_panel.areas["area_code"])
    direct = model.fit_.direct
    for h in (1, 5, 7):
        rows = table[(table["age_band"] == "total") & (table["horizon"] == h)]
        growth = direct[:, h - 1] if h <= 5 else direct[:, 4] * h / 5
        grown = pd.Series(np.exp(growth), index=start.index) * start
        np.testing.assert_allclose(
            rows.set_index("area_code")["expected"], grown.reindex(rows["area_code"])
        )
    three = PublicStockFlowForecaster(combination=(0.2, 0.5, 0.3)).forecast(
        synthetic_panel, 2020, 3
    )
    four = PublicStockFlowForecaster(combination=(0.2, 0.5, 0.3, 0)).forecast(
        synthetic_panel, 2020, 3
    )
    pd.testing.assert_frame_equal(three, four)


@pytest.mark.parametrize("weights", [(0.5, 0.5), (0.2, 0.2, 0.2, 0.2, 0.2), (0.5, 0.6, -0.1, 0)])
def test_combination_needs_three_or_four_weights_adding_up_to_one(synthetic_panel, weights):
    with pytest.raises(ModelInputError, match="combination"):
        PublicStockFlowForecaster(combination=weights).fit(synthetic_panel, 2020)


#: How much a point of requests ÷ caseload above England's adds to the next year's growth in
#: the hand-made process below.
REQUEST_EFFECT = 0.3


def _process_with_requests(las: int = 30, years: int = 12, first: int = 5, seed: int = 2):
    """As :func:`_process`, plus requests for assessment published from index ``first`` on
    (NaN before, as DfE's start in 2017), whose rate over England's adds REQUEST_EFFECT."""
    rng = np.random.default_rng(seed)
    total = np.zeros((las, years))
    rate = rng.uniform(0.05, 0.2, (las, years))
    asked = rng.uniform(0.1, 0.4, (las, years))
    total[:, 0] = rng.uniform(500, 3000, las)
    for t in range(years - 1):
        national = (rate[:, t] * total[:, t]).sum() / total[:, t].sum()
        national_asked = (asked[:, t] * total[:, t]).sum() / total[:, t].sum()
        total[:, t + 1] = total[:, t] * np.exp(
            ENGLAND_GROWTH
            + INFLOW_EFFECT * (rate[:, t] - national)
            + REQUEST_EFFECT * (asked[:, t] - national_asked)
        )
    requests = asked * total
    requests[:, :first] = np.nan
    england = 1e5 * np.exp(ENGLAND_GROWTH * np.arange(years))
    return total, rate * total, england, requests


def test_requests_join_the_regression_where_enough_years_carry_them():
    total, new, england, requests = _process_with_requests()
    o = 8  # training years with requests for horizon 1: 5, 6, 7 (90 rows); horizon 3: 5 (30)
    growth = direct_growth(total, new, england, o, horizon=3, years=2, requests=requests)
    without = direct_growth(total, new, england, o, horizon=3, years=2)
    truth = np.log(total[:, o + 1] / total[:, o])
    # one year ahead the process is linear in the three features: the fit is exact
    np.testing.assert_allclose(growth[:, 0], truth, atol=1e-9)
    assert np.abs(without[:, 0] - truth).max() > 0.01  # without requests it is not
    # three years ahead too few LA-years carry requests (30 < MIN_ROWS): the two features
    np.testing.assert_array_equal(growth[:, 2], without[:, 2])
    # an LA without requests at the origin keeps the two-feature prediction
    missing = requests.copy()
    missing[0, o] = np.nan
    partly = direct_growth(total, new, england, o, horizon=1, years=2, requests=missing)
    assert partly[0, 0] == without[0, 0]
    np.testing.assert_allclose(partly[1:, 0], truth[1:], atol=0.02)
    # nothing after the origin is read
    later = requests.copy()
    later[:, o + 1 :] *= 5
    np.testing.assert_array_equal(
        direct_growth(total, new, england, o, 3, 2, requests=later), growth
    )


def test_the_model_reads_requests_only_when_asked(synthetic_panel):
    import dataclasses

    rate = np.random.default_rng(3).uniform(0.2, 0.4, synthetic_panel.total.shape)
    asked = np.where(synthetic_panel.years >= 2016, rate, np.nan) * synthetic_panel.total
    with_requests = dataclasses.replace(synthetic_panel, requests=asked)
    plain = PublicStockFlowForecaster(requests=False).forecast(with_requests, 2020, 2)
    pd.testing.assert_frame_equal(
        plain, PublicStockFlowForecaster().forecast(synthetic_panel, 2020, 2)
    )
    used = PublicStockFlowForecaster().forecast(with_requests, 2020, 2)
    assert not np.allclose(used["expected"], plain["expected"])
