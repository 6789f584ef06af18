"""Importing releases into the store: atomic, idempotent, with provenance; reading back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from highneeds.importers.dfe import bundled_release_path, import_release
from highneeds.readers.dfe_ehcp import read_release
from highneeds.readers.dfe_files import ReleaseSource
from highneeds.readers.dfe_schema import TIDY_COLUMNS, ehcp_stats
from highneeds.readers.dfe_stored import load_stats
from highneeds.store import Store, file_sha256

from .conftest import cut_release

KEY = ["area_code", "year", "measure", "setting", "dimension", "category"]


def _stat_rows(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(ehcp_stats)).scalar()


def _assert_same_figures(read_back: pd.DataFrame, expected: pd.DataFrame) -> None:
    a = read_back.sort_values(KEY).reset_index(drop=True)
    b = expected.sort_values(KEY).reset_index(drop=True)
    assert len(a) == len(b)
    for column in ("area_code", "year", "measure", "setting", "dimension", "category", "period"):
        assert a[column].astype(str).tolist() == b[column].astype(str).tolist(), column
    assert np.array_equal(a["value"].to_numpy(), b["value"].to_numpy(), equal_nan=True)
    assert a["status"].fillna("").tolist() == b["status"].fillna("").tolist()


@pytest.mark.slow
def test_bundled_release_round_trip(store, tidy_2022):
    path = bundled_release_path()
    assert path.is_file() and path.name == "education-health-and-care-plans_2022.zip"
    result = import_release(store, path)
    assert not result.already_imported
    assert result.rows == len(tidy_2022) == _stat_rows(store)
    provenance = store.imports().iloc[0]
    assert provenance["kind"] == "dfe_ehcp:2022" and provenance["release"] == "2022"
    assert provenance["sha256"] == file_sha256(path)
    assert provenance["file_name"] == path.name and provenance["rows"] == result.rows
    assert pd.notna(provenance["imported_at"])
    stockport = load_stats(store, ["356"])
    assert list(stockport.columns) == TIDY_COLUMNS
    _assert_same_figures(stockport, tidy_2022[tidy_2022["area_code"] == "356"])
    caseload = load_stats(store, ["356"], ["caseload"])
    totals = caseload[(caseload["setting"] == "total") & (caseload["dimension"] == "total")]
    assert totals.set_index("year").loc[[2019, 2022], "value"].tolist() == [2195, 2618]


def test_sqlite_round_trip_keeps_symbols(tmp_path, small_2025):
    store = Store(f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}")
    import_release(store, small_2025)
    expected = read_release(small_2025)
    read_back = load_stats(store)
    _assert_same_figures(read_back, expected)
    assert (read_back["status"] == "x").sum() > 100
    assert read_back["year"].dtype == "int64"
    store.engine.dispose()


def test_same_bytes_twice_is_a_no_op(store, small_2022):
    first = import_release(store, small_2022)
    rows = _stat_rows(store)
    again = import_release(store, small_2022)
    assert again.already_imported and again.import_id == first.import_id
    assert _stat_rows(store) == rows == first.rows
    assert len(store.imports()) == 1


def test_changed_bytes_replace_the_release(store, small_2022):
    import_release(store, small_2022)
    rows = _stat_rows(store)
    path = small_2022 / "data" / "sen2_estab_caseload.csv"
    path.write_bytes(
        path.read_bytes().replace(
            b",Stockport,Total,Total,z,z,2618,100,2618,100",
            b",Stockport,Total,Total,z,z,2619,100,2619,100",
        )
    )
    result = import_release(store, small_2022)
    assert not result.already_imported
    assert _stat_rows(store) == rows  # replaced, not doubled
    imports = store.imports()
    assert imports["kind"].tolist() == ["dfe_ehcp:2022"]
    assert imports["sha256"].tolist() == [ReleaseSource.open(small_2022).sha256()]
    caseload = load_stats(store, ["356"], ["caseload"])
    total = caseload[
        (caseload["year"] == 2022)
        & (caseload["setting"] == "total")
        & (caseload["dimension"] == "total")
    ]
    assert total["value"].tolist() == [2619]


def test_failure_while_writing_rolls_back(store, small_2022, small_2025, monkeypatch):
    import_release(store, small_2025)
    before = (_stat_rows(store), len(store.imports()))
    original = Store.bulk_insert

    def insert_then_fail(self, conn, table, frame):
        original(self, conn, table, frame)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "bulk_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        import_release(store, small_2022)
    assert (_stat_rows(store), len(store.imports())) == before


def test_newest_release_wins_when_reading_back(store, zip_2022, folder_2025, tmp_path):
    import_release(store, cut_release(zip_2022, tmp_path / "a", ("Sutton",)))
    import_release(store, cut_release(folder_2025, tmp_path / "b", ("Sutton",)))
    caseload = load_stats(store, ["319"], ["caseload"])
    assert not caseload.duplicated(KEY).any()
    totals = caseload[(caseload["setting"] == "total") & (caseload["dimension"] == "total")]
    release_of = totals.set_index("year")["release"]
    assert release_of[2015] == "2022" and release_of[2022] == "2025" and release_of[2025] == "2025"


def test_a_header_with_a_stray_carriage_return_is_a_located_error(tmp_path, small_2025):
    """Found by tests/fuzz: csv.Error escaped from the header line of a release CSV."""
    import shutil

    from highneeds.errors import InputFileError

    release = shutil.copytree(small_2025, tmp_path / "damaged")
    caseload = next(release.rglob("caseload.csv"))
    data = caseload.read_bytes()
    caseload.write_bytes(data.replace(b",", b",\r", 1))
    with pytest.raises(InputFileError, match=r"caseload\.csv, row 1: the header row cannot"):
        read_release(release)
