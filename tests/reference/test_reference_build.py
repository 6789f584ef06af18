"""The build checks the hand-written reorganisation records against the published figures."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from highneeds.errors import InputFileError
from highneeds.reference import build
from highneeds.reference.changes import REORGANISATIONS


@dataclasses.dataclass(frozen=True)
class TwoYears(build.SourceFiles):
    """The shared data, with only mid-2021 (old geography) and mid-2023 (new) estimates."""

    @property
    def mye(self) -> list[Path]:
        folder = self.root / "ons-population"
        return [
            folder / "ukpopestimatesmid2021on2021geographyfinal.xls",
            folder / "mye23tablesew.xlsx",
        ]


@pytest.fixture(scope="module")
def files(shared_data):
    return TwoYears(shared_data)


@pytest.fixture(scope="module")
def las(files):
    return build.build_las(files)


@pytest.mark.slow
def test_cumberland_is_rebuilt_from_its_districts(files, las):
    estimates = build.build_population_estimates(files, las, build.build_ltla_utla(files))
    persons = estimates[(estimates.sex == "persons") & (estimates.year == 2021)]
    persons = persons.set_index("area_code")
    cumberland, cumbria = persons.loc["E06000063"], persons.loc["E10000006"]
    assert cumberland.derived_from == "E07000026+E07000028+E07000029"
    westmorland = persons.loc["E06000064"]
    # The county row as published equals the two new unitaries built from districts.
    assert cumbria.all_ages == cumberland.all_ages + westmorland.all_ages == 500821


@pytest.mark.slow
def test_a_wrong_reorganisation_record_stops_the_build(files, las, monkeypatch):
    cumbria = next(c for c in REORGANISATIONS if c.predecessors == ("909",))
    wrong = dataclasses.replace(
        cumbria,
        districts={  # Allerdale put in Westmorland and Furness by mistake
            "942": ("E07000028", "E07000029"),
            "943": ("E07000026", "E07000027", "E07000030", "E07000031"),
        },
    )
    patched = tuple(wrong if c is cumbria else c for c in REORGANISATIONS)
    monkeypatch.setattr(build, "REORGANISATIONS", patched)
    # Cumbria still adds up; Cumberland and Westmorland and Furness do not carry on from
    # 2021 (summed from districts) to 2023 (published whole).
    with pytest.raises(InputFileError, match=r"E06000063 has .* people in 2021") as caught:
        build.build_population_estimates(files, las, build.build_ltla_utla(files))
    assert "highneeds.reference.changes" in str(caught.value)
