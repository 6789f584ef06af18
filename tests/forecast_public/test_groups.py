"""Setting-group breakdown of the public-data model: shares that add up to the total."""

import numpy as np
import pandas as pd
import pytest

from highneeds.errors import ModelInputError
from highneeds.forecast.public import Panel, PublicStockFlowForecaster
from highneeds.forecast.public_groups import GROUPS, group_caseload, group_draws
from highneeds.forecast.result import QUANTILES

#: Fixed setting-group split of every synthetic LA's caseload (mainstream … other).
SPLIT = np.array([0.4, 0.35, 0.03, 0.15, 0.02, 0.05])


def _with_groups(panel: Panel, split=SPLIT) -> Panel:
    total = panel.caseload.sum(axis=2)
    groups = total[:, :, None] * np.asarray(split)[None, None, :]
    return Panel(panel.areas, panel.years, panel.caseload, panel.new_plans, groups)


@pytest.fixture(scope="module")
def grouped(synthetic_panel):
    return _with_groups(synthetic_panel)


def test_groups_add_up_to_the_total_and_quantiles_are_ordered(grouped):
    table = PublicStockFlowForecaster().forecast(grouped, 2020, 3, setting_groups=True)
    groups = table[table["setting_group"] != "total"]
    assert set(groups["setting_group"]) == set(GROUPS)
    assert (groups["age_band"] == "total").all()
    total = table[(table["age_band"] == "total") & (table["setting_group"] == "total")]
    summed = groups.groupby(["area_code", "year"])["expected"].sum()
    np.testing.assert_allclose(summed, total.set_index(["area_code", "year"])["expected"])
    q = groups[[name for name, _ in QUANTILES]].to_numpy()
    assert np.isfinite(q).all()
    assert (np.diff(q, axis=1) >= -1e-9).all()
    assert (groups["q10"] < groups["q90"]).all()
    # a constant split is forecast as that split: no trend in a series without one
    total_of = total.set_index(["area_code", "year"])["expected"]
    keys = pd.MultiIndex.from_frame(groups[["area_code", "year"]])
    share = groups["expected"].to_numpy() / total_of.reindex(keys).to_numpy()
    expected_share = groups["setting_group"].map(dict(zip(GROUPS, SPLIT, strict=True)))
    # half a child added before logs moves a tiny group's share a little, no more
    np.testing.assert_allclose(share, expected_share, rtol=0.05, atol=1e-3)


def test_every_joint_draw_splits_its_own_total():
    rng = np.random.default_rng(1)
    total = rng.uniform(100, 1000, size=(4, 50))
    centre = rng.normal(size=(4, len(GROUPS)))
    errors = rng.normal(scale=0.3, size=(50, len(GROUPS)))
    draws = group_draws(total, centre, errors)
    assert draws.shape == (4, 50, len(GROUPS))
    assert (draws >= 0).all()
    np.testing.assert_allclose(draws.sum(axis=2), total)


def test_group_forecast_does_not_peek_past_the_origin(grouped):
    model = PublicStockFlowForecaster()
    before = model.forecast(grouped, 2018, 3, setting_groups=True)
    later = grouped.years > 2018
    groups = grouped.groups.copy()
    groups[:, later, 0] *= 5.0  # mainstream explodes after the origin
    groups[:, later, 3] = np.nan  # FE unpublished after the origin
    caseload = grouped.caseload.copy()
    caseload[:, later] *= 2.0
    changed = Panel(grouped.areas, grouped.years, caseload, grouped.new_plans, groups)
    after = model.forecast(changed, 2018, 3, setting_groups=True)
    pd.testing.assert_frame_equal(before, after)
    # ...while a different split at the origin moves the group forecast
    groups[:, grouped.years == 2018] *= SPLIT[::-1] / SPLIT
    origin_split = Panel(grouped.areas, grouped.years, grouped.caseload, grouped.new_plans, groups)
    moved = model.forecast(origin_split, 2018, 1, setting_groups=True)
    mainstream = moved[moved["setting_group"] == "mainstream"]["expected"]
    first = before[(before["setting_group"] == "mainstream") & (before["horizon"] == 1)]
    assert (mainstream.to_numpy() < 0.5 * first["expected"].to_numpy()).all()


def test_other_completes_the_total_and_an_unpublished_group_year_has_no_breakdown():
    rows = []
    for year, fe in ((2014, None), (2015, 6.0)):
        for group, value in (
            ("mainstream", 50.0),
            ("special", 30.0),
            ("ap_pru", 2.0),
            ("fe", fe),
            ("early_years", 1.0),
            ("educated_elsewhere", 4.0),
        ):
            if value is not None:
                rows.append(("la", "901", year, "caseload", f"group:{group}", "total", value))
    tidy = pd.DataFrame(
        rows,
        columns=[
            "geographic_level",
            "area_code",
            "year",
            "measure",
            "setting",
            "dimension",
            "value",
        ],
    )
    total = np.array([[89.0, 100.0]])
    groups = group_caseload(tidy, pd.Series(["901"]), np.array([2014, 2015]), total)
    assert np.isnan(groups[0, 0]).all()  # no FE anywhere in 2014: no breakdown that year
    np.testing.assert_allclose(groups[0, 1], [50, 30, 2, 6, 1, 11])  # other = 100 − 89
    np.testing.assert_allclose(groups[0, 1].sum(), total[0, 1])
    too_small = group_caseload(tidy, pd.Series(["901"]), np.array([2014, 2015]), total - 20)
    assert np.isnan(too_small[0, 1]).all()  # groups exceed the total: inconsistent, unused


def test_setting_groups_need_a_breakdown(synthetic_panel):
    model = PublicStockFlowForecaster().fit(synthetic_panel, 2020)
    with pytest.raises(ModelInputError, match="no setting-group breakdown"):
        model.predict(1, setting_groups=True)
    plain = model.predict(1)
    assert set(plain["setting_group"]) == {"total"}
