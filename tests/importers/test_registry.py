"""import_file: every kind of file told apart by content and imported; refusals change nothing."""

from __future__ import annotations

import shutil
import zipfile

import pytest
import sqlalchemy as sa

from highneeds.errors import InputFileError
from highneeds.finance.stored import load_capacity, load_unit_costs
from highneeds.importers.dfe import bundled_release_path
from highneeds.importers.registry import DFE_RELEASE, FINANCE, SEN2, detect, import_file
from highneeds.sen2.write import write_blade_csv, write_module_csv, write_workbook, write_xml
from highneeds.store import schema


def _snapshot(store) -> dict[str, int]:
    """Rows in every core table: equal snapshots mean the store did not change."""
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in schema.metadata.sorted_tables
        }


def _zip(files, path):
    with zipfile.ZipFile(path, "w") as archive:
        for file in files:
            archive.write(file, file.name)
    return path


def test_finance_templates_are_detected_and_imported(store, unit_costs_csv, capacity_csv):
    for path in (unit_costs_csv, capacity_csv):
        done = import_file(store, path, la_code="356", imported_by="analyst")
        assert done.kind == FINANCE and done.rows > 0
    assert len(load_unit_costs(store, "356")) == 7
    assert len(load_capacity(store, "356")) == 10
    owners = set(store.imports()["owner"])
    assert owners == {"356"}


def test_the_dfe_release_is_detected_under_any_name(store, tmp_path):
    renamed = shutil.copy(bundled_release_path(), tmp_path / "download.zip")
    done = import_file(store, renamed, la_code="356")
    assert done.kind == DFE_RELEASE and done.rows > 1000
    assert import_file(store, renamed, la_code="356").already_imported


def test_sen2_xml_is_imported_for_its_own_la(store, tmp_path, small_return, secret):
    path = write_xml(small_return, tmp_path / "return.xml")
    done = import_file(store, path, la_code=small_return.la_code)
    assert done.kind == SEN2 and done.rows > 0 and done.children > 0
    assert set(store.imports()["owner"]) == {small_return.la_code}


def test_a_zip_of_blade_csvs_is_a_sen2_return(store, tmp_path, small_return, secret):
    files = write_blade_csv(small_return, tmp_path / "blade")
    done = import_file(store, _zip(files, tmp_path / "blade.zip"), la_code=small_return.la_code)
    assert done.kind == SEN2 and done.children > 0


def test_m1_m5_csvs_need_a_year_and_take_the_workspace_la(store, tmp_path, small_return, secret):
    files = write_module_csv(small_return, tmp_path / "m")
    archive = _zip(files, tmp_path / "modules.zip")
    before = _snapshot(store)
    with pytest.raises(InputFileError, match="do not say their collection year"):
        import_file(store, archive, la_code=small_return.la_code)
    assert _snapshot(store) == before
    done = import_file(store, archive, la_code=small_return.la_code, year=small_return.year)
    assert done.kind == SEN2 and done.rows > 0
    assert f"sen2:{small_return.year}" in set(store.imports()["kind"])


def test_a_sen2_template_workbook_is_sen2_and_a_finance_workbook_stays_finance(
    store, tmp_path, small_return, budget_xlsx, secret
):
    # Named to mislead: the content, not the name, decides.
    template = write_workbook(small_return, tmp_path / "budget-2024.xlsx")
    assert detect(template, tmp_path) == (SEN2, [template])
    assert detect(budget_xlsx, tmp_path) == (FINANCE, [budget_xlsx])
    done = import_file(store, template, la_code=small_return.la_code)
    assert done.kind == SEN2 and done.label == "SEN2 return" and done.children > 0
    assert f"sen2:{small_return.year}" in set(store.imports()["kind"])
    assert import_file(store, budget_xlsx, la_code=small_return.la_code).kind == FINANCE


def test_a_pre_submission_workbook_needs_a_year(store, tmp_path, small_return, secret):
    path = write_workbook(small_return, tmp_path / "upload.xlsx", layout="pre_submission")
    before = _snapshot(store)
    with pytest.raises(InputFileError, match="does not say its collection year") as raised:
        import_file(store, path, la_code=small_return.la_code)
    assert raised.value.location.file == "upload.xlsx"
    assert _snapshot(store) == before
    done = import_file(store, path, la_code=small_return.la_code, year=small_return.year)
    assert done.kind == SEN2 and done.children > 0


def test_another_las_sen2_return_is_refused_and_nothing_changes(
    store, tmp_path, small_return, secret
):
    path = write_xml(small_return, tmp_path / "return.xml")
    before = _snapshot(store)
    with pytest.raises(InputFileError, match=f"for LA {small_return.la_code}, not") as raised:
        import_file(store, path, la_code="356")
    assert raised.value.location.file == "return.xml"
    assert _snapshot(store) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"hello"),
        ("table.csv", b"name,colour\nx,red\n"),
        ("archive.zip", None),
        ("broken.xlsx", b"not a workbook"),
    ],
)
def test_an_unknown_file_is_refused_with_a_located_message(store, tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "nothing to see")
    else:
        path.write_bytes(content)
    before = _snapshot(store)
    with pytest.raises(InputFileError) as raised:
        import_file(store, path, la_code="356")
    assert raised.value.location.file == name
    assert _snapshot(store) == before


def test_a_bad_template_row_is_refused_at_its_cell_and_nothing_changes(store, tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("funding_category,top_up_gbp\nmainstream,lots\n")
    before = _snapshot(store)
    with pytest.raises(InputFileError) as raised:
        import_file(store, path, la_code="356")
    where = raised.value.location
    assert (where.file, where.row, where.column) == ("costs.csv", 2, "top_up_gbp")
    assert _snapshot(store) == before
