"""Benchmark: read and import the bundled DfE EHCP release (2022, every LA) into the store.

    .venv/bin/python benchmarks/dfe_import.py [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Times (wall and this process's CPU) for: reading the release into the tidy table, a first
import into an empty SQLite file, the idempotent re-import, and, with ``--postgres``, a first
import into a temporary database created on that server and dropped afterwards. Target: < 10 s.
Wall time on a shared machine includes waiting for the CPU; CPU time shows the work itself.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from highneeds.importers.dfe import bundled_release_path, import_release
from highneeds.readers.dfe_ehcp import read_release
from highneeds.store import open_store


@contextmanager
def timed(label: str):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    print(
        f"{label:44} wall {time.perf_counter() - wall:6.2f} s   "
        f"cpu {time.process_time() - cpu:6.2f} s"
    )


@contextmanager
def temporary_postgres(server_url: str):
    name = f"hn_bench_dfe_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", help="server URL; a temporary database is used")
    args = parser.parse_args()
    path = bundled_release_path()
    with timed("read_release (tidy table)"):
        rows = len(read_release(path))
    print(f"{'rows':44} {rows:,}")
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        with timed("import into empty SQLite (read + store)"):
            import_release(store, path)
        with timed("re-import same bytes (no-op)"):
            import_release(store, path)
        store.engine.dispose()
    if args.postgres:
        with temporary_postgres(args.postgres) as url:
            store = open_store(url)
            with timed("import into empty PostgreSQL (read + COPY)"):
                import_release(store, path)
            store.engine.dispose()


if __name__ == "__main__":
    main()
