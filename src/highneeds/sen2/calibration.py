"""Calibration targets for the synthetic LA: a real LA's published EHCP figures, tidy.

Targets are rows in the shape of :mod:`highneeds.readers.dfe_schema` (``year``, ``measure``,
``setting``, ``dimension``, ``category``, ``value``): caseload by age band, by setting group
and by setting, and new plans by age band, for each January census year. The targets for
Stockport (LA 356) from DfE's 2022 release are bundled (``data/demo/calibration_targets.csv``);
:func:`targets_from_release` rebuilds them from the release zip.

Years after the release (the demo runs to 2024) are projected: each figure grows by its own
average yearly growth over the last three published years (stated in docs/synthetic-la.md).
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

import pandas as pd

from highneeds.vocabulary import age_band_code, setting_code, setting_group_total_code

COLUMNS = ["year", "measure", "setting", "dimension", "category", "value"]
#: The LA the demo is shaped like: Stockport (DfE LA number 356).
SOURCE_LA = "356"
SOURCE_NOTE = (
    "Calibrated to DfE 'Education, health and care plans' 2022 (Stockport). Contains public "
    "sector information licensed under the Open Government Licence v3.0."
)


def _la_rows(archive: zipfile.ZipFile, member: str, la_code: str) -> pd.DataFrame:
    with archive.open(member) as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return frame[
        (frame["geographic_level"] == "Local authority") & (frame["old_la_code"] == la_code)
    ]


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # DfE symbols (x, z, c, low, u)


def targets_from_release(path: str | Path, la_code: str = SOURCE_LA) -> pd.DataFrame:
    """Tidy calibration targets for ``la_code`` from the DfE 2022 EHCP release zip."""
    rows: list[dict] = []
    with zipfile.ZipFile(path) as archive:
        ages = _la_rows(archive, "data/sen2_age_caseload.csv", la_code)
        for rec in ages.itertuples():
            if rec.characteristic_age == "Total":
                rows.append(
                    _row(rec.time_period, "caseload", "total", "total", "total", rec.Total_all)
                )
            else:
                band = age_band_code(rec.characteristic_age)
                rows.append(
                    _row(rec.time_period, "caseload", "total", "age_band", band, rec.Total_all)
                )
        estab = _la_rows(archive, "data/sen2_estab_caseload.csv", la_code)
        for rec in estab.itertuples():
            if rec.establishment_group == "Total":
                continue
            if rec.establishment_type == "Total":
                group = setting_group_total_code(rec.establishment_group)
                rows.append(
                    _row(
                        rec.time_period,
                        "caseload",
                        f"group:{group}",
                        "total",
                        "total",
                        rec.Total_all,
                    )
                )
            else:
                code = setting_code(rec.establishment_type)
                rows.append(
                    _row(rec.time_period, "caseload", code, "total", "total", rec.Total_all)
                )
        new = _la_rows(archive, "data/sen2_age_new_plans.csv", la_code)
        for rec in new.itertuples():
            # New plans are published for the calendar year before the January census.
            year = int(rec.time_period) + 1
            if rec.characteristic_age == "Total":
                rows.append(_row(year, "new_plans", "total", "total", "total", rec.Total_new_all))
            else:
                band = age_band_code(rec.characteristic_age)
                rows.append(_row(year, "new_plans", "total", "age_band", band, rec.Total_new_all))
        mi = _la_rows(archive, "data/sen2_mi.csv", la_code)
        for rec in mi.itertuples():
            rows.append(
                _row(
                    int(rec.time_period) + 1,
                    "rate_20_weeks",
                    "total",
                    "total",
                    "total",
                    rec.IncExc20weekRate,
                )
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    # Settings DfE merges (e.g. special academy + free school) can appear twice: add them up.
    return out.groupby(COLUMNS[:-1], as_index=False)["value"].sum(min_count=1)


def _row(year, measure, setting, dimension, category, value) -> dict:
    return {
        "year": int(year),
        "measure": measure,
        "setting": setting,
        "dimension": dimension,
        "category": category,
        "value": _value(value) if isinstance(value, str) else float(value),
    }


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
