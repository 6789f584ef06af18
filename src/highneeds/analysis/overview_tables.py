"""The LA overview as titled tables, one unit each, so every table draws as a readable chart.

An English LA's overview comes from DfE's published statistics in the store, beside its
statistical neighbours, region and England (:mod:`highneeds.analysis.overview`). An LA that is
not in the published statistics (the fictional demo LA) gets the same tables by January census
year from its own stored SEN2 returns, with no comparison and a note saying so.
"""

from __future__ import annotations

import pandas as pd

from highneeds import reference
from highneeds.analysis import jsna, jsna_export
from highneeds.analysis.overview import overview_from_store
from highneeds.errors import NotFoundError
from highneeds.store import Store
from highneeds.tables import TitledTable, notes_table
from highneeds.vocabulary import AGE_BANDS, SETTING_GROUPS

TITLES = {
    "caseload": "EHCPs and new plans by January census",
    "rates": "Rates, growth and timeliness",
    "setting_groups": "EHCPs by setting group",
    "age_bands": "EHCPs by age band",
    "comparison_rate": "EHCPs per 1,000 residents aged 0 to 25, beside comparators",
    "comparison": "Beside statistical neighbours, region and England",
    "notes": "Notes on these figures",
}
#: Which columns of the LA's history (by January census year) each table shows.
HISTORY_COLUMNS = {
    "caseload": ["ehcps", "new_plans"],
    "rates": ["per_1000_aged_0_25", "growth_pct", "issued_within_20_weeks_pct"],
    "setting_groups": [g.code for g in SETTING_GROUPS],
    "age_bands": [f"age_{b.code}" for b in AGE_BANDS],
}
UNITS = {"caseload": "children", "setting_groups": "children", "age_bands": "children"}
NOT_PUBLISHED = (
    "{la} is not in DfE's published statistics, so these figures come from its own SEN2 "
    "returns and there is no comparison with statistical neighbours, region or England."
)


def _pick(frame: pd.DataFrame, key: str, columns: list[str]) -> pd.DataFrame | None:
    present = [c for c in columns if c in frame.columns]
    return frame[[key, *present]] if present else None


def _symbols_of(frame: pd.DataFrame, symbols: pd.DataFrame | None) -> pd.DataFrame | None:
    """``symbols`` laid out as ``frame`` (by row position and column code), or None when no
    DfE symbol stands in it."""
    if symbols is None:
        return None
    laid = symbols.reset_index(drop=True).reindex(columns=frame.columns).set_axis(frame.index)
    laid = laid.astype(object).where(laid.notna(), None)
    return laid if laid.map(lambda s: isinstance(s, str)).any().any() else None


def _tables(
    history: pd.DataFrame,
    comparison: pd.DataFrame | None,
    notes: list[str],
    *,
    year: int | None = None,
    history_symbols: pd.DataFrame | None = None,
    comparison_symbols: pd.DataFrame | None = None,
) -> dict[str, TitledTable]:
    frames = {key: _pick(history, "year", columns) for key, columns in HISTORY_COLUMNS.items()}
    symbols = dict.fromkeys(frames, history_symbols)
    if comparison is not None:
        compared = comparison.reset_index(drop=True)
        frames["comparison_rate"] = _pick(compared, "area", ["per_1000_aged_0_25"])
        frames["comparison"] = compared
        symbols["comparison_rate"] = symbols["comparison"] = comparison_symbols
    titles = dict(TITLES)
    if year is not None:  # the comparison is of one January: its title says which
        for key in ("comparison_rate", "comparison"):
            titles[key] = f"{TITLES[key]}, January {year}"
    tables = {
        key: TitledTable(
            titles[key],
            frame,
            unit=UNITS.get(key, ""),
            symbols=_symbols_of(frame, symbols.get(key)),
        )
        for key, frame in frames.items()
        if frame is not None
    }
    if notes:
        tables["notes"] = notes_table(TITLES["notes"], notes)
    return tables


def _published(store: Store, la_code: str) -> dict[str, TitledTable]:
    # The CLI's path (analysis.overview.overview_from_store): one figure per LA and year.
    result = overview_from_store(store, la_code)
    return _tables(
        result.history.reset_index(),
        result.comparison,
        result.notes,
        year=result.year,
        history_symbols=result.history_symbols,
        comparison_symbols=result.comparison_symbols,
    )


def sen2_history(store: Store, la_code: str) -> pd.DataFrame:
    """The LA's own figures by January census year from its stored SEN2 returns: EHCPs, new
    plans, growth, 20-week timeliness, and EHCPs by setting group and age band (children).
    Empty when it has no stored return."""
    inputs = jsna_export.stored_inputs(store, la_code)
    years = inputs.years()
    if not years:
        return pd.DataFrame()
    trend = jsna.trend_counts(inputs, years)
    history = pd.DataFrame(
        {
            "year": years,
            "ehcps": trend["ehcps"].to_numpy(),
            "new_plans": trend["new_plans"].to_numpy(),
        }
    )
    history["growth_pct"] = history["ehcps"].pct_change() * 100.0
    history["issued_within_20_weeks_pct"] = trend["percent_within_20_weeks"].to_numpy()
    states = inputs.states
    for column, codes, prefix in (
        ("setting_group", [g.code for g in SETTING_GROUPS], ""),
        ("age_band", [b.code for b in AGE_BANDS], "age_"),
    ):
        counts = states.groupby(["year", column]).size().unstack(fill_value=0)
        for code in codes:
            if code in counts.columns:
                history[prefix + code] = counts[code].reindex(years).to_numpy()
    return history.dropna(axis=1, how="all")


def overview_tables(
    store: Store, la_code: str, la_name: str | None = None
) -> dict[str, TitledTable]:
    """The overview of ``la_code`` as titled tables (keys: caseload, rates, setting_groups,
    age_bands, comparison_rate, comparison, notes; those without figures are left out).

    Raises NotFoundError when the LA is neither in the published statistics nor has stored
    SEN2 returns."""
    try:
        reference.find_la(la_code)
    except NotFoundError:
        history = sen2_history(store, la_code)
        if history.empty:
            raise
        return _tables(history, None, [NOT_PUBLISHED.format(la=la_name or f"LA {la_code}")])
    return _published(store, la_code)
