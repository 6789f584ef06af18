"""Rolling-origin backtests of caseload forecasts for every LA, against naive baselines.

For each origin year the model is fitted on data up to that January only and forecasts
``horizon`` years ahead; each LA's total caseload forecast is compared with what DfE later
published. Errors are percentage errors (APE, %, and signed for the bias); a model's 50%, 80%
and 95% intervals (``q25``–``q75``, ``q10``–``q90``, ``q2.5``–``q97.5``) are checked for
containing the actual value. Origins up to 2019 chose the model's settings; 2020 and 2021
are the check, reported apart (:data:`TUNING_ORIGINS`, :data:`CHECK_ORIGINS`).

Any model serves that follows the forecaster interface: ``model.fit(panel, origin=year)``
returns the model and ``.predict(horizon)`` returns the public-data table (``area_code``,
``horizon``, ``age_band`` with a ``'total'`` row, ``median`` and the quantile columns). The
point forecast scored is the median. Only LAs for which the model, every baseline and the
actual value all exist are scored, so every method is judged on the same LAs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.forecast.baselines import BASELINE_LABELS, BASELINES, baseline_forecasts


class PanelForecaster(Protocol):
    def fit(self, panel, origin: int): ...

    def predict(self, horizon: int) -> pd.DataFrame: ...


#: Origins the model's settings were chosen on (docs/forecast.md, "Choosing the defaults"):
#: every January up to 2019 from which five years ahead can be checked or nearly, after the
#: 2014 reforms had worked through (origins 2015–2016 are reported apart, see the docs).
TUNING_ORIGINS = (2017, 2018, 2019)
#: Origins kept back as the check: reported separately, never used to choose anything.
CHECK_ORIGINS = (2020, 2021)
#: Origins of the backtest reported in docs/forecast.md.
DEFAULT_ORIGINS = (*TUNING_ORIGINS, *CHECK_ORIGINS)
#: Years ahead the backtest scores by default (councils set budgets three to five years out).
DEFAULT_HORIZON = 5
#: Central prediction intervals scored, (level %, lower quantile column, upper column).
INTERVALS = ((50, "q25", "q75"), (80, "q10", "q90"), (95, "q2.5", "q97.5"))

#: Columns of the table :func:`backtest` returns.
ERROR_COLUMNS = (
    "area_code",
    "origin",
    "period",
    "horizon",
    "year",
    "method",
    "forecast",
    "actual",
    "ape",
    "pe",
    *(f"{end}{level}" for level, _, _ in INTERVALS for end in ("lo", "hi")),
    *(f"covered{level}" for level, _, _ in INTERVALS),
)


#: Every method a backtest scores, in words (the baselines' from :mod:`baselines`).
METHOD_LABELS = {
    "public_stock_flow": "Public-data model",
    "public_stock_flow_expected": "Public-data model (expected path)",
    "last_share": "Origin's shares held",
    **BASELINE_LABELS,
}


def method_label(code: str) -> str:
    """A backtest method's name in words (an unknown code is shown as given)."""
    return METHOD_LABELS.get(str(code), str(code))


def period_of(origin: int) -> str:
    """``check`` for an origin kept back (:data:`CHECK_ORIGINS` and later), ``tuning`` for
    one the settings were chosen on, ``early`` for one before them (across the 2014
    reforms, reported apart)."""
    if origin >= min(CHECK_ORIGINS):
        return "check"
    return "tuning" if origin >= min(TUNING_ORIGINS) else "early"


def backtest(
    panel,
    model: PanelForecaster,
    origins: Sequence[int],
    horizon: int = 3,
    *,
    method: str = "public_stock_flow",
) -> pd.DataFrame:
    """Errors of ``model`` and the baselines: one row per LA × origin × horizon × method.

    ``panel`` is a :class:`highneeds.forecast.public.Panel`. Horizons whose year lies past the
    data are skipped. ``ape`` is the absolute and ``pe`` the signed percentage error
    (forecast − actual, % of actual; positive = over-forecast); ``coveredNN`` says whether
    the actual fell inside the NN% interval (NaN for the baselines, which have none).
    ``period`` is ``early``, ``tuning`` or ``check`` (:func:`period_of`).
    """
    years = np.asarray(panel.years)
    if not len(origins):
        raise ModelInputError("backtest: give at least one origin year")
    total = panel.total
    codes = panel.areas["area_code"].astype(str).to_numpy()
    rows = []
    for origin in origins:
        table = model.fit(panel, origin=int(origin)).predict(horizon)
        totals = table[table["age_band"] == "total"]
        if "setting_group" in totals:
            totals = totals[totals["setting_group"] == "total"]
        base = baseline_forecasts(total, years, int(origin), horizon, panel.england)
        for h in range(1, horizon + 1):
            if origin + h > years.max():
                continue
            t = int(np.nonzero(years == origin + h)[0][0])
            ours = totals[totals["horizon"] == h].set_index("area_code").reindex(codes)
            actual = total[:, t]
            usable = np.isfinite(actual) & (actual > 0) & ours["median"].notna().to_numpy()
            for values in base.values():
                usable &= np.isfinite(values[:, h - 1])
            frame = {
                "area_code": codes[usable],
                "origin": int(origin),
                "period": period_of(int(origin)),
                "horizon": h,
                "year": int(origin) + h,
                "actual": actual[usable],
            }
            bounds = {}
            for level, lo, hi in INTERVALS:
                bounds[f"lo{level}"] = ours[lo].to_numpy()[usable]
                bounds[f"hi{level}"] = ours[hi].to_numpy()[usable]
            forecast = ours["median"].to_numpy()[usable]
            rows.append(pd.DataFrame({**frame, "method": method, "forecast": forecast, **bounds}))
            for name in BASELINES:
                forecast = base[name][usable, h - 1]
                rows.append(pd.DataFrame({**frame, "method": name, "forecast": forecast}))
    if not rows:
        raise ModelInputError(
            f"backtest: no origin in {list(origins)} has a later year in the data to check"
        )
    out = pd.concat(rows, ignore_index=True)
    out["pe"] = 100 * (out["forecast"] - out["actual"]) / out["actual"]
    out["ape"] = out["pe"].abs()
    for level, _, _ in INTERVALS:
        lo, hi = out[f"lo{level}"], out[f"hi{level}"]
        inside = (out["actual"] >= lo) & (out["actual"] <= hi)
        out[f"covered{level}"] = inside.astype(float).where(lo.notna())
    return out[list(ERROR_COLUMNS)]


def backtest_summary(errors: pd.DataFrame) -> pd.DataFrame:
    """By period (early, tuning or check origins, :func:`period_of`), method and horizon:
    forecasts scored, MAPE, median APE and bias (mean signed error; positive =
    over-forecast), all %, and the share of LAs whose actual value fell inside the 50%, 80%
    and 95% intervals (%; NaN for baselines)."""
    grouped = errors.groupby(["period", "method", "horizon"], sort=False)
    summary = grouped.agg(
        forecasts=("ape", "size"),
        mape=("ape", "mean"),
        median_ape=("ape", "median"),
        bias=("pe", "mean"),
        **{f"coverage{level}": (f"covered{level}", "mean") for level, _, _ in INTERVALS},
    )
    summary[[f"coverage{level}" for level, _, _ in INTERVALS]] *= 100
    summary = summary.reset_index()
    order = summary["period"].map({"early": 0, "tuning": 1, "check": 2})
    return (
        summary.assign(_order=order)
        .sort_values(["_order", "horizon", "method"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def best_baseline(
    summary: pd.DataFrame, horizon: int, period: str | None = None
) -> tuple[str, float]:
    """The baseline with the lowest MAPE at ``horizon`` (in ``period`` if given) and that
    MAPE."""
    part = summary[(summary["horizon"] == horizon) & summary["method"].isin(BASELINES)]
    if period is not None:
        part = part[part["period"] == period]
    if part.empty:
        raise ModelInputError(f"backtest summary has no baseline at horizon {horizon}")
    best = part.loc[part["mape"].idxmin()]
    return str(best["method"]), float(best["mape"])


def summary_markdown(summary: pd.DataFrame) -> str:
    """The summary as a Markdown table for the docs (percentages to one decimal)."""
    header = ["origins", "horizon", "method", "LA forecasts", "MAPE %", "median APE %"]
    header += ["bias %", "50% cover %", "80% cover %", "95% cover %"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in summary.itertuples(index=False):
        cells = [str(row.period), str(row.horizon), method_label(row.method), f"{row.forecasts:,}"]
        for value in (
            row.mape,
            row.median_ape,
            row.bias,
            row.coverage50,
            row.coverage80,
            row.coverage95,
        ):
            cells.append("" if pd.isna(value) else f"{value:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def backtest_groups(panel, model, origins: Sequence[int], horizon: int = 3) -> pd.DataFrame:
    """Errors of the setting-group forecasts against a last-share baseline: one row per
    LA × origin × horizon × setting group × method: ``public_stock_flow`` (the median of the
    joint draws), ``public_stock_flow_expected`` (the expected path) or ``last_share`` (the
    origin's shares applied to the model's own total median, so the comparison isolates the
    share model). Scored where the group's actual caseload is positive (APE is undefined
    at zero); ``covered80`` is NaN for the baseline."""
    from highneeds.forecast.public_groups import GROUPS

    if panel.groups is None:
        raise ModelInputError("backtest_groups: the panel has no setting-group breakdown")
    years = np.asarray(panel.years)
    codes = panel.areas["area_code"].astype(str).to_numpy()
    rows = []
    for origin in origins:
        o = int(np.nonzero(years == origin)[0][0])
        table = model.fit(panel, origin=int(origin)).predict(horizon, setting_groups=True)
        last = panel.groups[:, o] / panel.groups[:, o].sum(axis=1, keepdims=True)
        for h in range(1, horizon + 1):
            if origin + h > years.max():
                continue
            t = int(np.nonzero(years == origin + h)[0][0])
            part = table[table["horizon"] == h]
            total = part[(part["age_band"] == "total") & (part["setting_group"] == "total")]
            total = total.set_index("area_code")["median"].reindex(codes).to_numpy()
            for g, group in enumerate(GROUPS):
                ours = part[part["setting_group"] == group].set_index("area_code").reindex(codes)
                actual = panel.groups[:, t, g]
                usable = np.isfinite(actual) & (actual > 0) & ours["median"].notna().to_numpy()
                usable &= np.isfinite(last[:, g])
                frame = {
                    "area_code": codes[usable],
                    "origin": int(origin),
                    "horizon": h,
                    "setting_group": group,
                    "actual": actual[usable],
                }
                inside = (actual >= ours["q10"].to_numpy()) & (actual <= ours["q90"].to_numpy())
                covered = np.where(ours["q10"].notna().to_numpy(), inside, np.nan)
                rows.append(
                    pd.DataFrame(
                        {
                            **frame,
                            "method": "public_stock_flow",
                            "forecast": ours["median"].to_numpy()[usable],
                            "covered80": covered[usable],
                        }
                    )
                )
                rows.append(
                    pd.DataFrame(
                        {
                            **frame,
                            "method": "public_stock_flow_expected",
                            "forecast": ours["expected"].to_numpy()[usable],
                        }
                    )
                )
                baseline = (total * last[:, g])[usable]
                rows.append(pd.DataFrame({**frame, "method": "last_share", "forecast": baseline}))
    if not rows:
        raise ModelInputError(f"backtest_groups: no origin in {list(origins)} can be checked")
    out = pd.concat(rows, ignore_index=True)
    out["ape"] = 100 * (out["forecast"] - out["actual"]).abs() / out["actual"]
    return out


def group_summary_markdown(errors: pd.DataFrame) -> str:
    """By setting group and horizon: LA forecasts scored, MAPE % of the model's median, of its
    expected path and of the last-share baseline, and the model's 80% interval coverage %,
    as a Markdown table for the docs."""
    summary = errors.groupby(["setting_group", "horizon", "method"], sort=False).agg(
        mape=("ape", "mean"), covered80=("covered80", "mean"), n=("ape", "size")
    )
    wide = summary.unstack("method")
    header = ["setting group", "horizon", "LA forecasts", "MAPE % model median"]
    header += ["MAPE % model expected", "MAPE % last share", "80% cover %"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for group in errors["setting_group"].unique():
        for h in sorted(errors["horizon"].unique()):
            row = wide.loc[(group, h)]
            cells = [str(group), str(h), f"{int(row[('n', 'last_share')]):,}"]
            cells += [
                f"{row[('mape', method)]:.1f}"
                for method in ("public_stock_flow", "public_stock_flow_expected", "last_share")
            ]
            cells.append(f"{100 * row[('covered80', 'public_stock_flow')]:.0f}")
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
