"""LA code changes: the shipped lineage table and continuous series across reorganisations."""

from __future__ import annotations

import pytest

from highneeds.readers.la_lineage import continuous_series, lineage_group, load_lineage
from highneeds.reference.changes import REORGANISATIONS


@pytest.fixture(scope="module")
def las(tidy_2022):
    return tidy_2022[tidy_2022["geographic_level"] == "la"]


def _links(table):
    return set(
        zip(table["predecessor_code"], table["successor_code"], table["first_year"], strict=True)
    )


def test_required_changes_are_recorded():
    links = _links(load_lineage())
    assert {("928", "940", 2022), ("928", "941", 2022)} <= links
    assert {
        ("837", "839", 2020),
        ("836", "839", 2020),
        ("835", "839", 2020),
        ("835", "838", 2020),
    } <= links
    assert {("909", "942", 2024), ("909", "943", 2024)} <= links


def test_every_code_change_in_the_release_is_in_the_lineage(las):
    lineage = load_lineage()
    years = las.groupby("area_code")["year"].agg(["min", "max"])
    first, last = years["min"].min(), years["max"].max()
    ended = set(years.index[years["max"] < last])
    started = set(years.index[years["min"] > first])
    assert ended == {"835", "836", "837", "928"}
    assert ended <= set(lineage["predecessor_code"])
    for code in started:
        rows = lineage[lineage["successor_code"] == code]
        assert rows["first_year"].tolist() == [years.loc[code, "min"]] * len(rows)
    # GSS changes under an unchanged DfE number (Gateshead, Northumberland, Buckinghamshire).
    gss = las.groupby(["area_code", "area_gss"])["year"].min().reset_index()
    changed = gss[gss.duplicated("area_code", keep=False)]
    for code, group in changed.groupby("area_code"):
        newer = group.sort_values("year").iloc[-1]
        row = lineage[
            (lineage["successor_code"] == code) & (lineage["successor_gss"] == newer["area_gss"])
        ]
        assert row["first_year"].tolist() == [newer["year"]], code


def test_groups_join_predecessors_and_successors():
    assert lineage_group("940").members == ("928", "940", "941")
    assert lineage_group("839").members == ("835", "836", "837", "838", "839")
    assert lineage_group("356").members == ("356",)
    group = lineage_group("928")
    assert group.expected(2021) == {"928"} and group.expected(2022) == {"940", "941"}


def _caseload(series):
    rows = series[
        (series["measure"] == "caseload")
        & (series["setting"] == "total")
        & (series["dimension"] == "total")
    ]
    return rows.set_index("year")["value"]


def test_continuous_series_sums_without_inventing_a_split(las):
    by_area = las[
        (las["measure"] == "caseload") & (las["setting"] == "total") & (las["dimension"] == "total")
    ].set_index(["area_code", "year"])["value"]
    northants = _caseload(continuous_series(las, "941"))
    assert northants[2021] == by_area[("928", 2021)]
    assert northants[2022] == by_area[("940", 2022)] + by_area[("941", 2022)]
    assert len(northants) == 13  # 2010-2022, no gap
    dorset = _caseload(continuous_series(las, "835"))
    assert dorset[2019] == sum(by_area[(c, 2019)] for c in ("835", "836", "837"))
    assert dorset[2020] == by_area[("838", 2020)] + by_area[("839", 2020)]
    series = continuous_series(las, "940")
    assert set(series["area_code"]) == {"928+940+941"}
    assert not series["measure"].str.endswith("_pc").any()  # rates are not additive


def test_a_year_missing_a_member_is_left_out(las):
    without_west_2022 = las[~((las["area_code"] == "941") & (las["year"] == 2022))]
    northants = _caseload(continuous_series(without_west_2022, "928"))
    assert 2022 not in northants.index and 2021 in northants.index


def test_unreorganised_la_is_its_own_series(las):
    stockport = continuous_series(las, "356")
    assert set(stockport["area_code"]) == {"356"}
    assert _caseload(stockport)[2022] == 2618


def test_lineage_agrees_with_the_reference_reorganisations():
    """Two records of the same history (the reference builder's and this table) must agree."""
    moves = load_lineage()
    moves = moves[moves["change"] == "reorganisation"]
    recorded = {
        (p, s) for p, s in zip(moves["predecessor_code"], moves["successor_code"], strict=True)
    }
    expected = {(p, s) for r in REORGANISATIONS for p in r.predecessors for s in r.successors_of(p)}
    assert recorded == expected
    for r in REORGANISATIONS:
        # Reorganised on 1 April: the successors' first January census is the next January.
        first = moves.loc[moves["successor_code"].isin(r.successors), "first_year"]
        assert set(first) == {int(r.date[:4]) + 1}
