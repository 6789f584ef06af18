"""Several releases merged: the newer wins where they overlap, and differences are reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from highneeds.readers.dfe_merge import merge_releases
from highneeds.readers.dfe_schema import TIDY_COLUMNS


def _totals(tidy, measure="caseload"):
    rows = tidy[
        (tidy["measure"] == measure) & (tidy["setting"] == "total") & (tidy["dimension"] == "total")
    ]
    return rows.set_index(["area_code", "year"])["value"]


def test_layouts_agree_on_caseload_totals_2019_to_2022(tidy_2022, tidy_2025):
    """2022 release Total_all vs 2025 release ehcplans for the ten sample LAs."""
    old = _totals(tidy_2022)
    new = _totals(tidy_2025)
    new = new[new.index.get_level_values("year") <= 2022]
    both = pd.concat({"old": old, "new": new}, axis=1, join="inner")
    # Nine LAs x 2019-2022, and Northamptonshire (928) for 2019-2021 only: from January 2022
    # DfE publishes North (940) and West (941) Northamptonshire instead, which the 2025 sample
    # (filtered by the name "Northamptonshire") does not hold.
    assert len(both) == 9 * 4 + 3
    assert (both["old"] == both["new"]).all(), both[both["old"] != both["new"]]
    assert ("928", 2022) not in old.index and ("928", 2022) not in new.index
    assert old[("940", 2022)] + old[("941", 2022)] > old[("928", 2021)]


def test_merged_real_releases_report_scope_changes(tidy_2022, tidy_2025):
    merged, differences = merge_releases([tidy_2022, tidy_2025])
    assert list(merged.columns) == TIDY_COLUMNS
    key = ["area_code", "year", "measure", "setting", "dimension", "category"]
    assert not merged.duplicated(key).any()
    # Overlapping slices come whole from the 2025 release...
    essex_2022 = merged[
        (merged["area_code"] == "881")
        & (merged["year"] == 2022)
        & (merged["measure"] == "caseload")
        & (merged["dimension"] == "total")
    ]
    assert set(essex_2022["release"]) == {"2025"}
    # ...and England (not in the sample) stays from the 2022 release.
    england = _totals(merged[merged["release"] == "2022"])
    assert ("E92000001", 2022) in england.index
    # The 2025 layout counts NEET inside "educated elsewhere": reported, not hidden.
    changed = differences[
        (differences["measure"] == "caseload")
        & (differences["setting"] == "group:educated_elsewhere")
    ]
    assert len(changed) > 0 and set(changed["kind"]) == {"changed"}
    dropped = differences[differences["setting"] == "group:neet"]
    assert set(dropped["kind"]) == {"not_in_newer"}
    # Totals agree, so no total is a difference.
    totals = differences[
        (differences["setting"] == "total")
        & (differences["measure"] == "caseload")
        & (differences["dimension"] == "total")
    ]
    assert totals.empty


def _row(release, value, status=None, setting="total", area="356"):
    return {
        "release": release,
        "geographic_level": "la",
        "area_code": area,
        "area_gss": None,
        "area_name": "Stockport",
        "region_code": None,
        "year": 2022,
        "period": "2022",
        "measure": "caseload",
        "setting": setting,
        "dimension": "total",
        "category": "total",
        "value": value,
        "status": status,
    }


def test_newer_release_wins_and_differences_are_listed():
    old = pd.DataFrame(
        [
            _row("2022", 100.0),
            _row("2022", 60.0, setting="special_la_maintained"),
            _row("2022", 5.0, setting="hospital_school"),
            _row("2022", 7.0, area="357"),
        ]
    )
    new = pd.DataFrame([_row("2023", 101.0), _row("2023", np.nan, "x", "special_la_maintained")])
    merged, differences = merge_releases([new, old])
    stockport = merged[merged["area_code"] == "356"].set_index("setting")
    assert stockport.loc["total", "value"] == 101
    assert stockport.loc["special_la_maintained", "status"] == "x"
    assert "hospital_school" not in stockport.index  # the slice comes whole from the newer one
    assert merged.loc[merged["area_code"] == "357", "value"].tolist() == [7.0]
    by_setting = differences.set_index("setting")
    assert by_setting.loc["total", "change"] == pytest.approx(1.0)
    assert by_setting.loc["special_la_maintained", "status_new"] == "x"
    assert by_setting.loc["hospital_school", "kind"] == "not_in_newer"
    assert len(differences) == 3


def test_identical_releases_have_no_differences():
    frame = pd.DataFrame([_row("2022", 100.0), _row("2022", np.nan, "z", "hospital_school")])
    merged, differences = merge_releases([frame, frame.assign(release="2023")])
    assert differences.empty
    assert set(merged["release"]) == {"2023"}
