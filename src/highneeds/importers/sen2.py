"""Import SEN2 returns into the store: read, validate, pseudonymise, derive, load.

Everything that can fail on the input (size, layout, dates, missing secret) fails before the
store is touched; the load itself is one transaction (:meth:`Store.import_tables`). A return
is imported as kind ``sen2:<year>`` owned by its LA, so a corrected return of the same year
replaces the earlier one. After each import the transitions between consecutive years are
recomputed from every stored year of that LA.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from highneeds import config
from highneeds.errors import HighneedsError
from highneeds.sen2 import derived
from highneeds.sen2 import schema as tables
from highneeds.sen2.demo import DEMO_KEY
from highneeds.sen2.establishments import demo_establishments
from highneeds.sen2.model import Sen2Return
from highneeds.sen2.pseudonymise import SecretChangedError, require_secret, secret_fingerprint
from highneeds.sen2.read import expand, read_returns
from highneeds.sen2.stored import stored_states
from highneeds.sen2.validate import has_errors, validate
from highneeds.store import ImportResult, Store, file_sha256

log = logging.getLogger(__name__)


@dataclass
class Sen2ImportResult:
    year: int
    la_code: str
    result: ImportResult
    issues: pd.DataFrame  # the validation report (pseudonymous)
    children: int  # children with an active plan at the census
    #: derived tables the return's layout cannot give (m1-m5 CSVs: caseload, transitions)
    unavailable: dict[str, str] = field(default_factory=dict)


def _hash_files(ret: Sen2Return, files: list[Path]) -> str:
    names = set(ret.file_name.split(", "))
    digests = sorted(file_sha256(p) for p in files if p.name in names)
    return hashlib.sha256("".join(digests).encode()).hexdigest()


@dataclass(frozen=True)
class ReturnChange:
    """What importing one return would do to the store, said before anything is written."""

    year: int
    la_code: str
    children_before: int | None  # children in the stored return of that year; None: none stored
    children_after: int  # children with an active plan in the new return
    errors: int  # validation errors found in the new return
    warnings: int

    @property
    def replaces(self) -> bool:
        return self.children_before is not None

    def describe(self) -> str:
        what = f"SEN2 {self.year} for LA {self.la_code}"
        if self.replaces:
            what += (
                f" would replace the stored return ({self.children_before:,} children with a "
                f"plan) with this one ({self.children_after:,} children)"
            )
        else:
            what += f" would add a new year ({self.children_after:,} children with a plan)"
        if self.errors:
            what += f"; this return has {self.errors:,} validation error" + "s" * (self.errors > 1)
        return what


class ImportNeedsConfirmation(HighneedsError):
    """The import would replace a stored return, or load one with validation errors, and the
    person has not said yes to that. Nothing was imported."""

    def __init__(self, changes: list[ReturnChange], *, replace: bool, accept_errors: bool):
        self.changes = changes
        self.needs_replace = not replace and any(c.replaces for c in changes)
        self.needs_accept_errors = not accept_errors and any(c.errors for c in changes)
        asks = []
        if self.needs_replace:
            asks.append("confirm the replacement")
        if self.needs_accept_errors:
            asks.append("accept the validation errors (or correct the return and import it again)")
        super().__init__(
            "Nothing was imported. "
            + "; ".join(c.describe() for c in changes)
            + ". To go ahead, "
            + " and ".join(asks)
            + "."
        )


def stored_children(store: Store, la_code: str, year: int) -> int | None:
    """Children in the LA's stored return of ``year`` (None when no return of it is stored)."""
    kind = f"sen2:{year}"
    imports = store.imports()
    if imports.empty or not ((imports["kind"] == kind) & (imports["owner"] == la_code)).any():
        return None
    for table in (tables.states, tables.persons):  # m1-m5 returns store no states
        query = sa.select(sa.func.count(sa.distinct(table.c.child_id))).where(
            table.c.la_code == la_code, table.c.year == year
        )
        with store.engine.connect() as conn:
            found = conn.execute(query).scalar_one()
        if found:
            return int(found)
    return 0


def check_secret(store: Store, la_code: str, key: bytes) -> bool:
    """Refuse (SecretChangedError) a key other than the one the LA's stored returns used.
    True when the LA has no fingerprint yet: :func:`record_secret` it once its import is in
    (a refused import must leave the store as it was)."""
    stored = store.setting(_fingerprint_name(la_code))
    given = secret_fingerprint(key)
    if stored is not None and stored != given:
        raise SecretChangedError(la_code, stored, given)
    return stored is None


def record_secret(store: Store, la_code: str, key: bytes) -> None:
    """Record the fingerprint of the key the LA's returns are pseudonymised with."""
    store.set_setting(_fingerprint_name(la_code), secret_fingerprint(key))


def _fingerprint_name(la_code: str) -> str:
    return f"sen2_secret_fingerprint:{la_code}"


def import_sen2(
    paths: list[str | Path],
    store: Store,
    *,
    establishments: pd.DataFrame | None = None,
    imported_by: str | None = None,
    key: bytes | None = None,
    year: int | None = None,
    la_code: str | None = None,
    replace: bool = False,
    accept_errors: bool = False,
) -> list[Sen2ImportResult]:
    """Import every return in ``paths``; refuse (MissingSecretError) without HIGHNEEDS_SECRET.

    Nothing is written unless every return can be: a return that would replace a stored one
    of its year needs ``replace``, one with validation errors needs ``accept_errors``;
    otherwise ImportNeedsConfirmation says what would change (children before and after,
    errors found). A key other than the one the LA's stored years used is refused
    (SecretChangedError). The same file imported again changes nothing and asks nothing.

    ``key`` overrides the installation secret; only :func:`import_demo` uses it. ``year`` and
    ``la_code`` name the return of m1-m5 CSVs (those files do not say them). Such a return
    stores no child states or caseload (it has no placements or needs); its result's
    ``unavailable`` says so.
    """
    key = key or require_secret()
    establishments = establishments if establishments is not None else demo_establishments()
    files = expand(paths)
    returns = read_returns(files, year=year, la_code=la_code)  # fails before the store is touched
    unrecorded = [c for c in sorted({r.la_code for r in returns}) if check_secret(store, c, key)]
    prepared, changes = [], []
    for ret in returns:
        issues = validate(ret, establishments, key)
        data = derived.prepare(ret, key, establishments)
        sha256 = _hash_files(ret, files)
        children = (
            len(data.states)
            if data.states is not None
            else ret["active_plan"]["person_key"].nunique()
        )
        prepared.append((ret, issues, data, sha256, children))
        if store.find_import(f"sen2:{ret.year}", sha256, ret.la_code) is not None:
            continue  # already imported: nothing changes, nothing to confirm
        errors = int(has_errors(issues) and (issues["severity"] == "error").sum())
        changes.append(
            ReturnChange(
                ret.year,
                ret.la_code,
                stored_children(store, ret.la_code, ret.year),
                children,
                errors,
                len(issues) - errors,
            )
        )
    if (not replace and any(c.replaces for c in changes)) or (
        not accept_errors and any(c.errors for c in changes)
    ):
        raise ImportNeedsConfirmation(changes, replace=replace, accept_errors=accept_errors)
    results = []
    for ret, issues, data, sha256, children in prepared:
        result = store.import_tables(
            kind=f"sen2:{ret.year}",
            owner=ret.la_code,
            file_name=ret.file_name[:500],
            sha256=sha256,
            frames=_frames(data),
            release=str(ret.year),
            imported_by=imported_by,
            replace_kind=True,
        )
        log.info(
            "SEN2 %s for LA %s: %d rows, %d issues", ret.year, ret.la_code, result.rows, len(issues)
        )
        results.append(
            Sen2ImportResult(ret.year, ret.la_code, result, issues, children, data.unavailable)
        )
    for code in unrecorded:
        record_secret(store, code, key)
    for code in sorted({r.la_code for r in returns}):
        refresh_transitions(store, code)
    return results


def import_demo(store: Store) -> list[Sen2ImportResult]:
    """Import the shipped demo returns of "Stockbridge (fictional)" (LA 999), 2019-2024."""
    from highneeds.sen2.demo import demo_paths
    from highneeds.sen2.synth import LA_CODE

    key = config.installation_secret() or DEMO_KEY
    # A year someone has already stored is kept, whatever they uploaded for it: loading the
    # demo again never replaces their data (the same shipped file again is a no-op anyway).
    paths = [
        path
        for path in demo_paths()
        if stored_children(store, LA_CODE, int(path.name.split("-")[1][:4])) is None
    ]
    if not paths:
        return []
    # The shipped demo knowingly holds the validation errors the rules are shown finding.
    return import_sen2(
        paths, store, establishments=demo_establishments(), key=key, accept_errors=True
    )


def _with(frame: pd.DataFrame, la_code: str, year: int | None = None) -> pd.DataFrame:
    out = frame.copy()
    out["la_code"] = la_code
    if year is not None:
        out["year"] = year
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.date
    return out


def _frames(data: derived.Pseudonymised) -> dict[sa.Table, pd.DataFrame]:
    la, year = data.la_code, data.year
    made = derived.all_derived(data.states, data.events)
    persons = data.persons.drop(columns=["person_key"])
    frames = {
        tables.persons: _with(persons, la, year),
        tables.events: _with(data.events.astype({"week20": "Int64"}), la),
        tables.funnel: _with(made["funnel"], la),
        tables.timeliness: _with(made["timeliness"], la),
        tables.ceased: _with(made["ceased"], la),
    }
    # A layout without placements and needs (m1-m5) stores no states or caseload rows; the
    # tables are still listed so that replacing an earlier return of the year clears them.
    none = pd.DataFrame()
    frames[tables.states] = _with(data.states, la) if data.states is not None else none
    frames[tables.caseload] = _with(made["caseload"], la) if "caseload" in made else none
    return frames


def refresh_transitions(store: Store, la_code: str) -> ImportResult:
    """Recompute the year-to-year transitions of ``la_code`` from all its stored years."""
    states, events = stored_states(store, la_code)
    moves = derived.transitions(states, events)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(moves, index=False).values.tobytes()
    ).hexdigest()
    return store.import_tables(
        kind="sen2_transitions",
        owner=la_code,
        file_name="derived from stored SEN2 returns",
        sha256=digest,
        frames={tables.transitions: _with(moves, la_code)},
        replace_kind=True,
    )
