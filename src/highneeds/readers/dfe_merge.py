"""Several DfE EHCP releases as one table: the newest release wins where they overlap.

Releases revise earlier years (late returns, corrections, the 2023 switch to person-level data),
so the same figure can differ between releases. :func:`merge_releases` keeps the newest release's
figure and reports every difference, so a user can see what a new release changed.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from highneeds.readers.dfe_ehcp import KEY

DIFFERENCE_COLUMNS = [
    *KEY,
    "area_name",
    "release_old",
    "value_old",
    "status_old",
    "release_new",
    "value_new",
    "status_new",
    "change",
    "kind",
]


#: A slice is one published breakdown of one measure: all its settings come from one release, so
#: a newer layout's subtotals (whose scope can differ, e.g. "educated elsewhere" includes NEET
#: from 2023) are never mixed with an older layout's settings.
SLICE = ["area_code", "year", "measure", "dimension", "category"]


def _release_order(release: pd.Series) -> pd.Series:
    return pd.to_numeric(release, errors="coerce").fillna(-1)


def newest_wins(stats: pd.DataFrame) -> pd.DataFrame:
    """Each slice (:data:`SLICE`) from the newest release publishing it; one row per figure."""
    order = _release_order(stats["release"])
    newest = order.groupby([stats[c] for c in SLICE], sort=False).transform("max")
    kept = stats[order.to_numpy() == newest.to_numpy()]
    return kept.drop_duplicates(KEY).reset_index(drop=True)


def merge_releases(frames: Iterable[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge tidy release tables; returns ``(merged, differences)``.

    Where releases overlap the newest wins: each slice (one area, year, measure and breakdown,
    all settings) is taken whole from the newest release that publishes it.

    ``differences`` lists each figure (:data:`KEY`) an older release published differently: another
    value, or a number where the newer has a symbol (``kind = "changed"``), or a figure in an
    overlapping slice that the newer release no longer publishes (``kind = "not_in_newer"``,
    ``value_new`` NaN). ``change = value_new - value_old``. Figures in slices only one release
    publishes are not differences.
    """
    stats = pd.concat(list(frames), ignore_index=True)
    merged = newest_wins(stats)
    slice_release = merged[[*SLICE, "release"]].drop_duplicates(SLICE)
    older = stats.merge(slice_release, on=SLICE, suffixes=("_old", "_new"))
    older = older[older["release_old"] != older["release_new"]]
    older = older.merge(
        merged[[*KEY, "value", "status"]].rename(
            columns={"value": "value_new", "status": "status_new"}
        ),
        on=KEY,
        how="left",
        indicator=True,
    ).rename(columns={"value": "value_old", "status": "status_old"})
    old, new = older["value_old"], older["value_new"]
    same_value = np.isclose(old, new, rtol=0, atol=1e-9) | (old.isna() & new.isna())
    same_status = older["status_old"].fillna("") == older["status_new"].fillna("")
    missing = older["_merge"] == "left_only"
    changed = older[missing | ~(same_value & same_status)].copy()
    changed["kind"] = np.where(changed["_merge"] == "left_only", "not_in_newer", "changed")
    changed["change"] = changed["value_new"] - changed["value_old"]
    return merged, changed[DIFFERENCE_COLUMNS].reset_index(drop=True)
