"""Import DfE "Education, health and care plans" releases into the store
(:mod:`highneeds.readers.dfe_stored` reads them back)."""

from __future__ import annotations

from pathlib import Path

from highneeds.readers.dfe_ehcp import detect_layout, read_release, release_year
from highneeds.readers.dfe_files import ReleaseSource, bundled_release_path
from highneeds.readers.dfe_schema import ehcp_stats
from highneeds.store import ImportResult, Store

KIND_PREFIX = "dfe_ehcp"


def import_kind(release: str) -> str:
    """The store's import kind for one release: one current import per reporting year."""
    return f"{KIND_PREFIX}:{release}"


def import_release(store: Store, path: str | Path, imported_by: str | None = None) -> ImportResult:
    """Read, check and store one release (zip or folder), all or nothing.

    The same bytes imported again are a no-op (``already_imported``). Different bytes for a
    release already in the store (a corrected re-publication) replace it in the same
    transaction. Any problem with the files raises InputFileError before the store is touched.
    """
    path = Path(path)
    source = ReleaseSource.open(path)
    detect_layout(source)  # "not a release at all" before "which year"
    release = release_year(source)
    sha256 = source.sha256()
    kind = import_kind(release)
    store.create_all()
    existing = store.find_import(kind, sha256)
    if existing is not None:
        return ImportResult(existing, 0, already_imported=True)
    tidy = read_release(path)
    return store.import_tables(
        kind=kind,
        file_name=path.name,
        sha256=sha256,
        frames={ehcp_stats: tidy},
        release=release,
        imported_by=imported_by,
        replace_kind=True,
    )


def load_bundled_if_empty(store: Store) -> ImportResult | None:
    """Import the bundled release if ``store`` is the embedded default and holds no DfE release.

    A fresh install then serves an LA's overview on first use. A store named by DATABASE_URL
    (a team's database) is never filled behind its owners' backs. Returns the import, or None
    when nothing was loaded.
    """
    from highneeds import config

    if not config.uses_embedded_store():
        return None
    store.create_all()
    kinds = store.imports()
    if not kinds.empty and kinds["kind"].str.startswith(KIND_PREFIX + ":").any():
        return None
    return import_release(store, bundled_release_path())
