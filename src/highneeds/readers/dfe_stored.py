"""The DfE EHCP figures in the store read back (highneeds.importers.dfe writes them)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from highneeds.readers.dfe_merge import newest_wins
from highneeds.readers.dfe_schema import TIDY_COLUMNS, ehcp_stats
from highneeds.store import Store


def load_stats(
    store: Store,
    area_codes: Iterable[str] | None = None,
    measures: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Stored EHCP figures (:data:`TIDY_COLUMNS`), the newest release winning where they overlap.

    ``area_codes`` are DfE LA numbers or GSS codes of regions/England; None reads all.
    """
    table = ehcp_stats
    query = sa.select(*(table.c[name] for name in TIDY_COLUMNS))
    if area_codes is not None:
        query = query.where(table.c.area_code.in_([str(code) for code in area_codes]))
    if measures is not None:
        query = query.where(table.c.measure.in_(list(measures)))
    stats = store.read_frame(query)
    if stats.empty:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    stats["year"] = stats["year"].astype("int64")
    stats["value"] = pd.to_numeric(stats["value"], errors="coerce").astype("float64")
    stats["status"] = stats["status"].astype(object).where(stats["status"].notna(), None)
    return newest_wins(stats)[TIDY_COLUMNS]
