"""Back up and restore the whole store: the core's tables, the web app's (accounts, audit log,
consultations, jobs and their uploads' metadata) and the installation's settings (the secret's
fingerprint), in one file.

The obvious ways lose data silently: Django's ``dumpdata`` misses every core table, and
copying the live SQLite file misses what is still in its write-ahead log. So SQLite is copied
with its online backup API (a consistent snapshot that includes the WAL, taken while the app
runs), and PostgreSQL with ``pg_dump`` / ``pg_restore`` (custom format, one transaction).
A backup restores into the same kind of store it came from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from highneeds.errors import HighneedsError
from highneeds.private_files import make_private
from highneeds.store.engine import Store

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
#: Tables every highneeds store has, whichever parts of it were used.
MARKER_TABLES = {"hn_import", "django_migrations"}


class BackupError(HighneedsError):
    """A backup could not be made or restored; the store was left as it was."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    counts: dict[str, int]  # rows per table in the store, after the backup or restore

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table of the store (core and web), by table name."""
    names = sorted(sa.inspect(store.engine).get_table_names())
    preparer = store.engine.dialect.identifier_preparer
    with store.engine.connect() as conn:
        return {
            name: int(
                conn.execute(sa.text(f"SELECT count(*) FROM {preparer.quote(name)}")).scalar()
            )
            for name in names
        }


def backup(store: Store, target: str | Path) -> BackupSummary:
    """Write a consistent copy of the whole store to ``target`` (readable by this account
    only). An existing file at ``target`` is replaced only when the backup succeeded."""
    target = Path(target)
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the backup file's name")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if store.is_postgres:
            _pg_dump(store, partial)
        else:
            _sqlite_copy(_sqlite_path(store), partial)
        make_private(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(target, _kind(store), table_counts(store))


def restore(store: Store, source: str | Path) -> BackupSummary:
    """Replace everything in the store with the backup in ``source``. Refuses, changing
    nothing, a file that is not a highneeds backup or one made from the other kind of store."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    with open(source, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    found = (
        "sqlite"
        if head == SQLITE_MAGIC
        else "postgresql"
        if head.startswith(PG_DUMP_MAGIC)
        else None
    )
    if found is None:
        raise BackupError(
            f"{source.name} is not a highneeds backup (made by `highneeds backup`): nothing "
            "was restored"
        )
    if found != _kind(store):
        raise BackupError(
            f"{source.name} is a backup of a {_label(found)} store, and this store is "
            f"{_label(_kind(store))}: nothing was restored. Restore it into a {_label(found)} "
            "store (set DATABASE_URL accordingly)"
        )
    if found == "sqlite":
        _check_sqlite_backup(source)
        _sqlite_copy(source, _sqlite_path(store))
    else:
        _pg_restore(store, source)
    store.engine.dispose()  # pooled connections may hold the old schema's statements
    return BackupSummary(source, found, table_counts(store))


def _kind(store: Store) -> str:
    return "postgresql" if store.is_postgres else "sqlite"


def _label(kind: str) -> str:
    return "PostgreSQL" if kind == "postgresql" else "an embedded SQLite"


def _sqlite_path(store: Store) -> Path:
    database = store.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("this SQLite store lives in memory: there is nothing to back up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Page-by-page copy with SQLite's online backup API: consistent, WAL included."""
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
    except sqlite3.Error as error:
        raise BackupError(f"the SQLite copy failed, nothing was changed ({error})") from error


def _check_sqlite_backup(source: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
    except sqlite3.Error as error:
        raise BackupError(f"{source.name} cannot be read as a backup ({error})") from error
    if ok != "ok":
        raise BackupError(f"{source.name} is damaged ({ok}): nothing was restored")
    if not tables & MARKER_TABLES:
        raise BackupError(f"{source.name} is an SQLite file, not a highneeds backup")


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: a PostgreSQL store is backed up with PostgreSQL's own "
            "client tools. Install them (Debian: `apt-get install postgresql-client-15`, the "
            "server's major version) and try again"
        )
    return found


def _libpq(store: Store) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore; the password goes in the environment, not
    on the command line (where `ps` would show it)."""
    url = store.engine.url
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed, nothing was changed ({detail})")


def _pg_dump(store: Store, target: Path) -> None:
    args, env = _libpq(store)
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
    _run([*command, "--file", str(target), *args], env, "pg_dump")


def _pg_restore(store: Store, source: Path) -> None:
    args, env = _libpq(store)
    store.engine.dispose()  # our own idle connections would block DROP TABLE
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    _run([*command, *args, str(source)], env, "pg_restore")
