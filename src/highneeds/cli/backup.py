"""``highneeds backup FILE`` and ``highneeds restore FILE``: the whole store in one file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from highneeds.cli.output import console, fail


def _summary(done, verb: str) -> None:
    tables = len(done.counts)
    console.print(
        f"{verb} {done.path} ({done.kind}): {tables} tables, {done.rows:,} rows, readable by "
        "this account only."
    )


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (replaced if it exists).")],
) -> None:
    """Back up the whole store (core data, workspaces, accounts, audit log, consultations).

    SQLite is copied with its online backup API (safe while the workspace runs); PostgreSQL
    with pg_dump. Keep HIGHNEEDS_SECRET apart from the backups (docs/operations.md).
    """
    from highneeds.errors import HighneedsError
    from highneeds.store import open_store
    from highneeds.store.backup import backup as run

    store = open_store(create=False)
    try:
        _summary(run(store, file), "Backed up the store to")
    except HighneedsError as error:
        fail(str(error))
    finally:
        store.engine.dispose()  # close the connections now: a restore or a test may follow


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `highneeds backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Replace the store's contents without asking.")
    ] = False,
) -> None:
    """Replace everything in the store with a backup. Stop the workspace first."""
    from highneeds.errors import HighneedsError
    from highneeds.store import open_store
    from highneeds.store.backup import restore as run

    store = open_store(create=False)
    if not yes:
        if not sys.stdin.isatty():
            fail("restoring replaces everything in the store: add --yes to go ahead")
        where = store.engine.url.render_as_string(hide_password=True)
        if not typer.confirm(f"Replace everything in {where} with {file}?", default=False):
            fail("nothing was restored")
    try:
        _summary(run(store, file), "Restored the store from")
    except HighneedsError as error:
        fail(str(error))
    finally:
        store.engine.dispose()
