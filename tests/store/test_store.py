import pandas as pd
import pytest
import sqlalchemy as sa

from highneeds.errors import StoreError
from highneeds.readers.dfe_schema import TIDY_COLUMNS, ehcp_stats


def _frame(values):
    rows = []
    for i, value in enumerate(values):
        rows.append(
            dict(
                release="2022",
                geographic_level="la",
                area_code="356",
                area_gss="E08000007",
                area_name="Stockport",
                region_code="E12000002",
                year=2010 + i,
                period=str(2010 + i),
                measure="caseload",
                setting="total",
                dimension="total",
                category="total",
                value=value,
                status=None if value == value else "x",
            )
        )
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def _count(store):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(ehcp_stats)).scalar_one()


def test_import_is_recorded_with_provenance_and_is_idempotent(store):
    frame = _frame([1.0, 2.0, float("nan")])
    first = store.import_tables(
        kind="dfe_ehcp",
        file_name="a.zip",
        sha256="ab" * 32,
        frames={ehcp_stats: frame},
        release="2022",
    )
    again = store.import_tables(
        kind="dfe_ehcp",
        file_name="a.zip",
        sha256="ab" * 32,
        frames={ehcp_stats: frame},
        release="2022",
    )
    assert not first.already_imported and first.rows == 3
    assert again.already_imported and again.import_id == first.import_id
    assert _count(store) == 3
    provenance = store.imports()
    assert provenance.loc[0, "file_name"] == "a.zip" and provenance.loc[0, "release"] == "2022"


def test_missing_values_stay_missing_with_their_symbol(store):
    store.import_tables(
        kind="dfe_ehcp",
        file_name="a.zip",
        sha256="cd" * 32,
        frames={ehcp_stats: _frame([5.0, float("nan")])},
    )
    back = store.read_frame(
        sa.select(ehcp_stats.c.value, ehcp_stats.c.status).order_by(ehcp_stats.c.year)
    )
    assert back["value"].iloc[0] == 5.0
    assert pd.isna(back["value"].iloc[1]) and back["status"].iloc[1] == "x"


def test_failed_import_leaves_store_unchanged(store):
    good = _frame([1.0])
    store.import_tables(
        kind="dfe_ehcp", file_name="a.zip", sha256="ef" * 32, frames={ehcp_stats: good}
    )
    bad = _frame([2.0]).assign(area_name=None)  # violates NOT NULL half-way through
    with pytest.raises(StoreError, match=r"b\.zip"):
        store.import_tables(
            kind="dfe_ehcp",
            file_name="b.zip",
            sha256="01" * 32,
            frames={ehcp_stats: bad},
            replace_kind=True,
        )
    assert _count(store) == 1
    assert len(store.imports()) == 1


def test_replace_kind_swaps_the_previous_import(store):
    store.import_tables(
        kind="dfe_ehcp",
        file_name="a.zip",
        sha256="aa" * 32,
        frames={ehcp_stats: _frame([1.0, 2.0])},
    )
    store.import_tables(
        kind="dfe_ehcp",
        file_name="a2.zip",
        sha256="bb" * 32,
        frames={ehcp_stats: _frame([3.0])},
        replace_kind=True,
    )
    assert _count(store) == 1
    assert store.imports()["file_name"].tolist() == ["a2.zip"]


def test_unknown_column_is_refused(store):
    frame = _frame([1.0]).assign(typo=1)
    with pytest.raises(ValueError, match="typo"):
        store.import_tables(kind="x", file_name="a", sha256="12" * 32, frames={ehcp_stats: frame})
    assert _count(store) == 0
