"""Importing an LA's filled finance templates into the store, and reading them back."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from highneeds.errors import InputFileError
from highneeds.finance.stored import load_budget, load_capacity, load_unit_costs
from highneeds.finance.templates import read_budget, read_capacity, read_unit_costs
from highneeds.importers.finance import detect_template, import_finance


def test_templates_are_told_apart_by_content_not_name(unit_costs_csv, capacity_csv, budget_xlsx):
    assert detect_template(unit_costs_csv) == "unit_costs"
    assert detect_template(capacity_csv) == "capacity"
    assert detect_template(budget_xlsx) == "budget"


def test_a_csv_that_is_no_template_is_refused_at_its_header(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,colour\nx,red\n")
    with pytest.raises(InputFileError) as raised:
        detect_template(path)
    assert raised.value.location.file == "other.csv"
    assert raised.value.location.row == 1


def test_round_trips_are_exact(store, unit_costs_csv, capacity_csv, budget_xlsx):
    for path in (unit_costs_csv, capacity_csv, budget_xlsx):
        assert not import_finance(store, path, la_code="356").result.already_imported
    assert_frame_equal(load_unit_costs(store, "356"), read_unit_costs(unit_costs_csv))
    assert_frame_equal(load_capacity(store, "356"), read_capacity(capacity_csv))
    for stored, read in zip(load_budget(store, "356"), read_budget(budget_xlsx), strict=True):
        assert_frame_equal(stored, read)
    assert load_capacity(store, "357").empty  # another LA has none


def test_same_bytes_twice_is_a_no_op_and_a_corrected_file_replaces(store, capacity_csv):
    first = import_finance(store, capacity_csv, la_code="356").result
    again = import_finance(store, capacity_csv, la_code="356").result
    assert again.already_imported and again.import_id == first.import_id
    corrected = pd.read_csv(capacity_csv)
    corrected.loc[0, "places"] = 999
    corrected.to_csv(capacity_csv, index=False)
    replaced = import_finance(store, capacity_csv, la_code="356").result
    assert not replaced.already_imported
    stored = load_capacity(store, "356")
    assert len(stored) == len(corrected) and stored["places"].iloc[0] == 999
    imports = store.imports()
    assert list(imports[imports["kind"] == "finance_capacity"]["id"]) == [replaced.import_id]
