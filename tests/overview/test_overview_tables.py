"""The overview as titled tables: an English LA from the published statistics, the demo LA
(not in them) from its own SEN2 returns."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.analysis.overview import la_overview
from highneeds.analysis.overview_tables import overview_tables
from highneeds.errors import NotFoundError
from highneeds.tables import TitledTable


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


def test_the_core_overview_names_its_january_and_carries_symbols(monkeypatch):
    """The core tables the web shows (overview_tables): the comparison's title says its
    January, and symbols sit on the cells they stand for."""
    from highneeds.analysis import overview_tables as core
    from highneeds.analysis.overview import Overview

    history = pd.DataFrame(
        {"ehcps": [2618.0, None], "new_plans": [300.0, 360.0]},
        index=pd.Index([2021, 2022], name="year"),
    )
    comparison = pd.DataFrame(
        {"area": ["Stockport", "England"], "ehcps": [None, 500_000.0],
         "per_1000_aged_0_25": [30.0, 28.0]},
        index=pd.Index(["356", "E92000001"], name="area_code"),
    )  # fmt: skip
    result = Overview(
        la_code="356",
        la_name="Stockport",
        region_code=None,
        region_name=None,
        year=2022,
        comparison=comparison,
        history=history,
        notes=[],
        neighbours_model="2021",
        neighbours_averaged=0,
        history_symbols=pd.DataFrame(
            {"ehcps": [None, "x"], "new_plans": [None, None]}, index=history.index, dtype=object
        ),
        comparison_symbols=pd.DataFrame(
            {"ehcps": ["c", None], "per_1000_aged_0_25": [None, None]},
            index=comparison.index,
            dtype=object,
        ),
    )
    monkeypatch.setattr(core, "overview_from_store", lambda store, la_code: result)
    tables = core._published(None, "356")
    assert tables["comparison"].title.endswith("January 2022")
    assert tables["comparison_rate"].title.endswith("January 2022")
    caseload = tables["caseload"]
    assert caseload.symbol_at(1, list(caseload.frame.columns).index("ehcps")) == "x"
    assert caseload.symbol_at(0, 1) is None
    compared = tables["comparison"]
    assert compared.symbol_at(0, list(compared.frame.columns).index("ehcps")) == "c"
    assert tables["comparison_rate"].symbols is None  # no symbol in its columns
    saved = TitledTable.from_json(caseload.to_json())  # saved results keep the symbols
    assert saved.symbol_at(1, list(saved.frame.columns).index("ehcps")) == "x"
