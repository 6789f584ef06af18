"""Gather what a strategy's KPIs are computed from, for its LA and comparators, from the store."""

from __future__ import annotations

import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.readers.dfe_stored import load_stats
from highneeds.reference.lookups import ENGLAND
from highneeds.store import Store
from highneeds.strategy.measures import KpiData


def comparison_areas(la: str, neighbours: str) -> list[str]:
    """The LA, its statistical neighbours (DfE model ``neighbours``), its region and England."""
    found = reference.find_la(la)
    others = reference.statistical_neighbours(found.la_code, model=neighbours)
    areas = [found.la_code, *(str(c) for c in others["neighbour_code"]), ENGLAND[0]]
    return areas + ([found.region_code] if found.region_code else [])


def kpi_data(store: Store, la: str, neighbours: str, places: pd.DataFrame | None = None) -> KpiData:
    """The store's EHCP statistics for the LA and its comparators, with its places register
    (as :func:`highneeds.strategy.places.read_register` gives it) if any."""
    stats = load_stats(store, area_codes=comparison_areas(la, neighbours))
    if stats.empty:
        raise NotFoundError(
            "no DfE EHCP statistics in the store; import a release first: "
            "highneeds data import --bundled"
        )
    return KpiData(stats=stats, places=places)
