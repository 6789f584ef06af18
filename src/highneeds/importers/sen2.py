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
from highneeds.sen2 import derived
from highneeds.sen2 import schema as tables
from highneeds.sen2.demo import DEMO_KEY
from highneeds.sen2.establishments import demo_establishments
from highneeds.sen2.model import Sen2Return
from highneeds.sen2.pseudonymise import require_secret
from highneeds.sen2.read import expand, read_returns
from highneeds.sen2.stored import stored_states
from highneeds.sen2.validate import validate
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


def import_sen2(
    paths: list[str | Path],
    store: Store,
    *,
    establishments: pd.DataFrame | None = None,
    imported_by: str | None = None,
    key: bytes | None = None,
    year: int | None = None,
    la_code: str | None = None,
) -> list[Sen2ImportResult]:
    """Import every return in ``paths``; refuse (MissingSecretError) without HIGHNEEDS_SECRET.

    ``key`` overrides the installation secret; only :func:`import_demo` uses it. ``year`` and
    ``la_code`` name the return of m1-m5 CSVs (those files do not say them). Such a return
    stores no child states or caseload (it has no placements or needs); its result's
    ``unavailable`` says so.
    """
    key = key or require_secret()
    establishments = establishments if establishments is not None else demo_establishments()
    files = expand(paths)
    returns = read_returns(files, year=year, la_code=la_code)  # fails before the store is touched
    results = []
    for ret in returns:
        issues = validate(ret, establishments, key)
        data = derived.prepare(ret, key, establishments)
        frames = _frames(data)
        result = store.import_tables(
            kind=f"sen2:{ret.year}",
            owner=ret.la_code,
            file_name=ret.file_name[:500],
            sha256=_hash_files(ret, files),
            frames=frames,
            release=str(ret.year),
            imported_by=imported_by,
            replace_kind=True,
        )
        log.info(
            "SEN2 %s for LA %s: %d rows, %d issues", ret.year, ret.la_code, result.rows, len(issues)
        )
        children = (
            len(data.states)
            if data.states is not None
            else ret["active_plan"]["person_key"].nunique()
        )
        results.append(
            Sen2ImportResult(ret.year, ret.la_code, result, issues, children, data.unavailable)
        )
    for la_code in sorted({r.la_code for r in returns}):
        refresh_transitions(store, la_code)
    return results


def import_demo(store: Store) -> list[Sen2ImportResult]:
    """Import the shipped demo returns of "Stockbridge (fictional)" (LA 999), 2019-2024."""
    from highneeds.sen2.demo import demo_paths

    key = config.installation_secret() or DEMO_KEY
    return import_sen2(demo_paths(), store, establishments=demo_establishments(), key=key)


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
