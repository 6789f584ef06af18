"""Synthetic LA -> XML and every other full layout -> each reader -> identical tables."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds.sen2.derived import all_derived, prepare
from highneeds.sen2.read import read_return
from highneeds.sen2.write import write_blade_csv, write_workbook, write_xml

KEY = b"roundtrip-key"

#: Layout -> (write a return into a folder, read it back). The XML route is the reference.
LAYOUTS = {
    "blade_csv": lambda ret, folder: read_return(write_blade_csv(ret, folder / f"csv{ret.year}")),
    "excel_template": lambda ret, folder: read_return(
        write_workbook(ret, folder / f"sen2-{ret.year}.xlsx")
    ),
    # A pre-submission workbook has no header record: the year and LA are given.
    "excel_pre_submission": lambda ret, folder: read_return(
        write_workbook(ret, folder / f"pre-{ret.year}.xlsx", layout="pre_submission"),
        year=ret.year,
        la_code=ret.la_code,
    ),
}


def _derived(returns, establishments):
    parts = [prepare(ret, KEY, establishments) for ret in returns]
    states = pd.concat([p.states for p in parts], ignore_index=True)
    events = pd.concat([p.events for p in parts], ignore_index=True)
    return all_derived(states, events)


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_xml_and_each_layout_give_identical_derived_tables(
    layout, tmp_path, synthetic_la, establishments
):
    returns = synthetic_la[-3:]  # three years, so transitions have two year pairs
    via_xml = [read_return(write_xml(r, tmp_path / f"{r.year}.xml")) for r in returns]
    via_other = [LAYOUTS[layout](r, tmp_path) for r in returns]
    expected = _derived(returns, establishments)
    assert len(expected["transitions"]["year"].unique()) == 2
    for name, table in expected.items():
        assert len(table) > 0, name
        pd.testing.assert_frame_equal(_derived(via_xml, establishments)[name], table, obj=name)
        pd.testing.assert_frame_equal(_derived(via_other, establishments)[name], table, obj=name)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_small_returns_give_the_xml_routes_derived_tables(
    layout, tmp_path, small_la, establishments
):
    via_xml = [read_return(write_xml(r, tmp_path / f"{r.year}.xml")) for r in small_la]
    via_other = [LAYOUTS[layout](r, tmp_path) for r in small_la]
    assert {r.layout for r in via_other} == {layout}
    expected = _derived(via_xml, establishments)
    assert len(expected["transitions"]) > 0
    for name, table in _derived(via_other, establishments).items():
        pd.testing.assert_frame_equal(table, expected[name], obj=name)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_readers_give_the_same_tables_record_for_record(layout, tmp_path, small_la):
    ret = small_la[-1]
    xml = read_return(write_xml(ret, tmp_path / "r.xml"))
    csv = LAYOUTS[layout](ret, tmp_path)
    for name, table in ret.tables.items():
        # Record keys differ by design (XML: position; CSV: table id); values must not.
        columns = [
            c for c in table.columns if c == "person_key" or not c.endswith(("_key", "_row"))
        ]

        def rows(frame, columns=columns):
            return frame[columns].sort_values(columns, kind="stable").reset_index(drop=True)

        assert len(xml[name]) == len(csv[name]) == len(table)
        pd.testing.assert_frame_equal(rows(xml[name]), rows(csv[name]), obj=name)
    assert xml.header["year"] == csv.header["year"] == 2024


def test_gzipped_demo_returns_read(establishments):
    from highneeds.sen2.demo import demo_paths

    paths = demo_paths()
    assert next(p.name for p in paths) == "sen2-2019.xml.gz" and len(paths) == 6
    ret = read_return(paths[-1])
    assert ret.year == 2024 and ret.la_code == "999"
    assert sum(p.stat().st_size for p in paths) < 5 * 1024 * 1024


@pytest.mark.slow
def test_generator_is_deterministic_by_seed():
    from highneeds.sen2.synth import SynthConfig, generate

    a = generate(SynthConfig(first_year=2024, last_year=2024, children=100, seed=3))[0]
    b = generate(SynthConfig(first_year=2024, last_year=2024, children=100, seed=3))[0]
    c = generate(SynthConfig(first_year=2024, last_year=2024, children=100, seed=4))[0]
    pd.testing.assert_frame_equal(a["person"], b["person"])
    assert not a["person"]["birth_date"].equals(c["person"]["birth_date"])
