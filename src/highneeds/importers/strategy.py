"""Import an LA's strategy file and places register into the store (checked first, all or
nothing, the same bytes twice a no-op, a new version replacing the old)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from highneeds.errors import InputFileError
from highneeds.finance.stored import PLACES_KIND
from highneeds.store import ImportResult, Store, file_sha256
from highneeds.strategy.definition import read_strategy
from highneeds.strategy.places import read_register
from highneeds.strategy.schema import places_register, strategy_files

STRATEGY_KIND = "strategy"


def import_strategy(
    store: Store, path: str | Path, *, la_code: str | None = None, imported_by: str | None = None
) -> ImportResult:
    """Store a checked strategy file as its LA's current strategy. With ``la_code`` (a
    workspace's LA) a file for another LA is refused."""
    path = Path(path)
    strategy = read_strategy(path)
    if la_code is not None and strategy.la != str(la_code):
        raise InputFileError(
            f"this strategy is for {strategy.la_name} ({strategy.la}), not this workspace's LA",
            file=path.name,
            column="la",
        )
    frame = pd.DataFrame(
        [{"la_code": strategy.la, "title": strategy.title, "toml": path.read_text("utf-8-sig")}]
    )
    store.create_all()
    return store.import_tables(
        kind=STRATEGY_KIND,
        file_name=path.name,
        sha256=file_sha256(path),
        frames={strategy_files: frame},
        owner=strategy.la,
        imported_by=imported_by,
        replace_kind=True,
    )


def import_places(
    store: Store, path: str | Path, *, la_code: str, imported_by: str | None = None
) -> ImportResult:
    """Store a checked places register as the LA's current register."""
    path = Path(path)
    register = read_register(path).assign(la_code=str(la_code))
    store.create_all()
    return store.import_tables(
        kind=PLACES_KIND,
        file_name=path.name,
        sha256=file_sha256(path),
        frames={places_register: register},
        owner=str(la_code),
        imported_by=imported_by,
        replace_kind=True,
    )
