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

_LINE_ORDER = {code: position for position, code in enumerate(S251_LINE_BY_CODE)}


def _line_order(codes: pd.Series) -> pd.Series:
    """Vocabulary order (1.2.2 before 1.2.10), the ``"all"`` total last."""
    return codes.map(lambda code: _LINE_ORDER.get(code, len(_LINE_ORDER)))


def _sort_key(column: pd.Series) -> pd.Series:
    return _line_order(column) if column.name == "s251_line" else column


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

    Returns ``[simulation,] year, financial_year, s251_line, label, amount_gbp``, plus
    ``uses_reference_default`` when ``costed`` has it: True where a row priced in part at a
    national reference default reaches the line (its top-up line always, since a default of
    £0 is still an assumption; line 1.0.2 when it pays place funding). Synthetic settings
    outside the vocabulary are mapped by funding category (maintained -> 1.2.1).
    """
    keys = ["simulation"] if "simulation" in costed.columns else []
    pairs = costed[["setting", "funding_category"]].drop_duplicates()
    pairs["top_up_line"] = [
        s251_line_of_top_up(s if s in SETTING_BY_CODE else "", c)
        for s, c in pairs.itertuples(index=False)
    ]
    frame = costed.merge(pairs, on=["setting", "funding_category"])
    flagged = "uses_reference_default" in frame.columns
    if flagged:
        # The cost model flags a row, not its place and top-up apart: a flagged row marks
        # every line it reaches, erring towards saying "rests in part on a default".
        frame["place_default"] = frame["uses_reference_default"] & (frame["place_funding_gbp"] > 0)
        frame["top_up_default"] = frame["uses_reference_default"]
    place_values = {"amount_gbp": ("place_funding_gbp", "sum")}
    top_up_values = {"amount_gbp": ("top_up_gbp", "sum")}
    if flagged:
        place_values["uses_reference_default"] = ("place_default", "any")
        top_up_values["uses_reference_default"] = ("top_up_default", "any")
    place = frame.groupby([*keys, "year"], as_index=False).agg(**place_values)
    place["s251_line"] = "1.0.2"
    top_up = frame.groupby([*keys, "year", "top_up_line"], as_index=False).agg(**top_up_values)
    top_up = top_up.rename(columns={"top_up_line": "s251_line"})
    out = pd.concat([place, top_up], ignore_index=True)
    out["financial_year"] = out["year"].map(financial_year_of_census)
    out["label"] = out["s251_line"].map(lambda code: S251_LINE_BY_CODE[code].label)
    columns = [*keys, "year", "financial_year", "s251_line", "label", "amount_gbp"]
    if flagged:
        columns.append("uses_reference_default")
    return out.sort_values([*keys, "year", "s251_line"]).reset_index(drop=True)[columns]


def reconcile(actual: pd.DataFrame, modelled: pd.DataFrame) -> pd.DataFrame:
    """How much of actual spend the caseload × unit cost model explains, by line and year.

    ``actual``: the budget template's lines (``financial_year, s251_line, amount_gbp``; one
    statement, usually outturn). ``modelled``: :func:`costs_by_s251_line` without simulations.
    Returns ``financial_year, s251_line, label, actual_gbp, modelled_gbp, difference_gbp``
    (actual − modelled) and ``explained_share`` (modelled ÷ actual), plus an ``"all"`` line per
    year. Lines with spend the model does not cover (support services, therapies…) show
    ``modelled_gbp == 0``: that is what the model leaves unexplained. When ``modelled`` has
    ``uses_reference_default`` (see :func:`costs_by_s251_line`) it is carried to each line, and
    the ``"all"`` line is flagged when any line is.
    """
    if "simulation" in modelled.columns:
        raise ModelInputError("reconcile a single modelled path (take the mean first)")
    flagged = "uses_reference_default" in modelled.columns
    values = {"amount_gbp": ("amount_gbp", "sum")}
    if flagged:
        values["uses_reference_default"] = ("uses_reference_default", "any")
    left = actual.groupby(["financial_year", "s251_line"], as_index=False)["amount_gbp"].sum()
    right = modelled.groupby(["financial_year", "s251_line"], as_index=False).agg(**values)
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
    if flagged:
        out["uses_reference_default"] = out["uses_reference_default"].fillna(False).astype(bool)
        any_flag = out.groupby("financial_year")["uses_reference_default"].any()
        totals["uses_reference_default"] = totals["financial_year"].map(any_flag)
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
                *(["uses_reference_default"] if flagged else []),
            ]
        ]
        .sort_values(["financial_year", "s251_line"], key=_sort_key)
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# The LA's own budget and outturn (the budget template, highneeds.finance.templates)
# --------------------------------------------------------------------------------------------


def _by_line(lines: pd.DataFrame) -> pd.DataFrame:
    """``financial_year, s251_line, budget, outturn``: each statement summed over the year's
    periods; a statement not given for a line is missing, never zero."""
    wide = lines.pivot_table(
        index=["financial_year", "s251_line"],
        columns="statement",
        values="amount_gbp",
        aggfunc="sum",
    )
    return wide.reindex(columns=["budget", "outturn"]).reset_index().rename_axis(columns=None)


def budget_outturn(lines: pd.DataFrame) -> pd.DataFrame:
    """The budget template's rows side by side: budget, outturn and variance by line and year.

    ``lines``: ``financial_year, s251_line, statement`` (budget or outturn) and ``amount_gbp``
    (several periods of a year add up). Returns ``financial_year, s251_line, label,
    budget_gbp, outturn_gbp, variance_gbp`` (outturn − budget: positive = overspent), one row
    per line given and an ``"all"`` line per year. A statement not given for a line is missing,
    never zero, and so is its variance. The ``"all"`` line adds what is given; its variance is
    missing unless every line of the year has both, so totals of unlike lines never compare.
    """
    wide = _by_line(lines)
    wide["variance"] = wide["outturn"] - wide["budget"]
    grouped = wide.groupby("financial_year")
    totals = grouped[["budget", "outturn"]].sum(min_count=1)
    complete = grouped["variance"].apply(lambda v: v.notna().all())
    totals["variance"] = (totals["outturn"] - totals["budget"]).where(complete)
    totals = totals.reset_index().assign(s251_line="all")
    out = pd.concat([wide, totals], ignore_index=True)
    out = out.rename(
        columns={"budget": "budget_gbp", "outturn": "outturn_gbp", "variance": "variance_gbp"}
    )
    out["label"] = out["s251_line"].map(
        lambda c: S251_LINE_BY_CODE[c].label if c in S251_LINE_BY_CODE else "All high needs lines"
    )
    out = out.sort_values(["financial_year", "s251_line"], key=_sort_key).reset_index(drop=True)
    return out[
        ["financial_year", "s251_line", "label", "budget_gbp", "outturn_gbp", "variance_gbp"]
    ]


def own_spend(lines: pd.DataFrame) -> pd.DataFrame:
    """High Needs spend by financial year from the budget template, for :func:`dsg_position`.

    Each line counts its outturn where given (what was spent), else its budget (what is
    planned). Returns ``financial_year, spend_gbp`` and ``statement``: "outturn", "budget" or
    "outturn and budget" (a year whose outturn is given for some lines only).
    """
    wide = _by_line(lines)
    has_outturn = wide["outturn"].notna()
    frame = wide[["financial_year"]].assign(
        spend_gbp=wide["outturn"].where(has_outturn, wide["budget"]), outturn=has_outturn
    )
    grouped = frame.groupby("financial_year")
    out = grouped["spend_gbp"].sum().reset_index()
    share = grouped["outturn"].mean()
    out["statement"] = out["financial_year"].map(
        lambda year: (
            "outturn"
            if share[year] == 1
            else ("budget" if share[year] == 0 else "outturn and budget")
        )
    )
    return out.sort_values("financial_year").reset_index(drop=True)
