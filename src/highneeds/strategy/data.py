"""Gather what a strategy's KPIs are computed from, for its LA and comparators, from the store."""

from __future__ import annotations

import pandas as pd

from highneeds import reference
from highneeds.errors import NotFoundError
from highneeds.importers.dfe import load_stats
from highneeds.reference.lookups import ENGLAND
from highneeds.store import Store
from highneeds.strategy.definition import Strategy
from highneeds.strategy.measures import KpiData


def comparison_areas(strategy: Strategy) -> list[str]:
    """The LA, its statistical neighbours (the strategy's model), its region and England."""
    la = reference.find_la(strategy.la)
    neighbours = reference.statistical_neighbours(la.la_code, model=strategy.neighbours)
    areas = [la.la_code, *(str(c) for c in neighbours["neighbour_code"]), ENGLAND[0]]
    return areas + ([la.region_code] if la.region_code else [])


def kpi_data(store: Store, strategy: Strategy, places: pd.DataFrame | None = None) -> KpiData:
    """The store's EHCP statistics for the strategy's areas, with its places register (as
    :func:`highneeds.strategy.places.read_register` gives it) if any."""
    stats = load_stats(store, area_codes=comparison_areas(strategy))
    if stats.empty:
        raise NotFoundError(
            "no DfE EHCP statistics in the store; import a release first: "
            "highneeds data import --bundled"
        )
    return KpiData(stats=stats, places=places)
