"""The overview as titled tables: an English LA from the published statistics, the demo LA
(not in them) from its own SEN2 returns."""

from __future__ import annotations

import pytest

from highneeds.analysis.overview import la_overview
from highneeds.analysis.overview_tables import overview_tables
from highneeds.errors import NotFoundError


@pytest.fixture
def with_release(store):
    from highneeds.importers.dfe import bundled_release_path, import_release

    import_release(store, bundled_release_path())
    return store


@pytest.fixture
def with_demo_returns(store, tmp_path):
    """Three years of a small synthetic LA 999's SEN2 returns in the store."""
    from highneeds.importers.sen2 import import_sen2
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    paths = []
    for ret in generate(SynthConfig(first_year=2022, last_year=2024, children=60, seed=5)):
        paths.append(tmp_path / f"sen2-{ret.year}.xml")
        write_xml(ret, paths[-1])
    import_sen2(paths, store, key=b"test-key")
    return store


def test_a_published_la_gets_code_named_tables_that_match_the_overview(with_release, bundled_stats):
    tables = overview_tables(with_release, "356")
    assert list(tables)[:6] == [
        "caseload", "rates", "setting_groups", "age_bands", "comparison_rate", "comparison",
    ]  # fmt: skip
    caseload = tables["caseload"]
    assert list(caseload.frame.columns) == ["year", "ehcps", "new_plans"]
    assert list(caseload.labelled().columns) == ["January census year", "EHCPs", "New plans"]
    expected = la_overview(bundled_stats, "356").history["ehcps"]
    assert caseload.frame.set_index("year")["ehcps"].to_dict() == expected.to_dict()
    assert "Special school" in tables["setting_groups"].labelled().columns
    assert tables["comparison"].frame["area"].iloc[0] == "Stockport"


def test_the_demo_la_gets_its_own_returns_and_a_note_instead_of_comparators(with_demo_returns):
    from highneeds.analysis.jsna_export import stored_inputs

    tables = overview_tables(with_demo_returns, "999", "Stockbridge (fictional)")
    assert "comparison" not in tables and "comparison_rate" not in tables
    states = stored_inputs(with_demo_returns, "999").states
    caseload = tables["caseload"].frame.set_index("year")["ehcps"]
    assert caseload.to_dict() == states.groupby("year").size().to_dict()
    groups = tables["setting_groups"].frame.set_index("year")
    assert (groups.sum(axis=1) == caseload).all()  # every child in one setting group
    bands = tables["age_bands"].frame.set_index("year")
    assert (bands.sum(axis=1) == caseload).all()
    (note,) = tables["notes"].frame["note"]
    assert note.startswith("Stockbridge (fictional) is not in DfE's published statistics")


def test_an_la_with_neither_published_statistics_nor_returns_is_named(store):
    with pytest.raises(NotFoundError, match="'990'"):
        overview_tables(store, "990")
