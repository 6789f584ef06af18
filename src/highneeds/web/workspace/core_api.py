"""The one place the workspace looks up core capabilities that may not exist yet.

The core grows issue by issue (overview, importers, forecasts, finance, scenarios). Pages ask
here; when a capability is missing they say so plainly instead of failing. When a core module
lands, only this file changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass

import pandas as pd


@dataclass(frozen=True)
class Missing:
    """A capability this installation does not have yet."""

    feature: str
    module: str

    def __str__(self) -> str:
        return f"{self.feature} is not available in this version yet ({self.module} is missing)."


def find(module: str, name: str, feature: str) -> Callable | Missing:
    """`module.name` if the core provides it, else Missing. Errors inside an existing module
    are not hidden: only a missing module or attribute counts as 'not available yet'."""
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and (module == error.name or module.startswith(error.name + ".")):
            return Missing(feature, module)
        raise
    function = getattr(loaded, name, None)
    return function if callable(function) else Missing(feature, f"{module}.{name}")


def tables_of(result) -> dict[str, pd.DataFrame]:
    """The DataFrames in a core result: a DataFrame, a mapping of them, or a dataclass with
    DataFrame fields. Keys become table names (and download file names)."""
    if isinstance(result, pd.DataFrame):
        return {"table": result}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items() if isinstance(v, pd.DataFrame)}
    if is_dataclass(result):
        return {
            f.name: getattr(result, f.name)
            for f in fields(result)
            if isinstance(getattr(result, f.name), pd.DataFrame)
        }
    raise TypeError(f"expected DataFrames from the core, got {type(result).__name__}")


ENGLAND = "E92000001"


def overview_areas(la_code: str) -> list[str]:
    """Area codes the overview compares: the LA, its statistical neighbours, region, England.
    Loading only these keeps the page fast with the whole national release in the store."""
    from highneeds import reference

    la = reference.find_la(la_code)
    neighbours = reference.statistical_neighbours(la.la_code)
    codes = [la.la_code, *(str(c) for c in neighbours["neighbour_code"])]
    return [*codes, *(c for c in (la.region_code, ENGLAND) if c)]


def la_overview(store, la_code: str) -> dict[str, pd.DataFrame] | Missing:
    """The LA overview tables: ``history`` (the LA by January census year) and ``comparison``
    (the LA beside its neighbours, region and England), from highneeds.analysis.overview."""
    overview = find("highneeds.analysis.overview", "la_overview", "The LA overview")
    load_stats = find("highneeds.importers.dfe", "load_stats", "Reading DfE statistics")
    for function in (overview, load_stats):
        if isinstance(function, Missing):
            return function
    result = overview(load_stats(store, area_codes=overview_areas(la_code)), la_code)
    history = result.history.reset_index()
    comparison = result.comparison.reset_index(drop=True)
    return {
        "history": history,
        "comparison": comparison,
        **({"notes": pd.DataFrame({"note": result.notes})} if result.notes else {}),
    }


def importer() -> Callable | Missing:
    """The core's file importer: import_file(store, path, *, owner, imported_by) -> ImportResult."""
    return find("highneeds.importers", "import_file", "Importing files into the store")
