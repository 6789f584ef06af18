"""High Needs allocation, the DSG position and the reconciliation of spend with the cost model.

Money in cash pounds by UK financial year ("2024-25"). A forecast's January census year ``y``
falls in financial year ``y-1``–``y`` (January 2026 is in 2025-26, see
:func:`financial_year_of_census`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from highneeds.errors import ModelInputError
from highneeds.vocabulary import S251_LINE_BY_CODE, SETTING_BY_CODE


def financial_year_of_census(year: int) -> str:
    """The financial year holding January of ``year``: 2026 -> '2025-26'."""
    return f"{year - 1}-{year % 100:02d}"


def next_financial_year(year: str, steps: int = 1) -> str:
    start = int(year[:4]) + steps
    return f"{start}-{(start + 1) % 100:02d}"


def project_allocation(
    history: pd.DataFrame,
    until: str,
    growth: float | Mapping[str, float] = 0.0,
) -> pd.DataFrame:
    """High Needs allocation by financial year, actuals then grown by ``growth`` to ``until``.

    ``history``: ``financial_year, allocation_gbp`` (pounds). ``growth``: yearly rate
    (0.05 = 5%) or a rate per financial year. Returns ``financial_year, allocation_gbp, basis``
    (``"actual"`` or ``"projected: +5.0% a year"``).
    """
    if history.empty:
        raise ModelInputError("no High Needs allocation to grow from: give at least one year")
    known = history.sort_values("financial_year")[["financial_year", "allocation_gbp"]]
    rows = [(r.financial_year, float(r.allocation_gbp), "actual") for r in known.itertuples()]
    year, amount = rows[-1][0], rows[-1][1]
    while year < until:
        year = next_financial_year(year)
        if isinstance(growth, Mapping):
            if year not in growth:
                raise ModelInputError(f"no growth rate given for {year}")
            rate = float(growth[year])
        else:
            rate = float(growth)
        amount *= 1 + rate
        rows.append((year, amount, f"projected: {rate:+.1%} a year"))
    return pd.DataFrame(rows, columns=["financial_year", "allocation_gbp", "basis"])


def dsg_position(
    allocation: pd.DataFrame,
    spend: pd.DataFrame,
    opening_balance_gbp: float = 0.0,
) -> pd.DataFrame:
    """In-year surplus/deficit and cumulative DSG (High Needs) balance, carried forward.

    ``allocation``: ``financial_year, allocation_gbp``; ``spend``: ``financial_year,
    spend_gbp`` and optionally ``simulation`` (one spend path per simulated future).
    ``opening_balance_gbp`` is the balance brought forward into the first year (negative =
    deficit). Returns per year (and simulation): ``allocation_gbp, spend_gbp, in_year_gbp``
    (allocation − spend; negative = in-year deficit), ``opening_balance_gbp`` and
    ``closing_balance_gbp``. A spend year without an allocation is an error, not a zero.
    """
    missing = sorted(set(spend["financial_year"]) - set(allocation["financial_year"]))
    if missing:
        raise ModelInputError(
            f"no High Needs allocation for {', '.join(missing)}; project it "
            "with a growth assumption"
        )
    frame = spend.merge(allocation[["financial_year", "allocation_gbp"]], on="financial_year")
    keys = ["simulation"] if "simulation" in frame.columns else []
    frame = frame.sort_values([*keys, "financial_year"]).reset_index(drop=True)
    frame["in_year_gbp"] = frame["allocation_gbp"] - frame["spend_gbp"]
    if keys:
        running = frame.groupby("simulation")["in_year_gbp"].cumsum()
    else:
        running = frame["in_year_gbp"].cumsum()
    frame["closing_balance_gbp"] = opening_balance_gbp + running
    frame["opening_balance_gbp"] = frame["closing_balance_gbp"] - frame["in_year_gbp"]
    return frame[
        [
            *keys,
            "financial_year",
            "allocation_gbp",
            "spend_gbp",
            "in_year_gbp",
            "opening_balance_gbp",
            "closing_balance_gbp",
        ]
    ]


def position_summary(
    position: pd.DataFrame, quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)
) -> pd.DataFrame:
    """Across simulations: mean and quantiles of spend, in-year and closing balance by year."""
    if "simulation" not in position.columns:
        return position
    grouped = position.groupby("financial_year")
    out = grouped[["allocation_gbp", "spend_gbp", "in_year_gbp", "closing_balance_gbp"]].mean()
    for column in ("spend_gbp", "closing_balance_gbp"):
        for q in quantiles:
            out[f"{column}_q{round(q * 100):02d}"] = grouped[column].quantile(q)
    out["probability_deficit"] = grouped["closing_balance_gbp"].apply(lambda v: (v < 0).mean())
    return out.reset_index()


def scenario_positions(
    costed: dict[str, pd.DataFrame], allocation: pd.DataFrame, opening_balance_gbp: float
) -> pd.DataFrame:
    """Per scenario: the DSG position by financial year, summarised over simulations
    (revenue only: one-off capital costs are left out of the DSG balance)."""
    frames = []
    for name, frame in costed.items():
        # Capital is funded outside the DSG: it counts towards payback, not the revenue balance.
        frame = frame[frame["funding_category"] != "capital"]
        spend = frame.groupby(["simulation", "year"], as_index=False)["cost_gbp"].sum()
        spend["financial_year"] = spend["year"].map(financial_year_of_census)
        spend = spend.rename(columns={"cost_gbp": "spend_gbp"}).drop(columns="year")
        summary = position_summary(dsg_position(allocation, spend, opening_balance_gbp))
        frames.append(summary.assign(scenario=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["scenario", *[c for c in out.columns if c != "scenario"]]]


# --------------------------------------------------------------------------------------------
# Mapping modelled costs to Section 251 lines
# --------------------------------------------------------------------------------------------

#: Where the top-up for a setting is reported. Place funding is always line 1.0.2.
_TOP_UP_LINE_BY_CATEGORY = {
    "independent_special": "1.2.3",
    "other": "1.2.11",  # "other (including direct payments)" in the DSG management plan
}


def s251_line_of_top_up(setting: str, funding_category: str) -> str:
    """The S251 line a setting's top-up is reported on.

    Independent/non-maintained providers (and specialist post-16 institutions) -> 1.2.3;
    LA-maintained schools -> 1.2.1; academies, free schools and colleges -> 1.2.2; other
    arrangements -> 1.2.11 (direct payments; an assumption the LA can override by mapping).
    """
    if funding_category in _TOP_UP_LINE_BY_CATEGORY:
        return _TOP_UP_LINE_BY_CATEGORY[funding_category]
    if setting == "specialist_post16":
        return "1.2.3"
    if "la_maintained" in setting or setting == "hospital_school":
        return "1.2.1"
    return "1.2.2"


def costs_by_s251_line(costed: pd.DataFrame) -> pd.DataFrame:
    """Modelled costs (from :func:`highneeds.finance.costs.cost_caseload`) by S251 line.

    Returns ``[simulation,] year, financial_year, s251_line, label, amount_gbp``. Synthetic
    settings outside the vocabulary are mapped by funding category (maintained -> 1.2.1).
    """
    keys = ["simulation"] if "simulation" in costed.columns else []
    pairs = costed[["setting", "funding_category"]].drop_duplicates()
    pairs["top_up_line"] = [
        s251_line_of_top_up(s if s in SETTING_BY_CODE else "", c)
        for s, c in pairs.itertuples(index=False)
    ]
    frame = costed.merge(pairs, on=["setting", "funding_category"])
    place = frame.groupby([*keys, "year"], as_index=False)["place_funding_gbp"].sum()
    place["s251_line"] = "1.0.2"
    place = place.rename(columns={"place_funding_gbp": "amount_gbp"})
    top_up = frame.groupby([*keys, "year", "top_up_line"], as_index=False)["top_up_gbp"].sum()
    top_up = top_up.rename(columns={"top_up_line": "s251_line", "top_up_gbp": "amount_gbp"})
    out = pd.concat([place, top_up], ignore_index=True)
    out["financial_year"] = out["year"].map(financial_year_of_census)
    out["label"] = out["s251_line"].map(lambda code: S251_LINE_BY_CODE[code].label)
    return out.sort_values([*keys, "year", "s251_line"]).reset_index(drop=True)


def reconcile(actual: pd.DataFrame, modelled: pd.DataFrame) -> pd.DataFrame:
    """How much of actual spend the caseload × unit cost model explains, by line and year.

    ``actual``: the budget template's lines (``financial_year, s251_line, amount_gbp``; one
    statement, usually outturn). ``modelled``: :func:`costs_by_s251_line` without simulations.
    Returns ``financial_year, s251_line, label, actual_gbp, modelled_gbp, difference_gbp``
    (actual − modelled) and ``explained_share`` (modelled ÷ actual), plus an ``"all"`` line per
    year. Lines with spend the model does not cover (support services, therapies…) show
    ``modelled_gbp == 0``: that is what the model leaves unexplained.
    """
    if "simulation" in modelled.columns:
        raise ModelInputError("reconcile a single modelled path (take the mean first)")
    left = actual.groupby(["financial_year", "s251_line"], as_index=False)["amount_gbp"].sum()
    right = modelled.groupby(["financial_year", "s251_line"], as_index=False)["amount_gbp"].sum()
    years = sorted(set(left["financial_year"]))
    right = right[right["financial_year"].isin(years)]
    out = (
        left.rename(columns={"amount_gbp": "actual_gbp"})
        .merge(
            right.rename(columns={"amount_gbp": "modelled_gbp"}),
            on=["financial_year", "s251_line"],
            how="outer",
        )
        .fillna({"actual_gbp": 0.0, "modelled_gbp": 0.0})
    )
    totals = out.groupby("financial_year", as_index=False)[["actual_gbp", "modelled_gbp"]].sum()
    totals["s251_line"] = "all"
    out = pd.concat([out, totals], ignore_index=True)
    out["label"] = out["s251_line"].map(
        lambda c: S251_LINE_BY_CODE[c].label if c in S251_LINE_BY_CODE else "All high needs lines"
    )
    out["difference_gbp"] = out["actual_gbp"] - out["modelled_gbp"]
    out["explained_share"] = (out["modelled_gbp"] / out["actual_gbp"]).where(out["actual_gbp"] > 0)
    return (
        out[
            [
                "financial_year",
                "s251_line",
                "label",
                "actual_gbp",
                "modelled_gbp",
                "difference_gbp",
                "explained_share",
            ]
        ]
        .sort_values(["financial_year", "s251_line"])
        .reset_index(drop=True)
    )
