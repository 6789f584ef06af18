"""witan.send compatibility: read its input folder, write its Output_*.csv files.

Inputs (as in witan.send's ``data/demo/data``): ``transitions.csv`` (calendar-year,
setting-1, need-1, academic-year-1, setting-2, need-2, academic-year-2; ``NONSEND`` marks a
child not on a plan), ``population.csv`` (calendar-year, academic-year, population),
``costs.csv`` (need, setting, cost) and ``valid-states.csv`` (setting, setting-group,
min-academic-year, max-academic-year, needs, setting->setting).

Outputs keep witan.send's file and column names so its users can compare runs directly:
calendar-year, [academic-year | need | setting | ay-group | need-setting], mean, std-dev,
iqr, min, low-95pc-bound, q1, median, q3, high-95pc-bound, max, low-ci, high-ci.

:func:`witan_reference_path` reproduces witan.send's own expected path, including its silent
drop of children who outstay a setting's age range, so the difference from highneeds'
explicit handling can be measured and explained (docs/forecast.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from highneeds.errors import InputFileError
from highneeds.forecast import transitions as tr
from highneeds.forecast.engine import Path as ProjectionPath
from highneeds.forecast.engine import expected_path, prepare_routes
from highneeds.forecast.estimate import estimate_witan, population_array
from highneeds.forecast.result import ForecastResult, moments, sorted_draws
from highneeds.forecast.states import StateSpace, index_transitions

NON_SEND = "NONSEND"

_FILES = {
    "transitions": (
        "transitions.csv",
        (
            "calendar-year",
            "setting-1",
            "need-1",
            "academic-year-1",
            "setting-2",
            "need-2",
            "academic-year-2",
        ),
    ),
    "population": ("population.csv", ("calendar-year", "academic-year", "population")),
    "costs": ("costs.csv", ("need", "setting", "cost")),
    "valid_states": (
        "valid-states.csv",
        (
            "setting",
            "setting-group",
            "min-academic-year",
            "max-academic-year",
            "needs",
            "setting->setting",
        ),
    ),
}

WITAN_STAT_COLUMNS = (
    "mean",
    "std-dev",
    "iqr",
    "min",
    "low-95pc-bound",
    "q1",
    "median",
    "q3",
    "high-95pc-bound",
    "max",
    "low-ci",
    "high-ci",
)


@dataclass
class WitanInputs:
    """witan.send's inputs translated to highneeds' contracts."""

    transitions: pd.DataFrame  # the transitions contract
    population: pd.DataFrame  # year, ncy, population
    costs: pd.DataFrame  # need, setting, cost
    valid_states: pd.DataFrame  # VALID_STATE_COLUMNS


def _read(directory: Path, key: str) -> pd.DataFrame:
    name, columns = _FILES[key]
    path = directory / name
    if not path.exists():
        raise InputFileError(
            "file not found", file=str(path), hint=f"witan.send input folders hold {name}"
        )
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"missing column(s) {', '.join(missing)}",
            file=str(path),
            row=1,
            hint="expected the witan.send header " + ",".join(columns),
        )
    return frame


def _integers(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    values = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = values.isna() | (values != values.round())
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputFileError(
            f"{frame[column].iloc[pos]!r} is not a whole number",
            file=file,
            row=pos + 2,
            column=column,
        )
    return values.astype("int64")


def read_witan_inputs(directory: str | Path) -> WitanInputs:
    """Read a witan.send input folder. Raises InputFileError naming file, row and column."""
    directory = Path(directory)
    raw = _read(directory, "transitions")
    file = str(directory / "transitions.csv")

    def state(column: str) -> pd.Series:
        values = raw[column].str.strip()
        return values.where(values != NON_SEND, None).astype(object)

    transitions = pd.DataFrame(
        {
            tr.YEAR: _integers(raw, "calendar-year", file),
            tr.NCY_FROM: _integers(raw, "academic-year-1", file),
            tr.NEED_FROM: state("need-1"),
            tr.SETTING_FROM: state("setting-1"),
            tr.NCY_TO: _integers(raw, "academic-year-2", file),
            tr.NEED_TO: state("need-2"),
            tr.SETTING_TO: state("setting-2"),
        }
    )
    tr.validate_transitions(transitions, source=file)

    raw_pop = _read(directory, "population")
    pop_file = str(directory / "population.csv")
    population = pd.DataFrame(
        {
            "year": _integers(raw_pop, "calendar-year", pop_file),
            "ncy": _integers(raw_pop, "academic-year", pop_file),
            "population": _integers(raw_pop, "population", pop_file),
        }
    )

    raw_costs = _read(directory, "costs")
    cost_values = pd.to_numeric(raw_costs["cost"], errors="coerce")
    if cost_values.isna().any():
        pos = int(cost_values.isna().to_numpy().nonzero()[0][0])
        raise InputFileError(
            f"{raw_costs['cost'].iloc[pos]!r} is not a number",
            file=str(directory / "costs.csv"),
            row=pos + 2,
            column="cost",
        )
    costs = pd.DataFrame(
        {
            "need": raw_costs["need"].str.strip(),
            "setting": raw_costs["setting"].str.strip(),
            "cost": cost_values,
        }
    )

    raw_valid = _read(directory, "valid_states")
    valid_file = str(directory / "valid-states.csv")
    valid_states = pd.DataFrame(
        {
            "setting": raw_valid["setting"].str.strip(),
            "setting_group": raw_valid["setting-group"].str.strip(),
            "min_ncy": _integers(raw_valid, "min-academic-year", valid_file),
            "max_ncy": _integers(raw_valid, "max-academic-year", valid_file),
            "needs": raw_valid["needs"],
            "moves_to": raw_valid["setting->setting"],
        }
    )
    return WitanInputs(transitions, population, costs, valid_states)


# ------------------------------------------------------------------------------------------
# Outputs
# ------------------------------------------------------------------------------------------


def witan_stats(draws: np.ndarray) -> dict[str, np.ndarray]:
    """witan.send's summary statistics over axis 0 (simulations)."""
    return witan_stats_sorted(sorted_draws(draws))


def witan_stats_sorted(
    ordered: np.ndarray, moment: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """:func:`witan_stats` of draws already sorted by :func:`sorted_draws` (sims last);
    ``moment`` is their :func:`~highneeds.forecast.result.moments` if already worked out."""
    n = ordered.shape[-1]
    # order statistics as an HDR histogram reports them: the value at rank ceil(p * n)
    ranks = [max(int(np.ceil(p * n)) - 1, 0) for p in (0, 0.025, 0.25, 0.5, 0.75, 0.975, 1.0)]
    q = [ordered[..., r] for r in ranks]
    mean, ssq = moments(ordered) if moment is None else moment
    std = np.sqrt(ssq / n)  # witan.send's standard deviation divides by n
    margin = 1.96 * std / np.sqrt(n)
    return {
        "mean": mean,
        "std-dev": std,
        "iqr": q[4] - q[2],
        "min": q[0],
        "low-95pc-bound": q[1],
        "q1": q[2],
        "median": q[3],
        "q3": q[4],
        "high-95pc-bound": q[5],
        "max": q[6],
        "low-ci": mean - margin,
        "high-ci": mean + margin,
    }


def _ay_group(ncy: int) -> str:
    # witan.send's NCY groups for Output_AY_Group.csv
    if ncy <= 0:
        return "NCY < 1"
    if ncy <= 6:
        return "NCY 1-6"
    if ncy <= 11:
        return "NCY 7-11"
    if ncy <= 13:
        return "NCY 12-13"
    return "NCY 14+"


def _witan_table(
    years: np.ndarray,
    keys: pd.DataFrame,
    ordered: np.ndarray,
    key_names: dict[str, str],
    moment: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """witan.send's table of one breakdown from its sorted draws (T, G, S)."""
    stats = witan_stats_sorted(ordered, moment)
    n = len(keys)
    frame = pd.DataFrame({"calendar-year": np.repeat(years, n)})
    for ours, theirs in key_names.items():
        frame[theirs] = np.tile(keys[ours].to_numpy(), len(years))
    for column in WITAN_STAT_COLUMNS:
        frame[column] = np.round(stats[column].reshape(-1), 2)
    return frame


def write_witan_outputs(
    result: ForecastResult, costs: pd.DataFrame, directory: str | Path
) -> list[Path]:
    """Write Output_Count/AY/AY_Group/Need/Setting/State/Cost.csv; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    years = result.years
    tables: dict[str, pd.DataFrame] = {}
    result.draws_many([(), ("ncy",), ("need",), ("setting",), ("ncy", "need", "setting")])

    def table(by: tuple[str, ...], key_names: dict[str, str], weight=None) -> pd.DataFrame:
        # the same sums, sorts and moments as highneeds' own tables (ForecastResult caches them)
        keys, ordered, _ = result.sorted_draws(by, weight)
        if "need_setting" in key_names:
            keys = keys.assign(need_setting=keys["need"] + "-" + keys["setting"])
        return _witan_table(years, keys, ordered, key_names, result.draw_moments(by, weight))

    tables["Output_Count.csv"] = table((), {})
    tables["Output_AY.csv"] = table(("ncy",), {"ncy": "academic-year"})
    keys, sims, _ = result.draws(("ncy",))
    group_of = np.array([_ay_group(int(n)) for n in keys["ncy"]])
    names = sorted(set(group_of), key=lambda g: list(group_of).index(g))
    onehot = np.array([[g == name for name in names] for g in group_of], dtype=np.float32)
    tables["Output_AY_Group.csv"] = _witan_table(
        years,
        pd.DataFrame({"ay-group": names}),
        sorted_draws(sims @ onehot),
        {"ay-group": "ay-group"},
    )
    tables["Output_Need.csv"] = table(("need",), {"need": "need"})
    tables["Output_Setting.csv"] = table(("setting",), {"setting": "setting"})
    tables["Output_State.csv"] = table(
        ("ncy", "need", "setting"), {"ncy": "academic-year", "need_setting": "need-setting"}
    )
    tables["Output_Cost.csv"] = table((), {}, result.cost_per_cell(costs))
    written = []
    for name, table in tables.items():
        path = directory / name
        table.to_csv(path, index=False)
        written.append(path)
    return written


# ------------------------------------------------------------------------------------------
# witan.send's own expected path, for comparison
# ------------------------------------------------------------------------------------------


def witan_reference_path(inputs: WitanInputs, horizon: int) -> ProjectionPath:
    """Expected caseload under witan.send's rules *and* its dynamics.

    Differences from highneeds' engine, reproduced on purpose: every need-setting pair the
    valid states allow can receive children; movers may go to a setting that does not serve
    their next NCY, and stayers stay in one they have outgrown; a child in such an invalid
    state is then dropped without being counted as a leaver.
    """
    clean = tr.validate_transitions(inputs.transitions)
    space = StateSpace.from_valid_states(inputs.valid_states)
    idx = index_transitions(clean, space, check_valid=True)
    years = np.unique(clean[tr.YEAR].to_numpy())
    population = population_array(
        inputs.population, space, [int(y) for y in years], purpose="to estimate joiner rates"
    )
    params = estimate_witan(idx, space, years=years, population_from_years=population)
    routes = prepare_routes(params, space)
    A, K = space.n_ncy, space.n_pairs
    valid = space.valid.reshape(-1)
    routes.stay_ok = ~routes.last_ncy
    routes.dest = params.dest
    routes.has_dest = (params.dest.sum(axis=2) > 0).reshape(-1)
    routes.silent_drop = ~valid & ~routes.last_ncy
    base_year = int(years.max()) + 1
    initial = np.zeros(A * K)
    ending = (idx.year == years.max()) & (idx.k_to >= 0)
    np.add.at(initial, idx.a_to[ending] * K + idx.k_to[ending], 1.0)
    exposure = population_array(
        inputs.population,
        space,
        [base_year + h for h in range(1, horizon + 1)],
        purpose="to project joiners",
    )
    return expected_path(params, routes, initial.reshape(A, K), exposure, base_year)
