"""Back up, wipe, restore: every table's rows come back (SQLite and PostgreSQL: the suite runs
on both). Refusals change nothing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from highneeds.store.backup import BackupError, backup, restore, table_counts


def _fill(store, tmp_path, monkeypatch):
    """A store with SEN2 returns (and so the secret's fingerprint) and finance rows in it."""
    from highneeds.importers.sen2 import import_sen2
    from highneeds.sen2.synth import SynthConfig, generate
    from highneeds.sen2.write import write_xml

    monkeypatch.setenv("HIGHNEEDS_SECRET", "backup test secret")
    returns = generate(SynthConfig(first_year=2023, last_year=2024, children=30, seed=3))
    paths = [write_xml(r, tmp_path / f"{r.year}.xml") for r in returns]
    import_sen2(paths, store, accept_errors=True)


def _wipe(store) -> None:
    meta = sa.MetaData()
    meta.reflect(store.engine)
    meta.drop_all(store.engine)
    assert table_counts(store) == {}


def test_back_up_wipe_restore_gives_every_row_back(store, tmp_path, monkeypatch):
    _fill(store, tmp_path, monkeypatch)
    before = table_counts(store)
    assert before["hn_sen2_child_state"] > 0 and before["hn_setting"] == 1
    made = backup(store, tmp_path / "store.backup")
    assert made.counts == before
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    _wipe(store)
    restored = restore(store, made.path)
    assert restored.counts == before
    assert table_counts(store) == before
    assert store.setting("sen2_secret_fingerprint:999") is not None


def test_a_sqlite_backup_includes_what_is_still_in_the_write_ahead_log(
    store, tmp_path, monkeypatch
):
    if store.is_postgres:
        pytest.skip("the write-ahead log file is SQLite's (PostgreSQL: test above)")
    with store.engine.connect() as reader:  # an open reader keeps the WAL from checkpointing
        reader.execute(sa.text("SELECT 1 FROM hn_import")).all()
        _fill(store, tmp_path, monkeypatch)
        wal = Path(store.engine.url.database + "-wal")
        assert wal.stat().st_size > 0
        copied = backup(store, tmp_path / "live.backup")
    assert copied.counts["hn_sen2_person"] > 0
    _wipe(store)
    assert restore(store, copied.path).counts == copied.counts


def test_refusals_change_nothing(store, tmp_path, monkeypatch):
    _fill(store, tmp_path, monkeypatch)
    before = table_counts(store)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="not a highneeds backup"):
        restore(store, junk)
    other = tmp_path / "other-kind.backup"
    other.write_bytes(b"PGDMP" if not store.is_postgres else b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(BackupError, match="nothing was restored"):
        restore(store, other)
    with pytest.raises(BackupError, match="no such backup file"):
        restore(store, tmp_path / "missing.backup")
    assert table_counts(store) == before
