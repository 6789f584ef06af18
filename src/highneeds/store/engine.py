"""Connecting to the store and loading data into it atomically and idempotently."""

from __future__ import annotations

import hashlib
import importlib
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from highneeds import config
from highneeds.errors import StoreError
from highneeds.private_files import make_private
from highneeds.store import schema


def file_sha256(data: bytes | Path | str) -> str:
    """Hex SHA-256 of a file's bytes (or of ``data`` itself), the identity of an import."""
    digest = hashlib.sha256()
    if isinstance(data, bytes):
        digest.update(data)
    else:
        with open(data, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    rows: int
    already_imported: bool


class Store:
    """A handle on the app database. Cheap to create; holds only an SQLAlchemy engine."""

    def __init__(self, url: str | None = None):
        self.url = url or config.database_url()
        self.engine = sa.create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def create_all(self) -> None:
        """Create every core table that does not exist yet (safe to call repeatedly)."""
        for module in schema.SCHEMA_MODULES:
            importlib.import_module(module)
        schema.metadata.create_all(self.engine)

    def find_import(self, kind: str, sha256: str, owner: str = "") -> int | None:
        table = schema.imports
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(table.c.id).where(
                    table.c.kind == kind, table.c.owner == owner, table.c.sha256 == sha256
                )
            ).scalar_one_or_none()

    def import_tables(
        self,
        *,
        kind: str,
        file_name: str,
        sha256: str,
        frames: Mapping[sa.Table, pd.DataFrame],
        release: str | None = None,
        owner: str = "",
        imported_by: str | None = None,
        replace_kind: bool = False,
    ) -> ImportResult:
        """Load ``frames`` (one DataFrame per table) as one import, all or nothing.

        The same file (by hash) imported twice is a no-op. With ``replace_kind`` the previous
        imports of this kind and owner are removed in the same transaction, so a re-import of
        a corrected file replaces the old one instead of doubling it. Each table must have an
        ``import_id`` column; rows are tagged with the new import's id.
        """
        existing = self.find_import(kind, sha256, owner)
        if existing is not None:
            return ImportResult(existing, 0, already_imported=True)
        total = sum(len(frame) for frame in frames.values())
        try:
            return self._import(
                kind, file_name, sha256, frames, release, owner, imported_by, replace_kind, total
            )
        except (sa.exc.DBAPIError, _DriverError, sqlite3.Error) as error:
            raise StoreError(
                f"{file_name}: the database refused the import, nothing was "
                f"changed ({type(error).__name__}: {str(error).splitlines()[0]})"
            ) from error

    def _import(
        self, kind, file_name, sha256, frames, release, owner, imported_by, replace_kind, total
    ) -> ImportResult:
        with self.engine.begin() as conn:
            if replace_kind:
                self._delete_imports(conn, kind, owner, list(frames))
            import_id = conn.execute(
                schema.imports.insert().values(
                    kind=kind,
                    owner=owner,
                    file_name=file_name,
                    sha256=sha256,
                    release=release,
                    rows=total,
                    imported_at=datetime.now(UTC),
                    imported_by=imported_by,
                )
            ).inserted_primary_key[0]
            for table, frame in frames.items():
                self.bulk_insert(conn, table, frame.assign(import_id=import_id))
        return ImportResult(int(import_id), total, already_imported=False)

    def delete_import(self, import_id: int, tables: Iterable[sa.Table]) -> None:
        with self.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete().where(table.c.import_id == import_id))
            conn.execute(schema.imports.delete().where(schema.imports.c.id == import_id))

    def delete_imports(self, kind: str, owner: str, tables: Iterable[sa.Table]) -> None:
        """Remove every import of ``kind`` for ``owner`` and its rows, in one transaction."""
        with self.engine.begin() as conn:
            self._delete_imports(conn, kind, owner, list(tables))

    def _delete_imports(self, conn, kind: str, owner: str, tables: list[sa.Table]) -> None:
        ids = (
            conn.execute(
                sa.select(schema.imports.c.id).where(
                    schema.imports.c.kind == kind, schema.imports.c.owner == owner
                )
            )
            .scalars()
            .all()
        )
        if not ids:
            return
        for table in tables:
            conn.execute(table.delete().where(table.c.import_id.in_(ids)))
        conn.execute(schema.imports.delete().where(schema.imports.c.id.in_(ids)))

    def bulk_insert(self, conn, table: sa.Table, frame: pd.DataFrame) -> None:
        """Insert a DataFrame fast: COPY on PostgreSQL, executemany on SQLite.

        Columns not in the table are an error (a typo would otherwise lose data silently).
        """
        if frame.empty:
            return
        unknown = set(frame.columns) - set(table.c.keys())
        if unknown:
            raise ValueError(f"columns {sorted(unknown)} are not in table {table.name}")
        columns = list(frame.columns)
        clean = frame.astype(object).where(frame.notna(), None)
        if self.is_postgres:
            raw = conn.connection.driver_connection
            names = ", ".join(f'"{c}"' for c in columns)
            statement = f'COPY "{table.name}" ({names}) FROM STDIN'
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for record in clean.itertuples(index=False, name=None):
                    copy.write_row(record)
        else:
            # The DBAPI's executemany on plain tuples, inside the same transaction: several
            # times faster than SQLAlchemy's per-row parameter dicts for 500k-row imports.
            # For big loads, rebuilding the indexes once (sorted) beats updating them per row;
            # DDL is transactional in SQLite, so readers and a rollback see the old state.
            indexes = list(table.indexes) if len(frame) > 50_000 else []
            for index in indexes:
                index.drop(conn)
            raw = conn.connection.driver_connection
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            raw.executemany(
                f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                clean.itertuples(index=False, name=None),
            )
            for index in indexes:
                index.create(conn)

    def read_frame(self, query, params: Mapping | None = None) -> pd.DataFrame:
        """Run a SELECT (SQLAlchemy construct or SQL text) and return a DataFrame."""
        if isinstance(query, str):
            query = sa.text(query)
        with self.engine.connect() as conn:
            result = conn.execute(query, dict(params or {}))
            columns = list(result.keys())
            # Plain tuples: pandas probes each SQLAlchemy Row for attributes, which made
            # reading the national statistics (556,042 rows) take 30 s instead of 3.
            return pd.DataFrame.from_records(
                [tuple(row) for row in result.fetchall()], columns=columns, coerce_float=False
            )

    def setting(self, name: str) -> str | None:
        """A stored fact about this installation (``hn_setting``), or None."""
        table = schema.settings
        with self.engine.connect() as conn:
            query = sa.select(table.c.value).where(table.c.name == name)
            return conn.execute(query).scalar_one_or_none()

    def set_setting(self, name: str, value: str) -> None:
        table = schema.settings
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(table.c.name == name))
            conn.execute(table.insert().values(name=name, value=value))

    def imports(self) -> pd.DataFrame:
        table = schema.imports
        return self.read_frame(sa.select(table).order_by(table.c.id))


# bulk_insert writes through the DBAPI connection (COPY on psycopg, executemany on sqlite3), so
# driver errors arrive unwrapped by SQLAlchemy.
try:  # psycopg raises its own errors from COPY, outside SQLAlchemy's wrapping.
    from psycopg import Error as _DriverError
except ImportError:  # pragma: no cover - psycopg is a dependency
    _DriverError = sa.exc.DBAPIError


def sqlite_files(database: str | Path) -> list[Path]:
    """The database file and its write-ahead log and shared-memory files."""
    return [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm")]


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while an import writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    for _, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path:
            # Created with the umask's mode (0644 usually); SQLite gives a later -wal/-shm
            # the database file's own mode.
            make_private(*sqlite_files(path))
    cursor.close()


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """The store at ``url`` (default: ``DATABASE_URL`` or the embedded SQLite file)."""
    store = Store(url)
    if create:
        store.create_all()
    return store
