"""Calibration targets for the synthetic LA: a real LA's published EHCP figures, tidy.

Targets are rows in the shape of :mod:`highneeds.readers.dfe_schema` (``year``, ``measure``,
``setting``, ``dimension``, ``category``, ``value``): caseload by age band, by setting group
and by setting, and new plans by age band, for each January census year. The targets for
Stockport (LA 356) from DfE's 2022 release are bundled (``data/demo/calibration_targets.csv``);
:func:`targets_from_release` rebuilds them from the release zip with the DfE release
reader (:func:`highneeds.readers.dfe_ehcp.read_release`).

Years after the release (the demo runs to 2024) are projected: each figure grows by its own
average yearly growth over the last three published years (stated in docs/synthetic-la.md).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

COLUMNS = ["year", "measure", "setting", "dimension", "category", "value"]
#: The LA the demo is shaped like: Stockport (DfE LA number 356).
SOURCE_LA = "356"
SOURCE_NOTE = (
    "Calibrated to DfE 'Education, health and care plans' 2022 (Stockport). Contains public "
    "sector information licensed under the Open Government Licence v3.0."
)


#: Measures of the DfE tidy table used as targets, and the name each has here.
MEASURES = {
    "caseload": "caseload",
    "new_plans": "new_plans",
    "timeliness_20_weeks_incl_exceptions_pc": "rate_20_weeks",
}


def targets_from_tidy(tidy: pd.DataFrame, la_code: str = SOURCE_LA) -> pd.DataFrame:
    """Calibration targets for ``la_code`` from DfE figures in the tidy release shape.

    Keeps caseload (total, by age band, by setting group, by setting), new plans (total and
    by age band) and the 20-week rate including exceptions. ``year`` is the January census
    year (flows of calendar year Y count for Y + 1), as the release reader gives it.
    """
    rows = tidy[(tidy["area_code"] == la_code) & tidy["measure"].isin(list(MEASURES))]
    by_age = rows["dimension"] == "age_band"
    caseload_setting = (rows["measure"] == "caseload") & (rows["dimension"] == "total")
    plain_total = (rows["setting"] == "total") & (rows["dimension"] == "total")
    keep = rows[(by_age & (rows["setting"] == "total")) | caseload_setting | plain_total]
    out = keep.assign(measure=keep["measure"].map(MEASURES))[COLUMNS]
    out = out.groupby(COLUMNS[:-1], as_index=False)["value"].sum(min_count=1)
    return out.sort_values(COLUMNS[:-1]).reset_index(drop=True)


def targets_from_release(path: str | Path, la_code: str = SOURCE_LA) -> pd.DataFrame:
    """Tidy calibration targets for ``la_code`` from a DfE EHCP release zip."""
    from highneeds.readers.dfe_ehcp import read_release

    return targets_from_tidy(read_release(path), la_code)


def bundled_targets() -> pd.DataFrame:
    ref = resources.files("highneeds.data") / "demo" / "calibration_targets.csv"
    with resources.as_file(ref) as path:
        return pd.read_csv(path, dtype={"setting": str, "category": str})


def project(targets: pd.DataFrame, last_year: int, *, window: int = 3) -> pd.DataFrame:
    """Targets extended to ``last_year``; each series grows by its mean growth over ``window``
    years."""
    keys = ["measure", "setting", "dimension", "category"]
    parts = [targets]
    for key, series in targets.groupby(keys):
        series = series.dropna(subset=["value"]).sort_values("year")
        if series.empty:
            continue
        tail = series.tail(window + 1)
        values = tail["value"].to_numpy()
        if key[0] == "rate_20_weeks" or len(values) < 2 or (values[:-1] <= 0).any():
            growth = 1.0
        else:
            growth = float((values[-1] / values[0]) ** (1 / (len(values) - 1)))
        year, value = int(series["year"].iloc[-1]), float(values[-1])
        for future in range(year + 1, last_year + 1):
            value = value * growth
            parts.append(
                pd.DataFrame([dict(zip(keys, key, strict=True), year=future, value=value)])
            )
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def target(
    targets: pd.DataFrame,
    year: int,
    measure: str,
    setting: str = "total",
    dimension: str = "total",
    category: str = "total",
) -> float:
    rows = targets[
        (targets["year"] == year)
        & (targets["measure"] == measure)
        & (targets["setting"] == setting)
        & (targets["dimension"] == dimension)
        & (targets["category"] == category)
    ]
    return float(rows["value"].sum()) if not rows.empty else float("nan")
