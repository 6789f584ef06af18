"""One LA's caseload forecast as titled tables, from the best model its data allows.

An LA with SEN2 transitions in the store gets the child-level Markov model
(:mod:`highneeds.forecast.markov`); any other English LA gets the public-data model
(:mod:`highneeds.forecast.public`) fitted to every LA's published caseload in the store. Both
give the same tables: the total with its intervals from the origin year on, and the median by
setting group and age band (and, child-level only, by type of need). A notes table says which
model ran, from which January, and the caseload it started from.
"""

from __future__ import annotations

import pandas as pd

from highneeds import vocabulary
from highneeds.errors import ModelInputError, NotFoundError
from highneeds.forecast.export import forecast_tables
from highneeds.forecast.markov import MarkovForecaster
from highneeds.forecast.public import PANEL_MEASURES, PublicStockFlowForecaster, build_panel
from highneeds.readers.dfe_stored import load_stats
from highneeds.sen2.stored import stored_transitions
from highneeds.store import Store
from highneeds.tables import TitledTable, notes_table

TITLES = {
    "total": "EHCP caseload forecast",
    "by_setting_group": "Forecast by setting group (median)",
    "by_need": "Forecast by type of need (median)",
    "by_age_band": "Forecast by age band (median)",
    "notes": "About this forecast",
}
#: The total's columns: year, then the interval bounds and middle (children).
TOTAL_COLUMNS = ["year", "expected", "q2.5", "q10", "median", "q90", "q97.5"]
_ORDER = {
    "setting_group": [g.code for g in vocabulary.SETTING_GROUPS],
    "need": [n.code for n in vocabulary.NEEDS],
    "age_band": [b.code for b in vocabulary.AGE_BANDS],
}
BREAKDOWNS = {"by_setting_group": "setting_group", "by_need": "need", "by_age_band": "age_band"}


def _wide_median(tidy: pd.DataFrame, column: str) -> pd.DataFrame:
    """year × category medians, categories in vocabulary order (unknown codes last)."""
    wide = tidy.pivot_table(index="year", columns=column, values="median")
    order = _ORDER[column]

    def rank(code):
        return (order.index(code) if code in order else len(order), str(code))

    return wide[sorted(wide.columns, key=rank)].reset_index().rename_axis(columns=None)


def _titled(total: pd.DataFrame, breakdowns: dict[str, pd.DataFrame], notes: list[str]):
    tables = {"total": TitledTable(TITLES["total"], total[TOTAL_COLUMNS], unit="children")}
    for name, frame in breakdowns.items():
        tables[name] = TitledTable(TITLES[name], frame, unit="children")
    tables["notes"] = notes_table(TITLES["notes"], notes)
    return tables


def _starting_from(origin: int, caseload: float) -> str:
    return f"Forecast from January {origin}, when the LA had {caseload:,.0f} EHCPs."


def child_level_forecast(
    transitions: pd.DataFrame, *, horizon: int, simulations: int, seed: int, estimation: str
) -> dict[str, TitledTable]:
    """The Markov model fitted to the LA's SEN2 transitions and simulated ``simulations``
    times (children, by January census year from the last census of the data)."""
    model = MarkovForecaster(estimation=estimation).fit(transitions)
    result = model.simulate(horizon=horizon, simulations=simulations, seed=seed)
    tables = forecast_tables(result)
    total = tables["total"]
    first = total.iloc[0]
    notes = [
        "Child-level model fitted to this LA's SEN2 returns "
        f"({estimation} estimation, {simulations:,} simulated futures, seed {seed}).",
        _starting_from(int(first["year"]), float(first["median"])),
    ]
    breakdowns = {name: _wide_median(tables[name], column) for name, column in BREAKDOWNS.items()}
    return _titled(total, breakdowns, notes)


def public_forecast(stats: pd.DataFrame, la_code: str, *, horizon: int) -> dict[str, TitledTable]:
    """The public-data model fitted to every LA in ``stats`` (the tidy DfE EHCP table) from its
    latest January, for LA ``la_code`` (children; intervals from the model's own backtest).
    An LA reorganised in the data's years is forecast with its whole lineage."""
    panel = build_panel(stats)
    model = PublicStockFlowForecaster().fit(panel)
    table = model.predict(horizon, setting_groups=True)
    mine = table[table["area_code"].str.split("+").map(lambda codes: la_code in codes)]
    if mine.empty:
        raise ModelInputError(
            f"the public-data model has no forecast for LA {la_code}: its caseload or new plans "
            "by age band are not published for the years the model needs"
        )
    origin = model.origin_
    row = list(panel.areas["area_code"]).index(mine["area_code"].iloc[0])
    start = float(panel.caseload[row, list(panel.years).index(origin)].sum())
    # The origin year as published, so the fan starts from the figure the overview shows.
    first = pd.DataFrame([{"year": origin, **dict.fromkeys(TOTAL_COLUMNS[1:], start)}])
    bands = mine[mine["setting_group"] == "total"]
    total = pd.concat(
        [first, bands[bands["age_band"] == "total"][TOTAL_COLUMNS]], ignore_index=True
    )
    breakdowns = {
        "by_setting_group": _wide_median(mine[mine["setting_group"] != "total"], "setting_group"),
        "by_age_band": _wide_median(bands[bands["age_band"] != "total"], "age_band"),
    }
    notes = [
        "Public-data model (DfE published caseload and new plans by age band and requests for "
        "assessment, every LA): this "
        "LA has no SEN2 returns in the store, so the child-level model cannot run. Its "
        "intervals come from the model's errors at earlier origins, not from simulation.",
        _starting_from(origin, start),
    ]
    return _titled(total, breakdowns, notes)


def la_forecast(
    store: Store, la_code: str, *, horizon: int, simulations: int, seed: int, estimation: str
) -> dict[str, TitledTable]:
    """The forecast of ``la_code`` from the store: the child-level model when the LA has SEN2
    transitions, else the public-data model from the stored DfE releases."""
    transitions = stored_transitions(store, la_code)
    if not transitions.empty:
        return child_level_forecast(
            transitions,
            horizon=horizon,
            simulations=simulations,
            seed=seed,
            estimation=estimation,
        )
    stats = load_stats(store, measures=PANEL_MEASURES)
    if stats.empty or la_code not in set(stats["area_code"]):
        raise NotFoundError(
            f"there are no SEN2 returns and no published statistics for LA {la_code} in the "
            "store: upload its SEN2 returns, or a DfE EHCP release, on the Data page"
        )
    return public_forecast(stats, la_code, horizon=horizon)
