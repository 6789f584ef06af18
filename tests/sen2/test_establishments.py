"""The LA's establishment list: URN -> GIAS type -> setting."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.errors import InputFileError
from highneeds.sen2.establishments import placement_settings, read_establishments


def _places(**columns):
    base = {
        "urn": [None],
        "ukprn": [None],
        "sen_setting": [None],
        "sen_unit_indicator": [0],
        "resourced_provision_indicator": [0],
    }
    base.update({k: [v] for k, v in columns.items()})
    return pd.DataFrame(base)


def test_la_list_maps_urns_to_settings(tmp_path):
    path = tmp_path / "estab.csv"
    path.write_text("URN,Name,GIAS_type_code\n100001,Hill Primary,1\n100002,Vale Academy,28\n")
    est = read_establishments(path)
    assert placement_settings(_places(urn="100001"), est).item() == "mainstream_la_maintained"
    rp = _places(urn="100002", resourced_provision_indicator=1)
    assert placement_settings(rp, est).item() == "mainstream_academy_rp"
    assert placement_settings(_places(sen_setting="EHE"), est).item() == "elective_home_education"
    assert placement_settings(_places(urn="999999"), est).item() == "unknown"
    assert placement_settings(_places(ukprn="10000001"), est).item() == "fe_ukrlp_provider"


def test_la_list_missing_a_column(tmp_path):
    path = tmp_path / "estab.csv"
    path.write_text("urn,name\n100001,Hill Primary\n")
    with pytest.raises(InputFileError, match="gias_type_code"):
        read_establishments(path)
